//! Helpers shared by the integration tests that include this module (`mod common;`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs rawi with `args` in `dir`, its cache under `dir` (never the user's).
#[allow(dead_code)]
pub fn rawi_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join("xdg-cache"))
        .output()
        .expect("rawi runs")
}

/// Builds the cup-final sample into `out` with `voice`, without the clip cache, with the
/// extra environment variables `env`.
#[allow(dead_code)]
pub fn build_cup_final(voice: &Path, out: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
        .arg("build")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/cup-final.txt"))
        .arg("-o")
        .arg(out)
        .arg("--voice")
        .arg(voice)
        .arg("--no-cache")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

//! Helpers shared by the integration tests that include this module (`mod common;`).

pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs rawi with `args` in `dir`, its cache under `dir` (never the user's).
#[allow(dead_code)]
pub fn rawi_in(dir: &Path, args: &[&str]) -> Output {
    rawi_command(dir, args).output().expect("rawi runs")
}

/// [`rawi_in`] in an environment holding nothing but `PATH`, the cache and config
/// folders under `dir`, and `env`: what a voice needs must be among the variables given.
#[allow(dead_code)]
pub fn rawi_only_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    rawi_command(dir, args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("XDG_CACHE_HOME", dir.join("xdg-cache"))
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .envs(env.iter().copied())
        .output()
        .expect("rawi runs")
}

fn rawi_command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rawi"));
    c.args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join("xdg-cache"));
    c
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

/// The character of one of XML's five predefined entities (`amp` is `&`).
#[allow(dead_code)]
pub fn xml_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}

/// A chunk of a PNG: length, type, data, CRC.
#[allow(dead_code)]
pub fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut c = (body.len() as u32).to_be_bytes().to_vec();
    c.extend(kind);
    c.extend(body);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(body);
    c.extend(crc.finalize().to_be_bytes());
    c
}

/// A PNG of `side`×`side` pixels whose chunks are all well formed.
#[allow(dead_code)]
pub fn png(side: u32) -> Vec<u8> {
    let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = side.to_be_bytes().to_vec();
    ihdr.extend(side.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    p.extend(png_chunk(b"IHDR", &ihdr));
    p.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 3, 0, 0, 0, 0, 1]));
    p.extend(png_chunk(b"IEND", &[]));
    p
}

/// The path of `name` on PATH, or a panic saying which Debian package to install.
#[allow(dead_code)]
pub fn program(name: &str, package: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|c| c.is_file())
        })
        .unwrap_or_else(|| panic!("{name} is needed for this test: run the tests with tools/test.sh, which installs it (or apt-get install -y {package})"))
}

/// Integrated loudness (LUFS) and true peak (dBTP) of an audio file, as ffmpeg's
/// `ebur128` filter measures them.
#[allow(dead_code)]
pub fn ffmpeg_loudness(audio: &Path) -> (f64, f64) {
    let l = Command::new(program("ffmpeg", "ffmpeg"))
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(audio)
        .args(["-af", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg runs");
    let log = String::from_utf8_lossy(&l.stderr);
    let summary = &log[log.rfind("Summary:").expect("ebur128 summary")..];
    let value = |key: &str| -> f64 {
        summary
            .lines()
            .find_map(|line| line.trim().strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in ffmpeg's summary: {summary}"))
    };
    (value("I:"), value("Peak:"))
}

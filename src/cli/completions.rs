//! `rawi completions SHELL`: a completion script generated from the clap definition, so
//! it always matches the commands and options of this binary.

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;
use crate::error::Result;

/// Prints the completion script for `shell` on stdout.
pub(crate) fn completions(shell: Shell) -> Result<i32> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "rawi", &mut script);
    write_stdout(&script)
}

/// Writes generated text to stdout (see [`super::out::Out`]): a closed pipe (`| head`)
/// is not an error, a full or closed output is.
pub(super) fn write_stdout(bytes: &[u8]) -> Result<i32> {
    let mut out = super::out::Out::open()?;
    let r = out.writer().write_all(bytes);
    out.check(r)?;
    out.finish()?;
    Ok(0)
}

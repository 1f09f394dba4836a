//! `rawi completions SHELL`: a completion script generated from the clap definition, so
//! it always matches the commands and options of this binary.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;
use crate::error::{Error, Result};

/// Prints the completion script for `shell` on stdout.
pub(crate) fn completions(shell: Shell) -> Result<i32> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "rawi", &mut script);
    write_stdout(&script)
}

/// Writes generated text to stdout; a closed pipe (`| head`) is not an error.
pub(super) fn write_stdout(bytes: &[u8]) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(0),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(Error::output("stdout", format!("cannot write: {e}"))),
    }
}

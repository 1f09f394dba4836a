//! `rawi man`: the manual page (roff), generated from the clap definition, so it always
//! matches the commands and options of this binary.

use clap::CommandFactory;

use super::Cli;
use crate::error::{Error, Result};

/// Prints the man page of `rawi`, or of one of its commands, on stdout
/// (`rawi man | man -l -`, or `rawi man > rawi.1`).
pub(crate) fn man(command: Option<&str>) -> Result<i32> {
    let cmd = Cli::command();
    let (page, title) = match command {
        None => (cmd, "rawi".to_owned()),
        Some(name) => {
            let known: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_owned())
                .collect();
            let Some(sub) = cmd.find_subcommand(name).cloned() else {
                return Err(Error::input(
                    name,
                    format!("is not a rawi command; choose one of {}", known.join(", ")),
                ));
            };
            // The page of `rawi build` is titled `rawi-build`, as git and cargo do.
            let title = format!("rawi-{}", sub.get_name());
            let bin = format!("rawi {}", sub.get_name());
            (sub.display_name(title.clone()).bin_name(bin), title)
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .title(title)
        .render(&mut roff)
        .map_err(|e| Error::output("stdout", format!("cannot render the man page: {e}")))?;
    super::completions::write_stdout(&roff)
}

//! Standard output for the commands whose result is what they print (`split`, `check`,
//! `voices`, `verify`, `normalize`, `diacritize`): a result that could not be printed is
//! a failure (exit 2, one line), not a success; a reader that went away (`| head`) ends
//! the printing quietly, as other command-line tools do.

use std::io::{BufWriter, ErrorKind, StdoutLock, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Set when standard output was closed when rawi started (`rawi split x >&-`). The Rust
/// runtime then puts `/dev/null` there, so writes would succeed and the output vanish.
static CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

/// Records that standard output was closed when the process started (the binary looks
/// before the Rust runtime replaces it with `/dev/null`).
pub fn stdout_was_closed_at_start() {
    CLOSED_AT_START.store(true, Ordering::Relaxed);
}

/// The error for an output that cannot be written.
fn cannot_write(e: &std::io::Error) -> Error {
    Error::output(
        "<stdout>",
        format!("cannot write the output ({e}); check where it is redirected"),
    )
}

/// Buffered standard output that reports how writing went.
pub(crate) struct Out {
    w: BufWriter<StdoutLock<'static>>,
    /// The reader went away: nothing more is written, and that is not an error.
    gone: bool,
}

impl Out {
    /// Standard output, or an error when it was closed when rawi started.
    pub(crate) fn open() -> Result<Out> {
        if CLOSED_AT_START.load(Ordering::Relaxed) {
            return Err(Error::output(
                "<stdout>",
                "is closed; give rawi somewhere to print (a file, a pipe, or /dev/null)",
            ));
        }
        Ok(Out {
            w: BufWriter::new(std::io::stdout().lock()),
            gone: false,
        })
    }

    /// Writes one line. `Ok(false)` once the reader has gone (a closed pipe): the caller
    /// stops printing. Any other failure (a full disk, `/dev/full`) is an error.
    pub(crate) fn line(&mut self, line: impl std::fmt::Display) -> Result<bool> {
        if self.gone {
            return Ok(false);
        }
        match writeln!(self.w, "{line}") {
            Ok(()) => Ok(true),
            Err(e) => self.failed(e),
        }
    }

    /// The writer, for code that prints through `std::io::Write`; pass what it returns to
    /// [`Out::check`].
    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        &mut self.w
    }

    /// How a write through [`Out::writer`] went, as [`Out::line`] tells it.
    pub(crate) fn check(&mut self, r: std::io::Result<()>) -> Result<bool> {
        match r {
            Ok(()) => Ok(!self.gone),
            Err(e) => self.failed(e),
        }
    }

    /// Flushes what is buffered; the same errors as [`Out::line`].
    pub(crate) fn finish(mut self) -> Result<()> {
        if self.gone {
            return Ok(());
        }
        match self.w.flush() {
            Ok(()) => Ok(()),
            Err(e) => self.failed(e).map(|_| ()),
        }
    }

    fn failed(&mut self, e: std::io::Error) -> Result<bool> {
        if e.kind() == ErrorKind::BrokenPipe {
            // What is still buffered has nowhere to go: the writer's last flush, when it
            // is dropped, fails the same way and is ignored.
            self.gone = true;
            return Ok(false);
        }
        Err(cannot_write(&e))
    }
}

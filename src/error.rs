//! The library's one error type. Every message is a single sentence that names the file or
//! voice concerned and, where there is one, what the user can do about it.

use std::path::PathBuf;

/// Everything that can go wrong between an article on disk and a bundle on disk.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The article could not be read or is not a usable article.
    #[error("{path}: {reason}")]
    Input {
        /// The file as the user named it.
        path: PathBuf,
        /// What is wrong with it and what to do.
        reason: String,
    },
    /// A voice definition could not be found, read or understood.
    #[error("voice {name}: {reason}")]
    Voice {
        /// The voice name or file as given.
        name: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The voice ran but did not give usable audio for a sentence.
    #[error("voice {voice}: {reason}")]
    Synth {
        /// The voice that failed.
        voice: String,
        /// What happened (missing program, exit status, timeout, no WAV...).
        reason: String,
    },
    /// Writing the output failed.
    #[error("{path}: {reason}")]
    Output {
        /// The output file or folder.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// A bundle did not match its manifest (`rawi verify`).
    #[error("{path}: {reason}")]
    Verify {
        /// The bundle checked.
        path: PathBuf,
        /// The first thing found wrong.
        reason: String,
    },
}

impl Error {
    /// An input error for `path`.
    pub fn input(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            reason: reason.into(),
        }
    }
    /// The reason alone, without the file or voice it concerns: for a message that
    /// names them in its own words.
    pub fn reason(self) -> String {
        match self {
            Error::Input { reason, .. }
            | Error::Voice { reason, .. }
            | Error::Synth { reason, .. }
            | Error::Output { reason, .. }
            | Error::Verify { reason, .. } => reason,
        }
    }
    /// An output error for `path`.
    pub fn output(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Output {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! The library's one error type. Every message is a single sentence that names the file or
//! voice concerned and, where there is one, what the user can do about it; and the one way
//! messages reach the terminal ([`report`]), with control characters escaped.

use std::borrow::Cow;
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

/// `true` for characters that must not reach a terminal raw: control characters (C0, DEL,
/// C1: an ESC sequence retitles the terminal or erases lines, a newline forges another
/// line) and the bidi embeddings, overrides and isolates that reorder what is shown.
fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character unsafe for a terminal written as a Rust escape (`\n`, `\t`,
/// `\u{1b}`), so that a file name, a zip member's name or an article's text printed in
/// a message is shown, never obeyed. Borrowed when there is nothing to escape.
pub fn escaped(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_for_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `url` with the user-info of its authority (`user:password@`) replaced by `***@`, for
/// messages: a password given in an address must not be printed. Borrowed when there is
/// none.
pub fn redacted_url(url: &str) -> Cow<'_, str> {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return Cow::Borrowed(url);
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => Cow::Owned(format!("{}***{}", &url[..scheme_end], &rest[at..])),
        None => Cow::Borrowed(url),
    }
}

/// Prints one message line on standard error, escaped (see [`escaped`]): every error,
/// warning and problem line rawi prints goes through here. A standard error that cannot
/// be written (closed, full) loses the line; it never panics rawi, as `eprintln!` would.
pub fn report(line: impl std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{}", escaped(&line.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_addresses_are_not_shown() {
        assert_eq!(
            redacted_url("https://user:s3cret@host:8443/v1?a=b@c"),
            "https://***@host:8443/v1?a=b@c"
        );
        assert_eq!(redacted_url("http://host/p@th"), "http://host/p@th");
        assert_eq!(redacted_url("not a url"), "not a url");
    }

    #[test]
    fn controls_are_shown_not_obeyed() {
        assert!(matches!(escaped("ملف.zip"), Cow::Borrowed(_)));
        assert_eq!(
            escaped("x.zip\nrawi: x.zip: ok\u{1b}]0;t\u{7}\u{202E}"),
            "x.zip\\nrawi: x.zip: ok\\u{1b}]0;t\\u{7}\\u{202e}"
        );
    }
}

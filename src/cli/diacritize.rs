//! `rawi diacritize`: stdin with its short vowels, line for line.

use std::io::{BufRead, Write};
use std::path::Path;

use crate::diacritize::{self, Options};
use crate::error::{Error, Result};
use crate::normalize::{self, Spoken};
use crate::synth::bundled::lexicon::Lexicon;
use crate::text;

/// How `rawi diacritize` reads and prints.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Flags {
    /// Mark each word with its source.
    pub explain: bool,
    /// Take the lines as they are, without normalizing them first.
    pub no_normalize: bool,
    /// Drop the case vowel before pauses.
    pub pausal: bool,
    /// Leave the built-in lexicon out (to measure the model alone).
    pub no_lexicon: bool,
}

/// Prints each stdin line diacritized (after normalization unless `no_normalize`); with
/// `explain`, each word and where its marks came from.
pub(crate) fn diacritize_stdin(flags: Flags, lexicon: Option<&Path>) -> Result<i32> {
    let mut lex = if flags.no_lexicon {
        Lexicon::default()
    } else {
        Lexicon::bundled()
    };
    if let Some(path) = lexicon {
        let extra = std::fs::read_to_string(path).map_err(|e| {
            Error::input(
                path.display().to_string(),
                format!("cannot read the lexicon: {e}"),
            )
        })?;
        lex.add(&extra);
    }
    let opts = Options {
        pausal: flags.pausal,
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (n, line) in stdin.lock().split(b'\n').enumerate() {
        let bytes = line.map_err(|e| Error::input("<stdin>", format!("cannot read: {e}")))?;
        let line = String::from_utf8_lossy(&bytes);
        let line = text::clean_line(line.trim_end_matches('\r'));
        let spoken = if flags.no_normalize {
            Spoken {
                text: line.clone(),
                tokens: Vec::new(),
            }
        } else {
            normalize::normalize(&line)
        };
        let d = diacritize::diacritize(&spoken, &lex, opts)
            .map_err(|e| Error::input(format!("<stdin> line {}", n + 1), e))?;
        let written = (|| {
            writeln!(out, "{}", d.text)?;
            if flags.explain {
                for w in &d.words {
                    writeln!(out, "  line {}: {} {}", n + 1, w.source.as_str(), w.text)?;
                }
            }
            Ok::<_, std::io::Error>(())
        })();
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(0);
            }
            return Err(Error::output("<stdout>", e.to_string()));
        }
    }
    out.flush()
        .map_err(|e| Error::output("<stdout>", e.to_string()))?;
    Ok(0)
}

//! `rawi diacritize`: stdin with its short vowels, line for line.

use std::path::Path;

use crate::diacritize::{self, Options};
use crate::error::{Error, Result};
use crate::normalize::{self, Spoken};
use crate::synth::bundled::lexicon::Lexicon;

/// Stdin lines diacritized together.
const LINES_PER_BATCH: usize = 32;

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
        // The one door for inputs: a regular file under the lexicon cap, never a FIFO.
        let extra = crate::fsx::read_input_text(path, crate::limits::MAX_LEXICON_BYTES, "lexicon")?;
        lex.add(&extra);
    }
    let opts = Options {
        pausal: flags.pausal,
    };
    // Lines go to the model together (it is several times faster on a batch); the
    // output is buffered anyway, so nothing is printed later than before.
    super::normalize::filter_line_batches(LINES_PER_BATCH, |lines, out| {
        let spoken: Vec<Spoken> = lines
            .iter()
            .map(|(_, line)| {
                if flags.no_normalize {
                    Spoken {
                        text: line.clone(),
                        tokens: Vec::new(),
                    }
                } else {
                    normalize::normalize(line)
                }
            })
            .collect();
        let ds = diacritize::diacritize_all(&spoken, &lex, opts).map_err(|e| {
            let (first, last) = (
                lines.first().map_or(0, |l| l.0),
                lines.last().map_or(0, |l| l.0),
            );
            let at = if first == last {
                format!("<stdin> line {first}")
            } else {
                format!("<stdin> lines {first}-{last}")
            };
            Error::input(at, e)
        })?;
        Ok((|| {
            for ((n, _), d) in lines.iter().zip(&ds) {
                writeln!(out, "{}", d.text)?;
                if flags.explain {
                    for w in &d.words {
                        writeln!(out, "  line {n}: {} {}", w.source.as_str(), w.text)?;
                    }
                }
            }
            Ok(())
        })())
    })
}

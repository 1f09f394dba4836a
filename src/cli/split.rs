//! `rawi split`: the sentences that would be read.

use std::io::Write;
use std::path::Path;

use crate::article;
use crate::edition::{self, Options};
use crate::error::Result;
use crate::segment::SplitOptions;

/// Prints the sentences of one article, one a line.
pub(crate) fn split(path: &Path, read_captions: bool, kinds: bool) -> Result<i32> {
    let article = article::read(path)?;
    let max_chars = SplitOptions::default().max_chars;
    let opts = Options {
        read_captions,
        ..Options::default()
    };
    let (sentences, _) = edition::prepare(&article, &opts, max_chars);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for s in sentences {
        let r = if kinds {
            writeln!(out, "{}\t{}", s.kind.as_str(), s.text)
        } else {
            writeln!(out, "{}", s.text)
        };
        if r.is_err() {
            return Ok(0);
        }
    }
    let _ = out.flush();
    Ok(0)
}

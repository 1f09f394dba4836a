//! `rawi split`: the sentences that would be read.

use std::path::Path;

use super::out::Out;
use crate::article;
use crate::edition::{self, Options};
use crate::error::{escaped, Result};
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
    let mut out = Out::open()?;
    for s in sentences {
        // The text is escaped: a control character that reached it must not drive the
        // terminal (the clean-up drops them from articles; this holds whatever comes).
        let text = escaped(&s.text);
        let printed = if kinds {
            out.line(format_args!("{}\t{text}", s.kind.as_str()))?
        } else {
            out.line(text)?
        };
        if !printed {
            break;
        }
    }
    out.finish()?;
    Ok(0)
}

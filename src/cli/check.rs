//! `rawi check`: the review report for editors. Lists every span of the articles that
//! the normalizer read by a fallback or a guess, so a newsroom can fix the few doubtful
//! readings before publishing. The same list goes into a bundle's `[[review]]`.

use std::path::Path;

use super::out::Out;
use crate::article;
use crate::bundle::manifest::ReviewEntry;
use crate::edition::{self, Options};
use crate::error::{escaped, Result};
use crate::segment::SplitOptions;

/// Prints `file:line: «text» → reading (reason)` for every doubtful span; returns 1 with
/// `strict` when anything was listed, else 0.
pub(crate) fn check(paths: &[std::path::PathBuf], strict: bool) -> Result<i32> {
    let mut out = Out::open()?;
    let mut listed = 0usize;
    'files: for path in paths {
        for (line, e) in review(path)? {
            listed += 1;
            let printed = out.line(format_args!(
                "{}:{line}: «{}» → {} ({})",
                escaped(&path.display().to_string()),
                escaped(&e.text),
                escaped(&e.reading),
                e.reason
            ))?;
            if !printed {
                break 'files;
            }
        }
    }
    out.finish()?;
    Ok(i32::from(strict && listed > 0))
}

/// The doubtful spans of one article, each with the line of the article it is on.
fn review(path: &Path) -> Result<Vec<(usize, ReviewEntry)>> {
    let article = article::read(path)?;
    let max_chars = SplitOptions::default().max_chars;
    let (sentences, spoken) = edition::prepare(&article, &Options::default(), max_chars);
    let src = &article.source;
    let mut found = Vec::new();
    for (s, sp) in sentences.iter().zip(&spoken) {
        let start = s.span.start.min(src.len());
        let line = src.get(..start).map_or(1, |h| h.matches('\n').count() + 1);
        for e in ReviewEntry::of(s.id, &s.text, sp) {
            found.push((line, e));
        }
    }
    Ok(found)
}

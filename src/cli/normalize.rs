//! `rawi normalize`: the spoken form of stdin, line for line; and the line filter that
//! `normalize` and `diacritize` share.

use std::io::Write;

use super::out::Out;
use crate::error::Result;
use crate::{limits, normalize, text};

/// Runs `each` over every stdin line (cleaned of BOM, bidi marks and the like) with its
/// 1-based number, writing what it prints to a buffered stdout; exactly the lines `each`
/// writes, so one input line can give one output line. A closed pipe ends the run
/// quietly (exit 0), as `head` expects; an output that cannot be written is an error.
pub(crate) fn filter_lines(
    mut each: impl FnMut(usize, &str, &mut dyn Write) -> Result<std::io::Result<()>>,
) -> Result<i32> {
    filter_line_batches(1, |lines, out| {
        for (n, line) in lines {
            let printed = each(*n, line, out)?;
            if printed.is_err() {
                return Ok(printed);
            }
        }
        Ok(Ok(()))
    })
}

/// [`filter_lines`] for `each` taking up to `size` lines at a time (numbered), for a
/// stage that is faster on several lines at once; what it prints is the same.
pub(crate) fn filter_line_batches(
    size: usize,
    mut each: impl FnMut(&[(usize, String)], &mut dyn Write) -> Result<std::io::Result<()>>,
) -> Result<i32> {
    let stdin = std::io::stdin();
    let mut out = Out::open()?;
    let mut batch: Vec<(usize, String)> = Vec::with_capacity(size);
    // Runs `each` on the batch; `false` once the reader has gone (`| head`).
    let mut run = |batch: &mut Vec<(usize, String)>, out: &mut Out| -> Result<bool> {
        let printed = each(batch, out.writer())?;
        batch.clear();
        out.check(printed)
    };
    // Line by line, each line capped: a stream of any length (or with no line end, such
    // as /dev/zero) is read in bounded memory.
    let mut open = true;
    crate::fsx::read_lines(
        &mut stdin.lock(),
        "<stdin>",
        limits::MAX_STDIN_LINE_BYTES,
        |line| {
            let text = String::from_utf8_lossy(&line.bytes);
            batch.push((line.number, text::clean_line(&text)));
            if batch.len() >= size.max(1) {
                open = run(&mut batch, &mut out)?;
            }
            Ok(open)
        },
    )?;
    if open && !batch.is_empty() {
        run(&mut batch, &mut out)?;
    }
    out.finish()?;
    Ok(0)
}

/// Prints the spoken form of each stdin line (and, with `explain`, how each token was read).
pub(crate) fn normalize_stdin(explain: bool) -> Result<i32> {
    filter_lines(|n, line, out| {
        let spoken = normalize::normalize(line);
        Ok((|| {
            writeln!(out, "{}", spoken.text)?;
            if explain {
                for t in &spoken.tokens {
                    writeln!(
                        out,
                        "  line {n}: «{}» {}: {} -> {}",
                        &line[t.span.clone()],
                        t.class.as_str(),
                        t.rule,
                        t.spoken
                    )?;
                }
            }
            Ok(())
        })())
    })
}

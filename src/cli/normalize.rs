//! `rawi normalize`: the spoken form of stdin, line for line; and the line filter that
//! `normalize` and `diacritize` share.

use std::io::{BufRead, Write};

use crate::error::{Error, Result};
use crate::{normalize, text};

/// Runs `each` over every stdin line (cleaned of BOM, bidi marks and the like) with its
/// 1-based number, writing what it prints to a buffered stdout; exactly the lines `each`
/// writes, so one input line can give one output line. A closed pipe ends the run
/// quietly (exit 0), as `head` expects.
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
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut batch: Vec<(usize, String)> = Vec::with_capacity(size);
    let mut lines = stdin.lock().split(b'\n').enumerate();
    loop {
        let next = lines.next();
        if let Some((n, line)) = next.as_ref().map(|(n, l)| (*n, l)) {
            let bytes = line
                .as_ref()
                .map_err(|e| Error::input("<stdin>", format!("cannot read: {e}")))?;
            let line = String::from_utf8_lossy(bytes);
            batch.push((n + 1, text::clean_line(line.trim_end_matches('\r'))));
        }
        if batch.len() >= size.max(1) || (next.is_none() && !batch.is_empty()) {
            if let Err(e) = each(&batch, &mut out)? {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    return Ok(0);
                }
                return Err(Error::output("<stdout>", e.to_string()));
            }
            batch.clear();
        }
        if next.is_none() {
            break;
        }
    }
    out.flush()
        .map_err(|e| Error::output("<stdout>", e.to_string()))?;
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

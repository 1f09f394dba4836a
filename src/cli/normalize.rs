//! `rawi normalize`: the spoken form of stdin, line for line.

use std::io::{BufRead, Write};

use crate::error::{Error, Result};
use crate::{normalize, text};

/// Prints the spoken form of each stdin line (and, with `explain`, how each token was read).
pub(crate) fn normalize_stdin(explain: bool) -> Result<i32> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (n, line) in stdin.lock().split(b'\n').enumerate() {
        let bytes = line.map_err(|e| Error::input("<stdin>", format!("cannot read: {e}")))?;
        let line = String::from_utf8_lossy(&bytes);
        let line = text::clean_line(line.trim_end_matches('\r'));
        let spoken = normalize::normalize(&line);
        let written = (|| {
            writeln!(out, "{}", spoken.text)?;
            if explain {
                for t in &spoken.tokens {
                    writeln!(
                        out,
                        "  line {}: «{}» {}: {} -> {}",
                        n + 1,
                        &line[t.span.clone()],
                        t.class.as_str(),
                        t.rule,
                        t.spoken
                    )?;
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

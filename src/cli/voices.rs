//! `rawi voices`: the voices found and whether each can run here.

use std::io::Write;

use crate::error::Result;
use crate::voice;

/// Lists the voices, one a line: name, engine, status, origin, description.
pub(crate) fn voices() -> Result<i32> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for listed in voice::list() {
        let line = match &listed.voice {
            Ok(v) => {
                let status = match crate::synth::availability(v) {
                    Ok(()) => "usable".to_owned(),
                    Err(why) => format!("not usable: {why}"),
                };
                let default = if v.name == voice::DEFAULT_VOICE {
                    " (default)"
                } else {
                    ""
                };
                format!(
                    "{}{default}\t{}\t{status}\t{}\t{}",
                    v.name,
                    v.engine.as_str().to_owned(),
                    listed.origin,
                    v.description
                )
            }
            Err(e) => format!("?\t?\tnot usable: {e}\t{}\t", listed.origin),
        };
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(0)
}

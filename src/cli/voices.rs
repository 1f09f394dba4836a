//! `rawi voices`: the voices found and whether each can run here.

use super::out::Out;
use crate::error::{escaped, Result};
use crate::voice;

/// Lists the voices, one a line: name, engine, status, origin, description.
pub(crate) fn voices() -> Result<i32> {
    let mut out = Out::open()?;
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
                // Fields are escaped one by one: tabs separate them.
                format!(
                    "{}{default}\t{}\t{}\t{}\t{}",
                    escaped(&v.name),
                    v.engine.as_str(),
                    escaped(&status),
                    escaped(&listed.origin),
                    escaped(&v.description)
                )
            }
            Err(e) => format!(
                "?\t?\tnot usable: {}\t{}\t",
                escaped(&e.to_string()),
                escaped(&listed.origin)
            ),
        };
        if !out.line(line)? {
            break;
        }
    }
    out.finish()?;
    Ok(0)
}

//! `rawi verify`: check bundles against their manifests.

use std::path::PathBuf;

use super::out::Out;
use crate::bundle::verify;
use crate::error::{escaped, Result};

/// Verifies each bundle, printing `ok` or its problems; returns the exit code.
pub(crate) fn verify(bundles: &[PathBuf]) -> Result<i32> {
    let mut out = Out::open()?;
    let mut bad = 0;
    for path in bundles {
        match verify::verify(path) {
            // A reader that went away (`| head -0`) stops the `ok` lines, not the checks:
            // the exit status still tells every bundle's result.
            Ok(problems) if problems.is_empty() => {
                out.line(format_args!("{}: ok", escaped(&path.display().to_string())))?;
            }
            Ok(problems) => {
                bad += 1;
                for p in problems {
                    crate::error::report(format_args!("rawi: {}: {p}", path.display()));
                }
            }
            Err(e) => {
                bad += 1;
                crate::error::report(format_args!("rawi: error: {e}"));
            }
        }
    }
    out.finish()?;
    Ok(if bad > 0 { 1 } else { 0 })
}

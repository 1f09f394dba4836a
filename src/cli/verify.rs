//! `rawi verify`: check bundles against their manifests.

use std::path::PathBuf;

use crate::bundle::verify;
use crate::error::Result;

/// Verifies each bundle, printing `ok` or its problems; returns the exit code.
pub(crate) fn verify(bundles: &[PathBuf]) -> Result<i32> {
    let mut bad = 0;
    for path in bundles {
        match verify::verify(path) {
            Ok(problems) if problems.is_empty() => println!("{}: ok", path.display()),
            Ok(problems) => {
                bad += 1;
                for p in problems {
                    eprintln!("rawi: {}: {p}", path.display());
                }
            }
            Err(e) => {
                bad += 1;
                eprintln!("rawi: error: {e}");
            }
        }
    }
    Ok(if bad > 0 { 1 } else { 0 })
}

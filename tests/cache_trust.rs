//! The clip cache trusts only clips that carry their own key: clips swapped between keys,
//! or another voice's clips copied under this voice's keys, are spoken again, never used
//! (they once made a manifest say `rawi-ar-low` over `rawi-ar-high`'s audio).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn build(dir: &Path, voice: &str, cache: &str, out: &str) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_rawi"))
        .arg("build")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/cup-final.txt"))
        .args(["--voice", voice, "--cache", cache, "-o", out])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Every clip file under `dir`, sorted.
fn clips(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for sub in std::fs::read_dir(dir).unwrap().flatten() {
        if sub.path().is_dir() {
            for f in std::fs::read_dir(sub.path()).unwrap().flatten() {
                if f.path().extension().is_some_and(|e| e == "clip") {
                    v.push(f.path());
                }
            }
        }
    }
    v.sort();
    v
}

fn audio(dir: &Path, zip: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(dir.join(zip)).unwrap()).unwrap();
    let mut f = z.by_name("audio/edition.wav").unwrap();
    let mut b = Vec::new();
    std::io::Read::read_to_end(&mut f, &mut b).unwrap();
    b
}

#[test]
fn foreign_and_swapped_clips_are_spoken_again() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    build(d, "rawi-ar-high", "high", "high.zip");
    build(d, "rawi-ar-low", "low", "low.zip");
    let high = clips(&d.join("high"));
    let low = clips(&d.join("low"));
    assert!(!low.is_empty() && low.len() == high.len());

    // Another voice's clips under this voice's keys.
    for (h, l) in high.iter().zip(&low) {
        std::fs::copy(h, l).unwrap();
    }
    let o = build(d, "rawi-ar-low", "low", "again.zip");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cached 0"), "{err}");
    assert!(err.contains("damaged clip"), "{err}");
    assert_eq!(audio(d, "again.zip"), audio(d, "low.zip"));

    // This voice's own clips, swapped in pairs.
    let low = clips(&d.join("low"));
    let bytes: Vec<Vec<u8>> = low.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for (i, p) in low.iter().enumerate() {
        std::fs::write(p, &bytes[(i + 1) % bytes.len()]).unwrap();
    }
    let o = build(d, "rawi-ar-low", "low", "swapped.zip");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cached 0"), "{err}");
    assert_eq!(audio(d, "swapped.zip"), audio(d, "low.zip"));
}

//! The clip cache: each sentence's finished clip (trimmed, at the edition's rate), stored
//! under its content key (which the edition computes from the engine, the voice settings, the
//! spoken text and the synth version) so that a re-run re-synthesizes only the sentences that
//! changed.
//!
//! A clip is one small file, `<dir>/<first 2 hex>/<key>.clip`: an 8-byte magic, the rate
//! (u32 LE), the sample count (u64 LE), the SHA-256 of the clip's own key, rate, count and
//! sample bytes, then the samples as f32 LE — exact, so a cached clip gives the same bytes as a fresh one. Files are
//! written to a temporary name and renamed, so an interrupted batch leaves only whole
//! clips and resumes where it stopped; temporary files a killed run left behind are
//! removed by a later run. A clip carries and checks its own key: a damaged or foreign
//! file (same-length damage, two clips swapped, or another voice's clip copied under this
//! voice's key, all of which fail the hash) is treated as missing, reported once, and
//! replaced. Anything but a regular file (a FIFO, a device) is a miss that is never
//! opened for a blocking read.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

use crate::clip::Clip;

/// File magic; the last byte is the layout version. Changing how clips are post-processed
/// (trimming, resampling) also bumps it, so stale clips are never reused.
const MAGIC: &[u8; 8] = b"RAWICLP3";

/// Bytes before the samples: magic, rate, count, SHA-256.
const HEADER: usize = 8 + 4 + 8 + 32;

/// Prefix of the temporary files clips are written to before their rename.
const TEMP_PREFIX: &str = ".clip-";

/// A temporary file older than this is left from a killed run (a live one exists for
/// the milliseconds of one write), and is removed.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(3600);

/// Largest clip accepted from the cache (10 minutes at 192 kHz): a bigger count is damage.
const MAX_SAMPLES: u64 = 192_000 * 600;

/// A clip cache in one folder.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// Whether a damaged clip has been reported (once a run is enough).
    warned: AtomicBool,
    /// Whether stale temporary files have been looked for.
    swept: AtomicBool,
}

impl Cache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            warned: AtomicBool::new(false),
            swept: AtomicBool::new(false),
        }
    }

    /// The user's cache: `<cache dir>/rawi/clips` (e.g. `~/.cache/rawi/clips`), if the
    /// platform has a cache dir.
    pub fn default_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("rawi").join("clips"))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        let prefix: String = key.chars().take(2).collect();
        self.dir.join(prefix).join(format!("{key}.clip"))
    }

    /// The cached clip for `key`, if there is a whole one. Counts a hit or a miss; a
    /// damaged clip is a miss, reported on standard error the first time.
    pub fn get(&self, key: &str) -> Option<Clip> {
        let path = self.path(key);
        let clip = match read_regular(&path) {
            None => None,
            Some(bytes) => {
                let clip = decode(key, &bytes);
                if clip.is_none() && !self.warned.swap(true, Ordering::Relaxed) {
                    crate::error::report(format_args!(
                        "rawi: warning: damaged clip in the cache ({}); speaking it again",
                        path.display()
                    ));
                }
                clip
            }
        };
        let counter = if clip.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        clip
    }

    /// Stores a clip. Failing to store is not an error for the build (the clip is still
    /// used); the reason is returned for a warning.
    pub fn put(&self, key: &str, clip: &Clip) -> Result<(), String> {
        if !self.swept.swap(true, Ordering::Relaxed) {
            self.sweep();
        }
        let path = self.path(key);
        let dir = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        std::io::Write::write_all(&mut tmp, &encode(key, clip))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // A FIFO or other special file in the clip's place is replaced, not written into:
        // rename swaps the directory entry.
        tmp.persist(&path)
            .map_err(|e| format!("{}: {}", path.display(), e.error))?;
        Ok(())
    }

    /// Removes temporary clip files that a killed run left (older than an hour, so a
    /// concurrent run's file being written is never touched). Best effort.
    pub fn sweep(&self) {
        let Ok(subdirs) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = std::time::SystemTime::now();
        for sub in subdirs.flatten() {
            if !sub.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(sub.path()) else {
                continue;
            };
            for e in entries.flatten() {
                let stale = e.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
                    && e.metadata().is_ok_and(|m| {
                        m.is_file()
                            && m.modified().is_ok_and(|t| {
                                now.duration_since(t).is_ok_and(|age| age > STALE_TEMP)
                            })
                    });
                if stale {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }

    /// Clips found in the cache so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Clips looked for and not found so far.
    pub fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }
}

/// The contents of `path` if it is a regular file of a plausible size; `None` for a
/// missing file or anything else. Read through the one door for inputs, so a FIFO in the
/// cache is never opened and a huge file never read.
fn read_regular(path: &Path) -> Option<Vec<u8>> {
    crate::fsx::read_input(path, HEADER as u64 + MAX_SAMPLES * 4, "cached clip").ok()
}

/// The SHA-256 that binds stored samples to the key they were stored under: the key, then
/// the header's rate and count, then the sample bytes.
fn clip_hash(key: &str, rate_and_count: &[u8], samples: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update((key.len() as u64).to_le_bytes());
    h.update(key.as_bytes());
    h.update(rate_and_count);
    h.update(samples);
    h.finalize().into()
}

/// A clip's bytes in the cache layout, stored under `key`.
pub fn encode(key: &str, clip: &Clip) -> Vec<u8> {
    let mut data = Vec::with_capacity(clip.samples.len() * 4);
    for s in &clip.samples {
        data.extend_from_slice(&s.to_le_bytes());
    }
    let mut out = Vec::with_capacity(HEADER + data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&clip.rate.to_le_bytes());
    out.extend_from_slice(&(clip.samples.len() as u64).to_le_bytes());
    let hash = clip_hash(key, &out[8..20], &data);
    out.extend_from_slice(&hash);
    out.extend_from_slice(&data);
    out
}

/// Reads the cache layout; `None` for anything that is not a whole, intact clip stored
/// under `key`.
pub fn decode(key: &str, bytes: &[u8]) -> Option<Clip> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return None;
    }
    let rate = u32::from_le_bytes(bytes[8..12].try_into().ok()?);
    let count = u64::from_le_bytes(bytes[12..20].try_into().ok()?);
    if rate == 0 || count > MAX_SAMPLES || bytes.len() as u64 != HEADER as u64 + count * 4 {
        return None;
    }
    let data = &bytes[HEADER..];
    if clip_hash(key, &bytes[8..20], data)[..] != bytes[20..HEADER] {
        return None;
    }
    let samples: Vec<f32> = data
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    // Only finite clips are ever stored; anything else is damage.
    samples
        .iter()
        .all(|s| s.is_finite())
        .then_some(Clip { samples, rate })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path());
        let clip = Clip {
            samples: vec![0.1, -0.5, 0.25],
            rate: 22050,
        };
        assert!(c.get("abcd").is_none());
        c.put("abcd", &clip).unwrap();
        assert_eq!(c.get("abcd"), Some(clip));
        assert_eq!((c.hits(), c.misses()), (1, 1));
        // A truncated file (an interrupted write by some other tool) is a miss.
        let p = dir.path().join("ab").join("abcd.clip");
        let b = std::fs::read(&p).unwrap();
        std::fs::write(&p, &b[..b.len() - 1]).unwrap();
        assert!(c.get("abcd").is_none());
        assert!(decode("abcd", b"RAWICLP3").is_none());
        // Same-length damage: one sample changed, size and header intact.
        let mut b = encode(
            "abcd",
            &Clip {
                samples: vec![0.1, -0.5, 0.25],
                rate: 22050,
            },
        );
        let n = b.len();
        b[n - 1] ^= 0x40;
        assert!(decode("abcd", &b).is_none());
    }

    #[test]
    fn a_clip_is_valid_only_under_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path());
        let one = Clip {
            samples: vec![0.1; 8],
            rate: 22050,
        };
        let two = Clip {
            samples: vec![-0.2; 8],
            rate: 22050,
        };
        c.put("aa01", &one).unwrap();
        c.put("aa02", &two).unwrap();
        // Swap the two valid files: each is now under the other's key.
        let (p1, p2) = (
            dir.path().join("aa/aa01.clip"),
            dir.path().join("aa/aa02.clip"),
        );
        let (b1, b2) = (std::fs::read(&p1).unwrap(), std::fs::read(&p2).unwrap());
        std::fs::write(&p1, &b2).unwrap();
        std::fs::write(&p2, &b1).unwrap();
        assert!(c.get("aa01").is_none());
        assert!(c.get("aa02").is_none());
        // A clip copied under another key (another voice's clip) is refused too.
        assert!(decode("aa03", &encode("aa01", &one)).is_none());
        assert_eq!(decode("aa01", &encode("aa01", &one)), Some(one));
    }

    #[test]
    fn fifo_is_a_miss_and_stale_temps_go() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::new(dir.path());
        std::fs::create_dir_all(dir.path().join("ff")).unwrap();
        let fifo = dir.path().join("ff").join("ffee.clip");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(c.get("ffee").is_none());
        }
        let old = dir.path().join("ff").join(".clip-old");
        let young = dir.path().join("ff").join(".clip-young");
        std::fs::write(&old, b"x").unwrap();
        std::fs::write(&young, b"x").unwrap();
        let f = std::fs::File::options().write(true).open(&old).unwrap();
        f.set_modified(std::time::SystemTime::now() - 2 * STALE_TEMP)
            .unwrap();
        let clip = Clip {
            samples: vec![0.5; 10],
            rate: 8000,
        };
        c.put("ffee", &clip).unwrap();
        assert!(!old.exists());
        assert!(young.exists());
        assert_eq!(c.get("ffee"), Some(clip));
    }
}

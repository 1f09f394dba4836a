//! The clip cache: each sentence's finished clip (trimmed, at the edition's rate), stored
//! under its content key ([`crate::edition::clip_key`]: engine, voice settings, spoken text,
//! synth version) so that a re-run re-synthesizes only the sentences that changed.
//!
//! A clip is one small file, `<dir>/<first 2 hex>/<key>.clip`: an 8-byte magic, the rate
//! (u32 LE), the sample count (u64 LE), then the samples as f32 LE — exact, so a cached
//! clip gives the same bytes as a fresh one. Files are written to a temporary name and
//! renamed, so an interrupted batch leaves only whole clips and resumes where it stopped.
//! A damaged or foreign file is treated as missing and replaced.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::audio::Clip;

/// File magic; the last byte is the layout version. Changing how clips are post-processed
/// (trimming, resampling) also bumps it, so stale clips are never reused.
const MAGIC: &[u8; 8] = b"RAWICLP1";

/// Largest clip accepted from the cache (10 minutes at 192 kHz): a bigger count is damage.
const MAX_SAMPLES: u64 = 192_000 * 600;

/// A clip cache in one folder.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl Cache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
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

    /// The cached clip for `key`, if there is a whole one. Counts a hit or a miss.
    pub fn get(&self, key: &str) -> Option<Clip> {
        let clip = std::fs::read(self.path(key)).ok().and_then(|b| decode(&b));
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
        let path = self.path(key);
        let dir = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".clip-")
            .tempfile_in(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        std::io::Write::write_all(&mut tmp, &encode(clip))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        tmp.persist(&path)
            .map_err(|e| format!("{}: {}", path.display(), e.error))?;
        Ok(())
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

/// A clip's bytes in the cache layout.
pub fn encode(clip: &Clip) -> Vec<u8> {
    let mut out = Vec::with_capacity(20 + clip.samples.len() * 4);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&clip.rate.to_le_bytes());
    out.extend_from_slice(&(clip.samples.len() as u64).to_le_bytes());
    for s in &clip.samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// Reads the cache layout; `None` for anything that is not a whole clip.
pub fn decode(bytes: &[u8]) -> Option<Clip> {
    if bytes.len() < 20 || &bytes[..8] != MAGIC {
        return None;
    }
    let rate = u32::from_le_bytes(bytes[8..12].try_into().ok()?);
    let count = u64::from_le_bytes(bytes[12..20].try_into().ok()?);
    if rate == 0 || count > MAX_SAMPLES || bytes.len() as u64 != 20 + count * 4 {
        return None;
    }
    let samples = bytes[20..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .map(|s| if s.is_finite() { s } else { 0.0 })
        .collect();
    Some(Clip { samples, rate })
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
        assert!(decode(b"RAWICLP1").is_none());
    }
}

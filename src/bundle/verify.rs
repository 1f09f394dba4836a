//! `rawi verify`: checks a bundle (an edition or a podcast, zip or folder) against its
//! manifest: schema version, every member's size and SHA-256, audio length against the
//! timeline (WAV and FLAC exactly; MP3 within a frame, decoded), chapters in order, sentence
//! times increasing and inside the audio, and a feed's enclosure lengths. Each problem is
//! one line naming the member and what is wrong.
//!
//! Also here: the ID3 chapter reader.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::manifest::{FileEntry, Manifest, SCHEMA_VERSION};
use super::Bundle;
use crate::error::{Error, Result};
use crate::podcast::PodcastManifest;

/// The value of a 4-byte synchsafe integer (ID3v2 sizes).
pub fn synchsafe_value(b: &[u8]) -> u32 {
    b.iter()
        .take(4)
        .fold(0u32, |acc, &x| (acc << 7) | (x & 0x7F) as u32)
}

/// Skips an ID3v2 tag at the start, if any.
pub fn id3v2_len(b: &[u8]) -> usize {
    if b.len() >= 10 && &b[..3] == b"ID3" {
        let footer = if b[5] & 0x10 != 0 { 10 } else { 0 };
        10 + synchsafe_value(&b[6..10]) as usize + footer
    } else {
        0
    }
}

/// The chapters of an MP3's ID3v2 tag (`CHAP` frames): (start ms, end ms, title), in
/// tag order. Reads versions 2.3 and 2.4; anything unreadable ends the list.
pub fn id3_chapters(b: &[u8]) -> Vec<(u32, u32, String)> {
    let mut out = Vec::new();
    if b.len() < 10 || &b[..3] != b"ID3" {
        return out;
    }
    let v4 = b[3] == 4;
    let end = id3v2_len(b).min(b.len());
    let size = |x: &[u8]| {
        if v4 {
            synchsafe_value(x) as usize
        } else {
            u32::from_be_bytes([x[0], x[1], x[2], x[3]]) as usize
        }
    };
    let mut pos = 10;
    while pos + 10 <= end {
        let id = &b[pos..pos + 4];
        let len = size(&b[pos + 4..pos + 8]);
        let Some(body) = b.get(pos + 10..pos + 10 + len) else {
            break;
        };
        if id == b"CHAP" {
            let Some(zero) = body.iter().position(|&c| c == 0) else {
                break;
            };
            let times = &body[zero + 1..];
            if times.len() < 16 {
                break;
            }
            let start = u32::from_be_bytes([times[0], times[1], times[2], times[3]]);
            let stop = u32::from_be_bytes([times[4], times[5], times[6], times[7]]);
            let mut title = String::new();
            let sub = &times[16..];
            if sub.len() >= 11 && &sub[..4] == b"TIT2" {
                let n = size(&sub[4..8]).min(sub.len() - 10);
                title = id3_string(&sub[10..10 + n]);
            }
            out.push((start, stop, title));
        } else if id == [0, 0, 0, 0] {
            break; // padding
        }
        pos += 10 + len;
    }
    out
}

/// Decodes an ID3 text frame body (encoding byte, then text).
fn id3_string(body: &[u8]) -> String {
    let Some((&enc, text)) = body.split_first() else {
        return String::new();
    };
    match enc {
        1 | 2 => {
            let (le, text) = match text {
                [0xFF, 0xFE, rest @ ..] => (true, rest),
                [0xFE, 0xFF, rest @ ..] => (false, rest),
                rest => (enc == 1, rest),
            };
            let units: Vec<u16> = text
                .chunks_exact(2)
                .map(|c| {
                    if le {
                        u16::from_le_bytes([c[0], c[1]])
                    } else {
                        u16::from_be_bytes([c[0], c[1]])
                    }
                })
                .take_while(|&u| u != 0)
                .collect();
            String::from_utf16_lossy(&units)
        }
        3 => String::from_utf8_lossy(text.split(|&c| c == 0).next().unwrap_or(&[])).into_owned(),
        _ => text
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as char)
            .collect(),
    }
}

/// Sample rate and sample count of an audio member, by its extension. MP3 and FLAC are
/// decoded by the same decoder that reads engines' answers (encoder delay and padding
/// taken off when the file says them).
pub fn audio_length(path: &str, b: &[u8]) -> std::result::Result<(u32, u64), String> {
    if path.ends_with(".wav") {
        let c = crate::audio::decode_wav(b)?;
        Ok((c.rate, c.samples.len() as u64))
    } else if path.ends_with(".flac") {
        crate::decode::length(b, crate::decode::AudioFormat::Flac)
    } else if path.ends_with(".mp3") {
        crate::decode::length(b, crate::decode::AudioFormat::Mp3)
    } else {
        Err("unknown audio format".into())
    }
}

/// Reads a bundle from a zip file or a folder.
pub fn read_bundle(path: &Path) -> Result<Bundle> {
    if path.is_dir() {
        let mut b = Bundle::default();
        let mut stack = vec![path.to_path_buf()];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| Error::input(&dir, format!("cannot read the folder: {e}")))?;
            for e in entries.flatten() {
                let p = e.path();
                // Symbolic links are not followed: a link loop must not hang verify.
                let Ok(kind) = e.file_type() else { continue };
                if kind.is_dir() {
                    stack.push(p);
                } else if !kind.is_file() {
                    continue;
                } else if let Ok(rel) = p.strip_prefix(path) {
                    found.push((rel.to_string_lossy().replace('\\', "/"), p));
                }
            }
        }
        found.sort();
        for (rel, p) in found {
            let c = std::fs::read(&p).map_err(|e| Error::input(&p, format!("cannot read: {e}")))?;
            b.add(rel, c);
        }
        Ok(b)
    } else {
        Bundle::read_zip(path)
    }
}

/// Checks a bundle at `path`; returns the problems found (empty when it is sound). An
/// unreadable bundle is an error.
pub fn verify(path: &Path) -> Result<Vec<String>> {
    let bundle = read_bundle(path)?;
    Ok(check(&bundle))
}

/// Checks a bundle in memory.
pub fn check(bundle: &Bundle) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(text) = bundle.get("manifest.toml") else {
        return vec!["manifest.toml: missing; this is not a rawi bundle".into()];
    };
    let text = String::from_utf8_lossy(text);
    let value: toml::Table = match toml::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            return vec![format!(
                "manifest.toml: not valid TOML: {}",
                e.message().trim()
            )]
        }
    };
    let files: BTreeMap<&str, &[u8]> = bundle
        .files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    if value.contains_key("podcast") {
        match PodcastManifest::from_toml(&text) {
            Ok(pm) => check_podcast(&pm, &files, &mut problems),
            Err(e) => problems.push(format!("manifest.toml: not a podcast manifest: {e}")),
        }
    } else {
        match Manifest::from_toml(&text) {
            Ok(m) => check_edition(&m, "", &files, &mut problems),
            Err(e) => problems.push(format!("manifest.toml: not an edition manifest: {e}")),
        }
    }
    problems
}

fn check_files(
    entries: &[FileEntry],
    prefix: &str,
    files: &BTreeMap<&str, &[u8]>,
    problems: &mut Vec<String>,
) {
    let manifest = format!("{prefix}manifest.toml");
    let mut listed = HashSet::new();
    for f in entries {
        let full = format!("{prefix}{}", f.path);
        listed.insert(full.clone());
        match files.get(full.as_str()) {
            None => problems.push(format!("{full}: listed in {manifest} but missing")),
            Some(c) if c.len() as u64 != f.bytes => problems.push(format!(
                "{full}: {} bytes, the manifest says {}",
                c.len(),
                f.bytes
            )),
            Some(c) if super::manifest::sha256_hex(c) != f.sha256 => problems.push(format!(
                "{full}: SHA-256 differs from the manifest (the file was changed or damaged)"
            )),
            Some(_) => {}
        }
    }
    for p in files.keys() {
        if p.starts_with(prefix) && *p != manifest && !listed.contains(*p) {
            // Members of nested episodes are checked by their own manifest.
            let nested = prefix.is_empty() && p.starts_with("episodes/");
            if !nested {
                problems.push(format!("{p}: not listed in {manifest}"));
            }
        }
    }
}

fn check_edition(
    m: &Manifest,
    prefix: &str,
    files: &BTreeMap<&str, &[u8]>,
    problems: &mut Vec<String>,
) {
    let man = format!("{prefix}manifest.toml");
    if m.schema_version != SCHEMA_VERSION {
        problems.push(format!(
            "{man}: schema_version {} is not {SCHEMA_VERSION}, the version this rawi reads",
            m.schema_version
        ));
    }
    if m.files.is_empty() {
        problems.push(format!("{man}: lists no [[file]] hashes"));
    }
    check_files(&m.files, prefix, files, problems);
    let audio_path = format!("{prefix}{}", m.audio.path);
    let dur = m.audio.duration_ms;
    if let Some(bytes) = files.get(audio_path.as_str()) {
        match audio_length(&m.audio.path, bytes) {
            Err(e) => problems.push(format!("{audio_path}: cannot be read: {e}")),
            Ok((rate, samples)) => {
                if rate != m.audio.sample_rate {
                    problems.push(format!(
                        "{audio_path}: sample rate {rate} Hz, the manifest says {}",
                        m.audio.sample_rate
                    ));
                }
                // MP3 frames hold a whole number of blocks, and a file without LAME's
                // delay and padding note decodes with them: allow two frames either way.
                let slack = if m.audio.format == "mp3" { 2 * 1152 } else { 0 };
                if samples.abs_diff(m.audio.samples) > slack {
                    problems.push(format!(
                        "{audio_path}: {samples} samples ({} ms), the manifest says {} ({dur} ms)",
                        samples * 1000 / rate.max(1) as u64,
                        m.audio.samples
                    ));
                }
            }
        }
    }
    let mut prev_start = 0;
    for (i, s) in m.sentences.iter().enumerate() {
        if s.id != i + 1 {
            problems.push(format!("{man}: sentence {} is numbered {}", i + 1, s.id));
        }
        if s.start_ms > s.end_ms {
            problems.push(format!("{man}: sentence {} ends before it starts", s.id));
        }
        if s.start_ms < prev_start {
            problems.push(format!(
                "{man}: sentence {} starts at {} ms, before the previous one ({} ms)",
                s.id, s.start_ms, prev_start
            ));
        }
        if s.end_ms > dur {
            problems.push(format!(
                "{man}: sentence {} ends at {} ms, after the audio ({dur} ms)",
                s.id, s.end_ms
            ));
        }
        if !m.chapters.is_empty() && s.chapter >= m.chapters.len() {
            problems.push(format!(
                "{man}: sentence {} is in chapter {}, which does not exist",
                s.id, s.chapter
            ));
        }
        prev_start = s.start_ms;
    }
    let mut prev: Option<u64> = None;
    for (i, c) in m.chapters.iter().enumerate() {
        if i == 0 && c.start_ms != 0 {
            problems.push(format!(
                "{man}: the first chapter starts at {} ms, not 0",
                c.start_ms
            ));
        }
        if prev.is_some_and(|p| c.start_ms <= p) {
            problems.push(format!(
                "{man}: chapter {} («{}») is out of order",
                i + 1,
                c.title
            ));
        }
        if c.start_ms > dur {
            problems.push(format!(
                "{man}: chapter {} starts after the audio ends",
                i + 1
            ));
        }
        prev = Some(c.start_ms);
    }
    if m.audio.format == "mp3" {
        if let Some(bytes) = files.get(audio_path.as_str()) {
            let tagged: Vec<(u64, String)> = id3_chapters(bytes)
                .into_iter()
                .map(|(start, _, title)| (start as u64, title))
                .collect();
            let listed: Vec<(u64, String)> = m
                .chapters
                .iter()
                .map(|c| (c.start_ms, c.title.clone()))
                .collect();
            if tagged != listed {
                problems.push(format!(
                    "{audio_path}: its ID3 chapters ({}) differ from the manifest's ({})",
                    tagged.len(),
                    listed.len()
                ));
            }
        }
    }
    // Transcripts: one cue per sentence in each.
    let n = m.sentences.len();
    for (name, count) in [
        ("transcript.vtt", count_cues as fn(&[u8]) -> Option<usize>),
        ("transcript.srt", count_cues),
        ("transcript.json", count_segments),
    ] {
        let path = format!("{prefix}{name}");
        if let Some(b) = files.get(path.as_str()) {
            match count(b) {
                Some(c) if c == n => {}
                Some(c) => problems.push(format!("{path}: {c} cues for {n} sentences")),
                None => problems.push(format!("{path}: cannot be read")),
            }
        }
    }
    let chapters_path = format!("{prefix}chapters.json");
    if let Some(b) = files.get(chapters_path.as_str()) {
        match serde_json::from_slice::<super::chapters::ChaptersFile>(b) {
            Err(e) => problems.push(format!("{chapters_path}: not a chapters file: {e}")),
            Ok(cf) => {
                let ok = cf.chapters.len() == m.chapters.len()
                    && cf
                        .chapters
                        .iter()
                        .zip(&m.chapters)
                        .all(|(a, b)| (a.start_time * 1000.0).round() as u64 == b.start_ms);
                if !ok {
                    problems.push(format!(
                        "{chapters_path}: does not match the manifest's chapters"
                    ));
                }
            }
        }
    }
}

/// Cues of a WebVTT or SRT file (timing lines).
fn count_cues(b: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(b).ok()?;
    Some(text.lines().filter(|l| l.contains(" --> ")).count())
}

/// Segments of a Podcasting 2.0 JSON transcript.
fn count_segments(b: &[u8]) -> Option<usize> {
    serde_json::from_slice::<super::transcript_json::Transcript>(b)
        .ok()
        .map(|t| t.segments.len())
}

fn check_podcast(pm: &PodcastManifest, files: &BTreeMap<&str, &[u8]>, problems: &mut Vec<String>) {
    if pm.schema_version != SCHEMA_VERSION {
        problems.push(format!(
            "manifest.toml: schema_version {} is not {SCHEMA_VERSION}",
            pm.schema_version
        ));
    }
    check_files(&pm.files, "", files, problems);
    // Root [[file]] covers every member; don't report nested ones again as unlisted.
    let feed = files
        .get("feed.xml")
        .map(|b| String::from_utf8_lossy(b).into_owned());
    if feed.is_none() {
        problems.push("feed.xml: missing".into());
    }
    if let Some(feed) = &feed {
        let items = feed.matches("<item>").count();
        if items != pm.episodes.len() {
            problems.push(format!(
                "feed.xml: {items} items, the manifest lists {} episodes",
                pm.episodes.len()
            ));
        }
    }
    for p in files.keys() {
        if !super::is_safe_member(p) {
            problems.push(format!("{p}: unsafe member name (absolute or with ..)"));
        }
    }
    let base = pm
        .podcast
        .base_url
        .as_deref()
        .map(|b| b.trim_end_matches('/'));
    for e in &pm.episodes {
        let prefix = format!("{}/", e.dir);
        let mpath = format!("{prefix}manifest.toml");
        match files.get(mpath.as_str()) {
            None => problems.push(format!("{mpath}: missing (episode «{}»)", e.title)),
            Some(t) => match Manifest::from_toml(&String::from_utf8_lossy(t)) {
                Err(err) => problems.push(format!("{mpath}: {err}")),
                Ok(m) => {
                    check_edition(&m, &prefix, files, problems);
                    if m.audio.duration_ms != e.duration_ms {
                        problems.push(format!(
                            "manifest.toml: episode {} lasts {} ms, its manifest says {}",
                            e.dir, e.duration_ms, m.audio.duration_ms
                        ));
                    }
                }
            },
        }
        let actual = files.get(e.audio.as_str()).map(|b| b.len() as u64);
        if actual != Some(e.audio_bytes) {
            problems.push(format!(
                "{}: {} bytes, the podcast manifest says {}",
                e.audio,
                actual.map_or("missing".into(), |n| n.to_string()),
                e.audio_bytes
            ));
        }
        if let Some(feed) = &feed {
            let url = match base {
                Some(b) => format!("{b}/{}", e.audio),
                None => e.audio.clone(),
            };
            let needle = format!("url=\"{}\"", crate::bundle::feed::escape(&url));
            match feed.find(&needle) {
                None => problems.push(format!("feed.xml: no enclosure for {}", e.audio)),
                Some(i) => {
                    let rest = &feed[i + needle.len()..];
                    let length = rest
                        .trim_start()
                        .strip_prefix("length=\"")
                        .and_then(|r| r.split('"').next())
                        .and_then(|n| n.parse::<u64>().ok());
                    if length != actual {
                        problems.push(format!(
                            "feed.xml: enclosure of {} has length {}, the file has {}",
                            e.audio,
                            length.map_or("none".into(), |n| n.to_string()),
                            actual.map_or("none".into(), |n| n.to_string())
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flac_and_mp3_lengths() {
        let samples: Vec<f32> = (0..30_000).map(|i| 0.2 * (i as f32 * 0.03).sin()).collect();
        let tags = crate::encode::Tags::default();
        let f = crate::encode::flac(&samples, 22050, &tags, &[]).unwrap();
        assert_eq!(audio_length("a.flac", &f).unwrap(), (22050, 30_000));
        let m = crate::encode::mp3(&samples, 22050, &tags, &[], 64).unwrap();
        // LAME writes its delay and padding, and the decoder takes them off exactly.
        assert_eq!(audio_length("a.mp3", &m).unwrap(), (22050, 30_000));
    }

    #[test]
    fn id3_chapters_read_back() {
        let ch = vec![
            crate::encode::Chapter {
                title: "عنوان طويل ".repeat(20).trim().to_owned(),
                start_ms: 0,
                end_ms: 1500,
            },
            crate::encode::Chapter {
                title: "قسم".into(),
                start_ms: 1500,
                end_ms: 3000,
            },
        ];
        let tag = crate::encode::id3v2(&crate::encode::Tags::default(), &ch).unwrap();
        let back = id3_chapters(&tag);
        assert_eq!(back.len(), 2);
        assert_eq!(
            (back[0].0, back[0].1, back[0].2.as_str()),
            (0, 1500, ch[0].title.as_str())
        );
        assert_eq!(back[1].2, "قسم");
        assert!(id3_chapters(b"ID3\x03\0\0\x7f\x7f\x7f\x7fCHAP\xff\xff").is_empty());
    }

    #[test]
    fn garbage_is_reported_not_panicked() {
        for junk in [
            &b""[..],
            b"ID3\x04\0\0\x7f\x7f\x7f\x7f",
            b"\xff\xfb\x90",
            b"fLaC",
        ] {
            assert!(audio_length("a.mp3", junk).is_err());
            assert!(audio_length("a.flac", junk).is_err());
        }
        let mut b = Bundle::default();
        b.add("manifest.toml", "schema_version = 1\n");
        assert!(!check(&b).is_empty());
    }
}

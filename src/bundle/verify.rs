//! `rawi verify`: checks a bundle (an edition or a podcast, zip or folder) against its
//! manifest: schema version, every member's size and SHA-256, audio length against the
//! timeline (WAV and FLAC exactly; MP3 within a frame, decoded), chapters in order, sentence
//! times increasing and inside the audio, and a feed's enclosure lengths. Each problem is
//! one line naming the member and what is wrong.
//!
//! Members are streamed, not unpacked: names and sizes come from the zip's central
//! directory (or the folder) and are checked against the caps before anything is read;
//! listed members are hashed while they stream; members nobody lists are never read; a
//! WAV or FLAC is read only as far as its header. Memory stays bounded by the largest
//! text member and an MP3's frames, whatever a hostile zip holds. A name that appears
//! twice is a problem (a reader would see only one copy).
//!
//! Also here: the ID3 chapter reader.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::manifest::{FileEntry, Manifest, SCHEMA_VERSION};
use super::Bundle;
use crate::bundle::podcast_manifest::{is_cover_member, PodcastManifest};
use crate::error::{Error, Result};
use crate::limits::MAX_MANIFEST_SENTENCES;
use crate::limits::{MAX_BUNDLE_BYTES, MAX_MEMBER_BYTES};

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
/// tag order, read with the `id3` crate (versions 2.2 to 2.4). A tag that does not parse
/// gives no chapters, which verify then reports as missing.
pub fn id3_chapters(b: &[u8]) -> Vec<(u32, u32, String)> {
    let Ok(tag) = id3::Tag::read_from2(std::io::Cursor::new(b)) else {
        return Vec::new();
    };
    tag.chapters()
        .map(|c| {
            let title = c
                .frames
                .iter()
                .find(|f| f.id() == "TIT2")
                .and_then(|f| f.content().text())
                .unwrap_or_default()
                .to_owned();
            (c.start_time, c.end_time, title)
        })
        .collect()
}

/// Sample rate and sample count of an audio member, by its extension. MP3 and FLAC are
/// decoded by the same decoder that reads engines' answers (encoder delay and padding
/// taken off when the file says them).
pub fn audio_length(path: &str, b: Vec<u8>) -> std::result::Result<(u32, u64), String> {
    if path.ends_with(".wav") {
        let c = crate::audio::decode_wav(&b)?;
        Ok((c.rate, c.samples.len() as u64))
    } else if path.ends_with(".flac") {
        crate::decode::length(b, crate::decode::AudioFormat::Flac)
    } else if path.ends_with(".mp3") {
        crate::decode::length(b, crate::decode::AudioFormat::Mp3)
    } else {
        Err("unknown audio format".into())
    }
}

/// Largest text member read (manifest, feed, transcripts, chapters): far above any real
/// one, and what verify may hold in memory for one member.
pub const MAX_TEXT_BYTES: u64 = 64 << 20;

/// How much of a WAV is read for its length: the header, with room for the metadata
/// chunks that may come first.
const AUDIO_HEAD_BYTES: u64 = 1 << 20;

/// Where a bundle's members come from, for [`check`]: a zip, a folder or memory.
trait Source {
    /// Every member and its size (the zip's declared size, or the file's).
    fn sizes(&self) -> &BTreeMap<String, u64>;
    /// A reader of the member's contents.
    fn open(&mut self, name: &str) -> std::result::Result<Box<dyn Read + '_>, String>;
}

/// Reads at most `cap` bytes of a member; more is an error unless `head` (then the
/// first `cap` bytes are returned). `None` when there is no such member.
fn read_member(
    src: &mut dyn Source,
    name: &str,
    cap: u64,
    head: bool,
) -> Option<std::result::Result<Vec<u8>, String>> {
    src.sizes().get(name)?;
    let r = src.open(name).and_then(|r| {
        let mut buf = Vec::new();
        r.take(cap + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot be read: {e}"))?;
        if buf.len() as u64 > cap {
            if head {
                buf.truncate(cap as usize);
            } else {
                return Err(format!("is larger than the {} MiB verify reads", cap >> 20));
            }
        }
        Ok(buf)
    });
    Some(r)
}

/// Streams a member through SHA-256: (bytes, hex digest), reading at most the member
/// cap (a zip bomb inflating past its declared size stops there).
fn hash_member(src: &mut dyn Source, name: &str) -> std::result::Result<(u64, String), String> {
    let mut r = src.open(name)?.take(MAX_MEMBER_BYTES + 1);
    let mut h = Sha256::new();
    let mut n = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let got = r
            .read(&mut buf)
            .map_err(|e| format!("cannot be read: {e}"))?;
        if got == 0 {
            break;
        }
        n += got as u64;
        h.update(&buf[..got]);
    }
    Ok((n, crate::digest::hex(&h.finalize())))
}

/// A zip bundle, opened on its central directory.
struct ZipSource {
    zip: zip::ZipArchive<std::fs::File>,
    index: BTreeMap<String, usize>,
    sizes: BTreeMap<String, u64>,
}

impl Source for ZipSource {
    fn sizes(&self) -> &BTreeMap<String, u64> {
        &self.sizes
    }
    fn open(&mut self, name: &str) -> std::result::Result<Box<dyn Read + '_>, String> {
        let i = *self.index.get(name).ok_or("is missing")?;
        let f = self
            .zip
            .by_index(i)
            .map_err(|e| format!("is damaged: {e}"))?;
        Ok(Box::new(f))
    }
}

/// A bundle unpacked in a folder (symbolic links and special files are not members).
struct DirSource {
    paths: BTreeMap<String, PathBuf>,
    sizes: BTreeMap<String, u64>,
}

impl Source for DirSource {
    fn sizes(&self) -> &BTreeMap<String, u64> {
        &self.sizes
    }
    fn open(&mut self, name: &str) -> std::result::Result<Box<dyn Read + '_>, String> {
        let p = self.paths.get(name).ok_or("is missing")?;
        // The one door for inputs: the walk saw a regular file, but it may have been
        // replaced since; a FIFO is refused, not waited on.
        let f =
            crate::fsx::open_input(p, MAX_MEMBER_BYTES, "bundle member").map_err(|e| e.reason())?;
        Ok(Box::new(f))
    }
}

/// A bundle in memory.
struct MemSource<'a> {
    files: BTreeMap<String, &'a [u8]>,
    sizes: BTreeMap<String, u64>,
}

impl Source for MemSource<'_> {
    fn sizes(&self) -> &BTreeMap<String, u64> {
        &self.sizes
    }
    fn open(&mut self, name: &str) -> std::result::Result<Box<dyn Read + '_>, String> {
        let b = self.files.get(name).ok_or("is missing")?;
        Ok(Box::new(*b))
    }
}

/// Problems visible from the names and sizes alone: duplicates, unsafe names, members or
/// totals beyond the caps. Such members are then never read.
fn directory_problems(names: &[(String, u64)], problems: &mut Vec<String>) {
    let mut seen = HashSet::new();
    let mut total = 0u64;
    for (name, size) in names {
        if !seen.insert(name.as_str()) {
            problems.push(format!(
                "{name}: appears more than once in the bundle (only one copy would be read)"
            ));
        }
        if *size > MAX_MEMBER_BYTES {
            problems.push(format!(
                "{name}: {size} bytes, more than a bundle member may have ({} GiB)",
                MAX_MEMBER_BYTES >> 30
            ));
        }
        total = total.saturating_add(*size);
    }
    if total > MAX_BUNDLE_BYTES {
        problems.push(format!(
            "the members add up to {total} bytes, more than a bundle may have ({} GiB)",
            MAX_BUNDLE_BYTES >> 30
        ));
    }
}

/// Opens a zip or folder bundle on its member list. Problems of the list itself go to
/// `problems`; an unreadable bundle is an error.
fn open_source(path: &Path, problems: &mut Vec<String>) -> Result<Box<dyn Source>> {
    if path.is_dir() {
        let mut found = Vec::new();
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| Error::input(&dir, format!("cannot read the folder: {e}")))?;
            for e in entries.flatten() {
                let p = e.path();
                // Symbolic links are not followed: a link loop must not hang verify.
                let Ok(kind) = e.file_type() else { continue };
                if kind.is_dir() {
                    stack.push(p);
                } else if kind.is_file() {
                    if let Ok(rel) = p.strip_prefix(path) {
                        let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                        found.push((rel.to_string_lossy().replace('\\', "/"), size, p));
                    }
                }
            }
        }
        found.sort();
        let names: Vec<(String, u64)> = found.iter().map(|(n, s, _)| (n.clone(), *s)).collect();
        directory_problems(&names, problems);
        return Ok(Box::new(DirSource {
            sizes: names.into_iter().collect(),
            paths: found.into_iter().map(|(n, _, p)| (n, p)).collect(),
        }));
    }
    // A regular file of a bounded size only: a device or FIFO is refused, never read.
    let file = crate::fsx::open_input(path, crate::limits::MAX_BUNDLE_FILE_BYTES, "bundle")?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| Error::input(path, format!("is not a zip bundle: {e}")))?;
    let mut names = Vec::new();
    let mut index = BTreeMap::new();
    for i in 0..zip.len() {
        // Only the central directory is read here, never the contents.
        let f = zip
            .by_index_raw(i)
            .map_err(|e| Error::input(path, format!("damaged member {i}: {e}")))?;
        let name = f
            .name()
            .map_err(|e| Error::input(path, format!("member {i} has a bad name: {e}")))?
            .into_owned();
        names.push((name.clone(), f.size()));
        index.entry(name).or_insert(i);
    }
    // The zip reader keeps one entry per name; count the central directory's own records
    // to see a name given twice.
    if let Some(all) = central_directory_names(path) {
        if all.len() != names.len() {
            let mut seen = HashSet::new();
            for n in &all {
                if !seen.insert(n.as_str()) {
                    names.push((n.clone(), 0));
                }
            }
        }
    }
    directory_problems(&names, problems);
    Ok(Box::new(ZipSource {
        zip,
        index,
        sizes: names.into_iter().collect(),
    }))
}

/// The member names of a zip's central directory, every record (duplicates included),
/// read from the end-of-central-directory record; `None` for a zip this small parser does
/// not follow (ZIP64, a comment hiding the record).
fn central_directory_names(path: &Path) -> Option<Vec<String>> {
    use std::io::{Seek, SeekFrom};
    let mut f =
        crate::fsx::open_input(path, crate::limits::MAX_BUNDLE_FILE_BYTES, "bundle").ok()?;
    let len = f.metadata().ok()?.len();
    let tail_len = len.min(22 + 65_535);
    f.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail).ok()?;
    let at = (0..=tail.len().checked_sub(22)?)
        .rev()
        .find(|&i| tail[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])?;
    let e = &tail[at..];
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as usize;
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let count = u16_at(e, 10);
    let size = u32_at(e, 12) as u64;
    let offset = u32_at(e, 16) as u64;
    if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF || size > 64 << 20 {
        return None;
    }
    f.seek(SeekFrom::Start(offset)).ok()?;
    let mut cd = vec![0u8; size as usize];
    f.read_exact(&mut cd).ok()?;
    let mut names = Vec::with_capacity(count);
    let mut pos = 0usize;
    while names.len() < count {
        let rec = cd.get(pos..pos + 46)?;
        if rec[..4] != [0x50, 0x4b, 0x01, 0x02] {
            return None;
        }
        let (n, x, c) = (u16_at(rec, 28), u16_at(rec, 30), u16_at(rec, 32));
        let name = cd.get(pos + 46..pos + 46 + n)?;
        names.push(String::from_utf8_lossy(name).into_owned());
        pos += 46 + n + x + c;
    }
    Some(names)
}

/// Reads a bundle from a zip file or a folder, whole, into memory. Verify first
/// ([`verify`] streams): a verified bundle holds only listed members of listed sizes.
pub fn read_bundle(path: &Path) -> Result<Bundle> {
    if path.is_dir() {
        let mut problems = Vec::new();
        let mut src = open_source(path, &mut problems)?;
        let names: Vec<String> = src.sizes().keys().cloned().collect();
        let mut b = Bundle::default();
        for name in names {
            let c = read_member(src.as_mut(), &name, MAX_MEMBER_BYTES, false)
                .unwrap_or_else(|| Err("is missing".into()))
                .map_err(|e| Error::input(path, format!("{name} {e}")))?;
            b.add(name, c);
        }
        Ok(b)
    } else {
        Bundle::read_zip(path)
    }
}

/// One text member of a zip or folder bundle (at most [`MAX_TEXT_BYTES`]), read alone.
pub fn read_member_text(path: &Path, name: &str) -> Result<String> {
    let mut problems = Vec::new();
    let mut src = open_source(path, &mut problems)?;
    let bytes = text(src.as_mut(), name)
        .unwrap_or_else(|| Err("is missing".into()))
        .map_err(|e| Error::input(path, format!("{name} {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Checks a bundle at `path`, streaming its members; returns the problems found (empty
/// when it is sound). An unreadable bundle is an error.
pub fn verify(path: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut src = open_source(path, &mut problems)?;
    check_source(src.as_mut(), &mut problems);
    Ok(fold_problems(problems))
}

/// Problems of one kind listed in full; the rest of that kind are counted on one line.
/// A hostile manifest of 300 000 sentences once printed 173 000 lines.
pub const MAX_PROBLEMS_PER_KIND: usize = 20;

/// Keeps the first [`MAX_PROBLEMS_PER_KIND`] problems of each kind, in order, and puts
/// in place of the next one a line saying how many more there are. A problem's kind is
/// what it says after the member it names, numbers left out (`sentence 7 ends at 900 ms,
/// after the audio` is of the same kind as `sentence 8 ends at 950 ms, …`).
pub fn fold_problems(problems: Vec<String>) -> Vec<String> {
    let kind = |p: &str| -> String {
        let said = p.split_once(": ").map_or(p, |(_, rest)| rest);
        let mut k = String::with_capacity(said.len());
        for c in said.chars() {
            if c.is_ascii_digit() {
                if !k.ends_with('#') {
                    k.push('#');
                }
            } else {
                k.push(c);
            }
        }
        k
    };
    let mut seen: std::collections::HashMap<String, (usize, Option<usize>)> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut extra: Vec<(usize, usize, String)> = Vec::new();
    for p in problems {
        let entry = seen.entry(kind(&p)).or_insert((0, None));
        entry.0 += 1;
        if entry.0 <= MAX_PROBLEMS_PER_KIND {
            out.push(p);
        } else if entry.1.is_none() {
            // The line that will say how many more: where the first one left out stood.
            let member = p.split_once(": ").map_or("", |(m, _)| m).to_owned();
            entry.1 = Some(extra.len());
            extra.push((out.len(), 0, member));
            out.push(String::new());
        }
        if let Some(k) = entry.1 {
            if let Some(e) = extra.get_mut(k) {
                e.1 += 1;
            }
        }
    }
    for (at, more, member) in extra {
        if let Some(line) = out.get_mut(at) {
            let lead = if member.is_empty() {
                String::new()
            } else {
                format!("{member}: ")
            };
            *line = format!("{lead}and {more} more problems of the same kind as the one above");
        }
    }
    out
}

/// Checks a bundle in memory.
pub fn check(bundle: &Bundle) -> Vec<String> {
    let mut problems = Vec::new();
    let names: Vec<(String, u64)> = bundle
        .files
        .iter()
        .map(|(p, c)| (p.clone(), c.len() as u64))
        .collect();
    directory_problems(&names, &mut problems);
    let mut src = MemSource {
        files: bundle
            .files
            .iter()
            .map(|(p, c)| (p.clone(), c.as_slice()))
            .collect(),
        sizes: names.into_iter().collect(),
    };
    check_source(&mut src, &mut problems);
    problems
}

/// A text member, or the reason it cannot be read; `None` when absent.
fn text(src: &mut dyn Source, name: &str) -> Option<std::result::Result<Vec<u8>, String>> {
    read_member(src, name, MAX_TEXT_BYTES, false)
}

fn check_source(src: &mut dyn Source, problems: &mut Vec<String>) {
    let text = match text(src, "manifest.toml") {
        None => {
            problems.push("manifest.toml: missing; this is not a rawi bundle".into());
            return;
        }
        Some(Err(e)) => {
            problems.push(format!("manifest.toml: {e}"));
            return;
        }
        Some(Ok(t)) => t,
    };
    let text = String::from_utf8_lossy(&text);
    // A manifest listing more sentences than any edition has is refused before it is
    // parsed (parsing 300 000 took 1.6 GB), counting the tables rawi writes.
    let listed = sentence_tables(&text);
    if listed > MAX_MANIFEST_SENTENCES {
        problems.push(too_many_sentences(listed));
        return;
    }
    let is_podcast = match toml::from_str::<toml::Table>(&text) {
        Ok(v) => v.contains_key("podcast"),
        Err(e) => {
            problems.push(format!(
                "manifest.toml: not valid TOML: {}",
                e.message().trim()
            ));
            return;
        }
    };
    if is_podcast {
        match PodcastManifest::from_toml(&text) {
            Ok(pm) => check_podcast(&pm, src, problems),
            Err(e) => problems.push(format!("manifest.toml: not a podcast manifest: {e}")),
        }
    } else {
        match Manifest::from_toml(&text) {
            // The same bound, for sentences written in another TOML form.
            Ok(m) if m.sentences.len() > MAX_MANIFEST_SENTENCES => {
                problems.push(too_many_sentences(m.sentences.len()))
            }
            Ok(m) => check_edition(&m, "", src, problems),
            Err(e) => problems.push(format!("manifest.toml: not an edition manifest: {e}")),
        }
    }
}

fn check_files(
    entries: &[FileEntry],
    prefix: &str,
    src: &mut dyn Source,
    problems: &mut Vec<String>,
) {
    let manifest = format!("{prefix}manifest.toml");
    let mut listed = HashSet::new();
    for f in entries {
        let full = format!("{prefix}{}", f.path);
        listed.insert(full.clone());
        let Some(&size) = src.sizes().get(full.as_str()) else {
            problems.push(format!("{full}: listed in {manifest} but missing"));
            continue;
        };
        // The declared size is checked before reading; the bytes that actually stream
        // out are checked again (a zip may declare one size and inflate to another).
        if size != f.bytes || size > MAX_MEMBER_BYTES {
            problems.push(format!(
                "{full}: {size} bytes, the manifest says {}",
                f.bytes
            ));
            continue;
        }
        match hash_member(src, &full) {
            Err(e) => problems.push(format!("{full}: {e}")),
            Ok((n, _)) if n != f.bytes => {
                problems.push(format!("{full}: {n} bytes, the manifest says {}", f.bytes))
            }
            Ok((_, hash)) if hash != f.sha256 => problems.push(format!(
                "{full}: SHA-256 differs from the manifest (the file was changed or damaged)"
            )),
            Ok(_) => {}
        }
    }
    let names: Vec<String> = src.sizes().keys().cloned().collect();
    for p in &names {
        if p.starts_with(prefix) && *p != manifest && !listed.contains(p) {
            // Members of nested episodes are checked by their own manifest.
            let nested = prefix.is_empty() && p.starts_with("episodes/");
            if !nested {
                problems.push(format!("{p}: not listed in {manifest}"));
            }
        }
    }
}

/// Sample rate and sample count of an audio member, reading no more than it needs: the
/// header of a WAV, every frame of an MP3 or FLAC.
fn member_audio_length(
    src: &mut dyn Source,
    path: &str,
) -> Option<std::result::Result<(u32, u64), String>> {
    let size = *src.sizes().get(path)?;
    let r = if path.ends_with(".wav") {
        read_member(src, path, AUDIO_HEAD_BYTES, true)?.and_then(|b| wav_length(&b, size))
    } else {
        // MP3 and FLAC are decoded whole: a header's sample count says nothing of whether
        // the frames after it are there and play.
        read_member(src, path, MAX_MEMBER_BYTES, false)?.and_then(|b| audio_length(path, b))
    };
    Some(r)
}

/// Sample rate and sample count of a WAV from its first bytes and its whole size.
pub fn wav_length(head: &[u8], size: u64) -> std::result::Result<(u32, u64), String> {
    if head.len() < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return Err("is not a WAV file".into());
    }
    let mut pos = 12usize;
    let mut fmt: Option<(u16, u32, u16)> = None;
    while pos + 8 <= head.len() {
        let id = &head[pos..pos + 4];
        let len = u32::from_le_bytes([head[pos + 4], head[pos + 5], head[pos + 6], head[pos + 7]]);
        let body = pos + 8;
        if id == b"fmt " {
            let b = head
                .get(body..body + 16)
                .ok_or("WAV has a truncated format chunk")?;
            let channels = u16::from_le_bytes([b[2], b[3]]);
            let rate = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
            let bits = u16::from_le_bytes([b[14], b[15]]);
            fmt = Some((channels, rate, bits));
        } else if id == b"data" {
            let (channels, rate, bits) = fmt.ok_or("WAV data comes before its format chunk")?;
            let frame = u64::from(channels) * u64::from(bits).div_ceil(8);
            if frame == 0 || rate == 0 {
                return Err("WAV format chunk has zero channels, bits or rate".into());
            }
            let rest = size.saturating_sub(body as u64);
            let data = if len == 0 || u64::from(len) > rest {
                rest
            } else {
                u64::from(len)
            };
            return Ok((rate, data / frame));
        }
        pos = body.saturating_add(len as usize + (len as usize & 1));
    }
    Err("WAV has no data chunk in its first MiB".into())
}

/// Checks one edition of a bundle (the whole bundle, or an episode under `prefix`)
/// against its manifest: the hashes, the audio's length, the sentences' and chapters'
/// timeline, the MP3's chapter tags, the transcripts and the chapters file.
fn check_edition(m: &Manifest, prefix: &str, src: &mut dyn Source, problems: &mut Vec<String>) {
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
    check_files(&m.files, prefix, src, problems);
    let audio_path = format!("{prefix}{}", m.audio.path);
    check_audio_length(m, &audio_path, src, problems);
    check_sentences(m, &man, problems);
    if let Some(sound) = &m.sound {
        sound_problems(sound, m, &man, problems);
    }
    check_chapters(m, &man, problems);
    if m.audio.format == "mp3" {
        check_id3_chapters(m, &audio_path, src, problems);
    }
    check_transcripts(m, prefix, src, problems);
    check_chapters_file(m, prefix, src, problems);
}

/// The audio member's sample rate and length against the manifest's.
fn check_audio_length(
    m: &Manifest,
    audio_path: &str,
    src: &mut dyn Source,
    problems: &mut Vec<String>,
) {
    let dur = m.audio.duration_ms;
    if let Some(length) = member_audio_length(src, audio_path) {
        match length {
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
}

/// The sentences are numbered in order, each within the audio and in a chapter that
/// exists, and none starts before the one before it.
fn check_sentences(m: &Manifest, man: &str, problems: &mut Vec<String>) {
    let dur = m.audio.duration_ms;
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
}

/// The chapters start at 0, in order, within the audio.
fn check_chapters(m: &Manifest, man: &str, problems: &mut Vec<String>) {
    let dur = m.audio.duration_ms;
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
}

/// An MP3's ID3 chapter frames against the manifest's chapters.
fn check_id3_chapters(
    m: &Manifest,
    audio_path: &str,
    src: &mut dyn Source,
    problems: &mut Vec<String>,
) {
    // The tag is at the start: read as far as its declared end.
    if let Some(Ok(bytes)) = read_member(src, audio_path, 16 << 20, true) {
        let tagged: Vec<(u64, String)> = id3_chapters(&bytes)
            .into_iter()
            .map(|(start, _, title)| (start as u64, title))
            .collect();
        let listed: Vec<(u64, String)> = m
            .chapters
            .iter()
            .map(|c| (c.start_ms, c.title.clone()))
            .collect();
        if tagged.len() != listed.len() {
            problems.push(format!(
                "{audio_path}: its ID3 tag has {} chapters, the manifest {}",
                tagged.len(),
                listed.len()
            ));
        } else if let Some((i, (t, l))) = tagged
            .iter()
            .zip(&listed)
            .enumerate()
            .find(|(_, (t, l))| t != l)
        {
            problems.push(format!(
                "{audio_path}: ID3 chapter {} is {:?} at {} ms, the manifest's is {:?} at {} ms",
                i + 1,
                t.1,
                t.0,
                l.1,
                l.0
            ));
        }
    }
}

/// One cue per sentence in each transcript.
fn check_transcripts(m: &Manifest, prefix: &str, src: &mut dyn Source, problems: &mut Vec<String>) {
    let n = m.sentences.len();
    for (name, count) in [
        ("transcript.vtt", count_cues as fn(&[u8]) -> Option<usize>),
        ("transcript.srt", count_cues),
        ("transcript.json", count_segments),
    ] {
        let path = format!("{prefix}{name}");
        if let Some(b) = text(src, &path) {
            match b.ok().and_then(|b| count(&b)) {
                Some(c) if c == n => {}
                Some(c) => problems.push(format!("{path}: {c} cues for {n} sentences")),
                None => problems.push(format!("{path}: cannot be read")),
            }
        }
    }
}

/// The Podcasting 2.0 chapters file against the manifest's chapters.
fn check_chapters_file(
    m: &Manifest,
    prefix: &str,
    src: &mut dyn Source,
    problems: &mut Vec<String>,
) {
    let chapters_path = format!("{prefix}chapters.json");
    if let Some(b) = text(src, &chapters_path) {
        match b.and_then(|b| {
            serde_json::from_slice::<super::chapters::ChaptersFile>(&b).map_err(|e| e.to_string())
        }) {
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

/// How many `[[sentence]]` tables a manifest's text opens (counted without parsing it).
fn sentence_tables(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            l.trim()
                .strip_prefix("[[")
                .and_then(|t| t.strip_suffix("]]"))
                .is_some_and(|name| name.trim() == "sentence")
        })
        .count()
}

/// An episode's manifest, refused unparsed when it opens more `[[sentence]]` tables
/// than [`MAX_MANIFEST_SENTENCES`] (and parsed, when it lists more in another form).
fn bounded_edition(text: &str) -> std::result::Result<Manifest, String> {
    let too_many = |n: usize| {
        format!("lists {n} sentences, more than an edition can hold ({MAX_MANIFEST_SENTENCES})")
    };
    let listed = sentence_tables(text);
    if listed > MAX_MANIFEST_SENTENCES {
        return Err(too_many(listed));
    }
    let m = Manifest::from_toml(text)?;
    if m.sentences.len() > MAX_MANIFEST_SENTENCES {
        return Err(too_many(m.sentences.len()));
    }
    Ok(m)
}

/// The problem of a manifest listing `n` sentences, more than [`MAX_MANIFEST_SENTENCES`].
fn too_many_sentences(n: usize) -> String {
    format!(
        "manifest.toml: lists {n} sentences, more than an edition can hold \
         ({MAX_MANIFEST_SENTENCES}); not checked further"
    )
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

fn check_podcast(pm: &PodcastManifest, src: &mut dyn Source, problems: &mut Vec<String>) {
    if pm.schema_version != SCHEMA_VERSION {
        problems.push(format!(
            "manifest.toml: schema_version {} is not {SCHEMA_VERSION}",
            pm.schema_version
        ));
    }
    check_files(&pm.files, "", src, problems);
    // Root [[file]] covers every member; don't report nested ones again as unlisted.
    if let Some(cover) = &pm.podcast.cover {
        if !is_cover_member(cover) {
            problems.push(format!(
                "manifest.toml: cover `{cover}` is not cover.png or cover.jpg"
            ));
        } else if !pm.files.iter().any(|f| f.path == *cover) {
            problems.push(format!(
                "manifest.toml: cover `{cover}` is not among the listed files"
            ));
        }
    }
    let feed = text(src, "feed.xml")
        .and_then(|b| b.ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    if feed.is_none() {
        problems.push("feed.xml: missing".into());
    }
    if let Some(feed) = &feed {
        let items = feed.matches("<item>").count();
        if items != pm.episodes.len() + pm.earlier.len() {
            problems.push(format!(
                "feed.xml: {items} items, the manifest lists {} episodes and {} earlier items",
                pm.episodes.len(),
                pm.earlier.len()
            ));
        }
    }
    for p in src.sizes().keys() {
        if !super::is_safe_member(p) {
            problems.push(format!("{p}: unsafe member name (absolute or with ..)"));
        }
    }
    episode_identity_problems(pm, feed.as_deref(), problems);
    let base = pm
        .podcast
        .base_url
        .as_deref()
        .map(|b| b.trim_end_matches('/'));
    for e in &pm.episodes {
        let prefix = format!("{}/", e.dir);
        let mpath = format!("{prefix}manifest.toml");
        match text(src, &mpath) {
            None => problems.push(format!("{mpath}: missing (episode «{}»)", e.title)),
            Some(Err(err)) => problems.push(format!("{mpath}: {err}")),
            Some(Ok(t)) => match bounded_edition(&String::from_utf8_lossy(&t)) {
                Err(err) => problems.push(format!("{mpath}: {err}")),
                Ok(m) => {
                    check_edition(&m, &prefix, src, problems);
                    if m.audio.duration_ms != e.duration_ms {
                        problems.push(format!(
                            "manifest.toml: episode {} lasts {} ms, its manifest says {}",
                            e.dir, e.duration_ms, m.audio.duration_ms
                        ));
                    }
                }
            },
        }
        let actual = src.sizes().get(e.audio.as_str()).copied();
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

/// An edition with an intro or outro speaks only between them: no sentence starts in the
/// intro or ends in the outro (their times were moved with the speech), the two fit in the
/// audio, and a length is given only for a sound that is named.
fn sound_problems(
    sound: &crate::sound::SoundInfo,
    m: &Manifest,
    man: &str,
    problems: &mut Vec<String>,
) {
    let dur = m.audio.duration_ms;
    for (what, file, ms) in [
        ("intro", &sound.intro, sound.intro_ms),
        ("outro", &sound.outro, sound.outro_ms),
    ] {
        if file.is_none() && ms > 0 {
            problems.push(format!(
                "{man}: [sound] gives an {what} of {ms} ms but names no {what} file"
            ));
        }
    }
    if sound.intro_ms + sound.bed_lead_ms + sound.outro_ms > dur {
        problems.push(format!(
            "{man}: [sound] intro, bed lead-in and outro last {} ms, longer than the audio ({dur} ms)",
            sound.intro_ms + sound.bed_lead_ms + sound.outro_ms
        ));
    }
    if sound.bed.is_none() && sound.bed_lead_ms > 0 {
        problems.push(format!(
            "{man}: [sound] gives a bed lead-in of {} ms but names no bed file",
            sound.bed_lead_ms
        ));
    }
    let speech_start = sound.intro_ms + sound.bed_lead_ms;
    if let Some(s) = m.sentences.first().filter(|s| s.start_ms < speech_start) {
        problems.push(format!(
            "{man}: sentence {} starts at {} ms, inside the intro and the bed's lead-in ({speech_start} ms)",
            s.id, s.start_ms
        ));
    }
    let speech_end = dur.saturating_sub(sound.outro_ms);
    if let Some(s) = m.sentences.last().filter(|s| s.end_ms > speech_end) {
        problems.push(format!(
            "{man}: sentence {} ends at {} ms, inside the outro (from {speech_end} ms)",
            s.id, s.end_ms
        ));
    }
    if sound.bed.is_some() != sound.bed_under.is_some()
        || sound
            .bed_under
            .as_deref()
            .is_some_and(|u| !matches!(u, "headline" | "all"))
    {
        problems.push(format!(
            "{man}: [sound] bed_under is {:?} for the bed {:?}; it is headline or all, with a bed",
            sound.bed_under, sound.bed
        ));
    }
}

/// Each episode of a podcast has a place, a folder and a GUID of its own, and the feed
/// carries its GUID: a podcast that carries earlier episodes on (`--previous`) must not
/// list one twice or lose one from the feed, or apps drop or re-download it.
fn episode_identity_problems(pm: &PodcastManifest, feed: Option<&str>, problems: &mut Vec<String>) {
    let mut seen = (HashSet::new(), HashSet::new(), HashSet::new());
    let retired: HashSet<&str> = pm.retired.iter().map(String::as_str).collect();
    // Items carried on from a published feed: in the feed as they were published, each
    // with a GUID no other item has.
    for e in &pm.earlier {
        if !seen.2.insert(e.guid.as_str()) {
            problems.push(format!(
                "manifest.toml: earlier item «{}» has the GUID {} of another item",
                e.title, e.guid
            ));
        }
        let whole = e.xml.starts_with("<item") && e.xml.ends_with("</item>");
        if !whole {
            problems.push(format!(
                "manifest.toml: earlier item «{}» is not a whole <item>…</item>",
                e.title
            ));
        }
        if feed.is_some_and(|f| !f.contains(e.xml.as_str())) {
            problems.push(format!(
                "feed.xml: the earlier item «{}» ({}) is not there as it was published",
                e.title, e.guid
            ));
        }
    }
    for e in &pm.episodes {
        if !seen.0.insert(e.index) {
            problems.push(format!(
                "manifest.toml: episode {} has the place {} of another episode",
                e.dir, e.index
            ));
        }
        if !seen.1.insert(e.dir.as_str()) {
            problems.push(format!(
                "manifest.toml: episode folder {} is listed twice",
                e.dir
            ));
        }
        if retired.contains(e.dir.as_str()) {
            problems.push(format!(
                "manifest.toml: episode folder {} is among the retired ones, whose names never come back",
                e.dir
            ));
        }
        if !seen.2.insert(e.guid.as_str()) {
            problems.push(format!(
                "manifest.toml: episode {} has the GUID {} of another episode",
                e.dir, e.guid
            ));
        }
        let item_guid = format!(
            "<guid isPermaLink=\"false\">{}</guid>",
            crate::bundle::feed::escape(&e.guid)
        );
        if feed.is_some_and(|f| !f.contains(&item_guid)) {
            problems.push(format!(
                "feed.xml: no item has the GUID {} of episode {}",
                e.guid, e.dir
            ));
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
        assert_eq!(audio_length("a.flac", f.clone()).unwrap(), (22050, 30_000));
        let m = crate::encode::mp3(&samples, 22050, &tags, &[], 64).unwrap();
        // LAME writes its delay and padding, and the decoder takes them off exactly.
        assert_eq!(audio_length("a.mp3", m.clone()).unwrap(), (22050, 30_000));
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
            assert!(audio_length("a.mp3", junk.to_vec()).is_err());
            assert!(audio_length("a.flac", junk.to_vec()).is_err());
        }
        let mut b = Bundle::default();
        b.add("manifest.toml", "schema_version = 1\n");
        assert!(!check(&b).is_empty());
    }
}

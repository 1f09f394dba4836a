//! Encoding a programme as WAV, MP3 or FLAC, with its metadata tags and chapters.
//!
//! Everything here is deterministic: no clock, no random padding, so the same samples and
//! tags always give the same bytes (bundles are reproducible). Tags:
//! - WAV: a `LIST`/`INFO` chunk (title, artist, date, software);
//! - MP3: an ID3v2.3 tag made with the `id3` crate (UTF-16 text frames, `CHAP`/`CTOC`
//!   frames for chapters, which podcast apps and `ffprobe -show_chapters` read, and the
//!   cover as an `APIC` frame). Version 2.3 rather than 2.4: it is what most players know,
//!   and ffmpeg up to at least 5.1 reads the frames inside a v2.4 `CHAP` with v2.3 sizes,
//!   losing chapter titles of 128 bytes or more;
//! - FLAC: a Vorbis comment block, chapters as `CHAPTERnnn`/`CHAPTERnnnNAME`, and the
//!   cover as a `PICTURE` block.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::audio::to_i16;

/// The audio formats rawi writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// 16-bit PCM WAV.
    #[default]
    Wav,
    /// MPEG-1/2 Layer III, constant bit rate, encoded in-process with LAME.
    Mp3,
    /// FLAC, 16-bit, encoded in pure Rust.
    Flac,
}

impl Format {
    /// File extension and manifest name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Wav => "wav",
            Format::Mp3 => "mp3",
            Format::Flac => "flac",
        }
    }

    /// MIME type, for feeds.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Wav => "audio/wav",
            Format::Mp3 => "audio/mpeg",
            Format::Flac => "audio/flac",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "wav" => Ok(Format::Wav),
            "mp3" => Ok(Format::Mp3),
            "flac" => Ok(Format::Flac),
            other => Err(format!(
                "unknown audio format `{other}`; use wav, mp3 or flac"
            )),
        }
    }
}

/// Metadata written into the audio file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags {
    /// Episode or article title.
    pub title: String,
    /// Artist: the article's source or author.
    pub artist: Option<String>,
    /// Album: the podcast or the source.
    pub album: Option<String>,
    /// Date as written in the article (ISO 8601 preferred).
    pub date: Option<String>,
    /// Encoder, e.g. `rawi 0.1.0`.
    pub software: String,
    /// Cover art, embedded in MP3 (`APIC`) and FLAC (`PICTURE`); shared, not copied, by
    /// the episodes of a podcast.
    pub cover: Option<Arc<Cover>>,
}

/// A cover image to embed in the audio file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// The image file's bytes.
    pub data: Vec<u8>,
}

impl Cover {
    /// A PNG or JPEG image whose structure holds (see [`Cover::parse`]); `None` for
    /// anything else.
    pub fn from_bytes(data: Vec<u8>) -> Option<Cover> {
        Cover::parse(data).ok()
    }

    /// Checks that `data` is a whole PNG or JPEG image, not only its first bytes: a PNG's
    /// chunks each with a right CRC, `IHDR` first with a sane size and pixel format, image
    /// data, `IEND` last; a JPEG's segments from `SOI` to a start-of-frame with a sane
    /// size, then the scan and `EOI`. The reason when it is not, for the error.
    pub fn parse(data: Vec<u8>) -> Result<Cover, String> {
        let mime = if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            check_png(&data).map_err(|e| format!("is a damaged PNG: {e}"))?;
            "image/png"
        } else if data.starts_with(&[0xFF, 0xD8]) {
            check_jpeg(&data).map_err(|e| format!("is a damaged JPEG: {e}"))?;
            "image/jpeg"
        } else {
            return Err("is not a PNG or JPEG image".into());
        };
        Ok(Cover { mime, data })
    }

    /// Width, height and bits per pixel, as far as the image's header tells them (PNG
    /// `IHDR`, JPEG start-of-frame); zeros, which FLAC readers accept, when it does not.
    fn dimensions(&self) -> (u32, u32, u32) {
        let d = &self.data;
        let be32 = |i: usize| {
            d.get(i..i + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        let be16 = |i: usize| {
            d.get(i..i + 2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]) as u32)
        };
        if self.mime == "image/png" && d.get(12..16) == Some(b"IHDR") {
            let channels = match d.get(25) {
                Some(0) | Some(3) => 1,
                Some(4) => 2,
                Some(2) => 3,
                _ => 4,
            };
            let bits = d.get(24).copied().unwrap_or(8) as u32;
            return (
                be32(16).unwrap_or(0),
                be32(20).unwrap_or(0),
                bits * channels,
            );
        }
        // JPEG: walk the marker segments to the first start-of-frame.
        let mut i = 2;
        while let (Some(&0xFF), Some(&marker)) = (d.get(i), d.get(i + 1)) {
            let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
            if is_sof {
                let bits = d.get(i + 4).copied().unwrap_or(8) as u32;
                let comps = d.get(i + 9).copied().unwrap_or(3) as u32;
                return (
                    be16(i + 7).unwrap_or(0),
                    be16(i + 5).unwrap_or(0),
                    bits * comps,
                );
            }
            let Some(len) = be16(i + 2) else { break };
            i += 2 + len as usize;
        }
        (0, 0, 0)
    }
}

/// Whether a cover's width and height are sane; the reason if not.
fn check_side(width: u32, height: u32) -> Result<(), String> {
    let max = crate::limits::MAX_COVER_SIDE_PX;
    if width == 0 || height == 0 || width > max || height > max {
        return Err(format!(
            "its header says {width}×{height} pixels (a cover has 1 to {max} on each side)"
        ));
    }
    Ok(())
}

/// Walks a PNG's chunks (PNG specification, section 5): each length within the file, each
/// CRC right, `IHDR` first and valid, at least one `IDAT`, `IEND` last.
fn check_png(d: &[u8]) -> Result<(), String> {
    let mut pos = 8;
    let mut index = 0;
    let mut seen_idat = false;
    loop {
        let head = d.get(pos..pos + 8).ok_or("it ends before its IEND chunk")?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        let end = pos
            .checked_add(12)
            .and_then(|e| e.checked_add(len))
            .filter(|&e| e <= d.len())
            .ok_or_else(|| format!("chunk {index} runs past the end of the file"))?;
        let body = &d[pos + 8..pos + 8 + len];
        let stored = u32::from_be_bytes([d[end - 4], d[end - 3], d[end - 2], d[end - 1]]);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(body);
        if crc.finalize() != stored {
            return Err(format!(
                "chunk {index} ({}) has a wrong checksum",
                String::from_utf8_lossy(kind).escape_default()
            ));
        }
        match (index, kind) {
            (0, b"IHDR") => check_ihdr(body)?,
            (0, _) => return Err("its first chunk is not IHDR".into()),
            (_, b"IHDR") => return Err("it has a second IHDR".into()),
            (_, b"IDAT") => seen_idat = true,
            (_, b"IEND") => {
                if !seen_idat {
                    return Err("it has no image data (IDAT)".into());
                }
                return Ok(());
            }
            _ => {}
        }
        pos = end;
        index += 1;
    }
}

/// Checks a PNG's `IHDR`: size, and a bit depth the colour type allows.
fn check_ihdr(b: &[u8]) -> Result<(), String> {
    if b.len() != 13 {
        return Err(format!("its IHDR has {} bytes, not 13", b.len()));
    }
    let be32 = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    check_side(be32(0), be32(4))?;
    let (depth, colour) = (b[8], b[9]);
    let depth_ok = match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
    };
    if !depth_ok || b[10] != 0 || b[11] != 0 || b[12] > 1 {
        return Err(format!(
            "its IHDR has no valid pixel format (bit depth {depth}, colour type {colour})"
        ));
    }
    Ok(())
}

/// Walks a JPEG's marker segments (ITU T.81, annex B) from `SOI`: every length within
/// the file, a start-of-frame with a sane size before the first scan (`SOS`), and an
/// `EOI` after it.
fn check_jpeg(d: &[u8]) -> Result<(), String> {
    let mut pos = 2;
    let mut frame = false;
    loop {
        // Markers may be preceded by fill bytes (0xFF).
        while d.get(pos) == Some(&0xFF) && d.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (d.get(pos), d.get(pos + 1)) else {
            return Err(format!("no marker where one must be (byte {pos})"));
        };
        // Markers without a length: TEM and the restart markers.
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            pos += 2;
            continue;
        }
        if marker == 0xD8 || marker == 0xD9 {
            return Err("it ends or starts again before its image".into());
        }
        let len = d
            .get(pos + 2..pos + 4)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
            .filter(|&l| l >= 2 && pos + 2 + l <= d.len())
            .ok_or_else(|| format!("segment at byte {pos} runs past the end of the file"))?;
        let seg = &d[pos + 4..pos + 2 + len];
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            if seg.len() < 6 {
                return Err("its start-of-frame is cut short".into());
            }
            let height = u16::from_be_bytes([seg[1], seg[2]]) as u32;
            let width = u16::from_be_bytes([seg[3], seg[4]]) as u32;
            check_side(width, height)?;
            let components = seg[5] as usize;
            if !(1..=4).contains(&components) || seg.len() < 6 + 3 * components {
                return Err(format!("its frame has {components} colour components"));
            }
            frame = true;
        }
        if marker == 0xDA {
            if !frame {
                return Err("its scan comes before any start-of-frame".into());
            }
            // The entropy-coded data runs to the end; the image ends with EOI (trailing
            // zeros, which some cameras add, are allowed).
            let tail = d.iter().rposition(|&b| b != 0).unwrap_or(0);
            if tail < 1 || d[tail - 1..=tail] != [0xFF, 0xD9] || tail < pos + 2 + len {
                return Err("it has no end-of-image marker (EOI) after its scan".into());
            }
            return Ok(());
        }
        pos += 2 + len;
    }
}

/// A chapter for the audio file's own chapter list.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// Title.
    pub title: String,
    /// Start, milliseconds.
    pub start_ms: u64,
    /// End, milliseconds.
    pub end_ms: u64,
}

/// MP3 bit rate used when none is asked for: plenty for mono speech.
pub const DEFAULT_MP3_KBPS: u32 = 64;

/// The MP3 bit rates rawi encodes at, kbit/s (160 at most: MPEG-2, used at 22.05 kHz,
/// goes no higher). `--bitrate` takes exactly these.
pub const MP3_KBPS: [u32; 6] = [32, 48, 64, 96, 128, 160];

/// The MP3 bit rate used for a requested one: the nearest of [`MP3_KBPS`] at or above it.
pub fn mp3_kbps(requested: u32) -> u32 {
    MP3_KBPS
        .into_iter()
        .find(|&k| requested <= k)
        .unwrap_or(160)
}

/// MPEG audio's sample rates: the only ones an MP3 can hold. (LAME would resample other
/// rates on its own, and the file would no longer match the timeline sample for sample.)
const MP3_RATES: [u32; 9] = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

/// Whether `format` can hold audio at `rate`; the reason if not. Checked before any
/// synthesis so that a long batch does not fail at its last step.
pub fn check(format: Format, rate: u32) -> Result<(), String> {
    if format == Format::Mp3 && !MP3_RATES.contains(&rate) {
        return Err(format!(
            "MP3 cannot hold {rate} Hz audio (MPEG rates: 8000 to 48000 Hz); \
             give the voice a sample_rate of 22050 or 44100, or choose --format flac"
        ));
    }
    Ok(())
}

/// Gain, in dB, that the encoder applies to the level of `format`: LAME's presets scale
/// the input by 0.95 at 160 kbit/s and below to leave room for coding overshoot
/// (`presets.c`, `abr_switch_map`), so a decoded MP3 is 0.45 dB quieter than its PCM.
/// Loudness normalization aims that much higher to land on target in the file.
pub fn codec_gain_db(format: Format) -> f64 {
    match format {
        Format::Mp3 => 20.0 * 0.95f64.log10(),
        Format::Wav | Format::Flac => 0.0,
    }
}

/// Extra true-peak headroom, in dB, for lossy coding: MP3 decoding adds up to about 0.7 dB
/// of overshoot on speech at 64 kbit/s (measured with ffmpeg's ebur128 on the samples),
/// which the PCM limiter cannot see.
pub fn codec_peak_margin_db(format: Format) -> f64 {
    match format {
        Format::Mp3 => 1.0,
        Format::Wav | Format::Flac => 0.0,
    }
}

/// Encodes mono samples in `format`, with tags and chapters.
pub fn encode(
    format: Format,
    samples: &[f32],
    rate: u32,
    tags: &Tags,
    chapters: &[Chapter],
    mp3_kbps: u32,
) -> Result<Vec<u8>, String> {
    let mut enc = Encoder::new(format, rate, samples.len(), tags, chapters, mp3_kbps)?;
    for block in samples.chunks(crate::spill::BLOCK) {
        enc.push(block)?;
    }
    enc.finish()?.to_vec().map_err(|e| temp_failure(&e))
}

/// A failure of the temporary file an encoder writes into, in words.
fn temp_failure(e: &std::io::Error) -> String {
    format!("cannot write the encoded audio to a temporary file: {e}")
}

/// An encoded audio file: a head made once everything is known (tags, sizes, checksums)
/// and a body written as the audio arrived, kept in an unnamed temporary file, so that
/// an edition's encoded audio is not held in memory either.
#[derive(Debug)]
pub struct Encoded {
    head: Vec<u8>,
    body: crate::spill::Bytes,
}

impl Encoded {
    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        self.head.len() as u64 + self.body.len()
    }

    /// Whether it is empty (it never is: every format has a header).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the whole file into `w`.
    pub fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        w.write_all(&self.head)?;
        self.body.each_chunk(|c| w.write_all(c))
    }

    /// The whole file in memory.
    pub fn to_vec(&self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(self.len() as usize);
        self.write_to(&mut out)?;
        Ok(out)
    }

    /// Lowercase hex SHA-256 of the whole file.
    pub fn sha256_hex(&self) -> std::io::Result<String> {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(&self.head);
        self.body.each_chunk(|c| {
            h.update(c);
            Ok(())
        })?;
        Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// An encoder that takes the programme in blocks, in order, and writes what it encodes
/// into a temporary file as it goes (see [`Encoded`]). The bytes are the same however the
/// programme is cut into blocks.
pub struct Encoder {
    /// Samples the programme has, and samples taken so far.
    len: usize,
    taken: usize,
    tags: Tags,
    chapters: Vec<Chapter>,
    kbps: u32,
    body: crate::spill::Bytes,
    state: State,
}

/// Each format's own state between blocks.
enum State {
    /// WAV: the head is known from the start.
    Wav { head: Vec<u8> },
    /// MP3: LAME, and buffers reused between blocks.
    Mp3 {
        lame: Box<mp3lame_encoder::Encoder>,
        pcm: Vec<i16>,
        out: Vec<u8>,
    },
    /// FLAC: flacenc's stream (its metadata, no frames), frame buffer and context
    /// (checksum, frame count), and the samples of a frame not yet full.
    Flac(Box<FlacState>),
}

/// See [`State::Flac`].
struct FlacState {
    config: flacenc::error::Verified<flacenc::config::Encoder>,
    stream: flacenc::component::Stream,
    frame: flacenc::source::FrameBuf,
    context: flacenc::source::Context,
    pending: Vec<i32>,
    sink: flacenc::bitsink::ByteSink,
}

impl Encoder {
    /// An encoder of `len` samples at `rate` in `format`, with tags and chapters.
    pub fn new(
        format: Format,
        rate: u32,
        len: usize,
        tags: &Tags,
        chapters: &[Chapter],
        mp3_kbps: u32,
    ) -> Result<Encoder, String> {
        let state = match format {
            Format::Wav => State::Wav {
                head: wav_head(len, rate, tags),
            },
            Format::Mp3 => State::Mp3 {
                lame: Box::new(lame(rate, mp3_kbps)?),
                pcm: Vec::new(),
                out: Vec::new(),
            },
            Format::Flac => State::Flac(Box::new(FlacState::new(rate)?)),
        };
        Ok(Encoder {
            len,
            taken: 0,
            tags: tags.clone(),
            chapters: chapters.to_vec(),
            kbps: mp3_kbps,
            body: crate::spill::Bytes::new().map_err(|e| temp_failure(&e))?,
            state,
        })
    }

    /// Encodes the next block of the programme.
    pub fn push(&mut self, block: &[f32]) -> Result<(), String> {
        self.taken += block.len();
        let body = &mut self.body;
        match &mut self.state {
            State::Wav { .. } => {
                let bytes: Vec<u8> = block
                    .iter()
                    .flat_map(|&s| to_i16(s).to_le_bytes())
                    .collect();
                body.append(&bytes).map_err(|e| temp_failure(&e))
            }
            State::Mp3 { lame, pcm, out } => {
                use mp3lame_encoder::MonoPcm;
                // LAME wants its output buffer sized for the input it is given.
                for chunk in block.chunks(1 << 16) {
                    pcm.clear();
                    pcm.extend(chunk.iter().map(|&s| to_i16(s)));
                    out.clear();
                    out.reserve(mp3lame_encoder::max_required_buffer_size(pcm.len()));
                    lame.encode_to_vec(MonoPcm(pcm), out)
                        .map_err(|e| format!("MP3 encoder: encoding: {e:?}"))?;
                    body.append(out).map_err(|e| temp_failure(&e))?;
                }
                Ok(())
            }
            State::Flac(flac) => flac.push(block, body),
        }
    }

    /// Finishes the file: the encoder's last frames, then the head.
    pub fn finish(mut self) -> Result<Encoded, String> {
        if self.taken != self.len {
            return Err(format!(
                "the encoder was given {} samples for a programme of {}",
                self.taken, self.len
            ));
        }
        let head = match self.state {
            State::Wav { head } => head,
            State::Mp3 { mut lame, out, .. } => mp3_finish(
                &mut lame,
                out,
                &mut self.body,
                self.len as u64,
                &self.tags,
                &self.chapters,
                self.kbps,
            )?,
            State::Flac(flac) => flac.finish(&mut self.body, &self.tags, &self.chapters)?,
        };
        Ok(Encoded {
            head,
            body: self.body,
        })
    }
}

/// A 16-bit WAV with a `LIST`/`INFO` chunk before the data.
pub fn wav(samples: &[f32], rate: u32, tags: &Tags) -> Vec<u8> {
    let mut out = wav_head(samples.len(), rate, tags);
    out.reserve(samples.len() * 2);
    for &s in samples {
        out.extend_from_slice(&to_i16(s).to_le_bytes());
    }
    out
}

/// Everything of a 16-bit WAV of `len` samples before its samples: the RIFF header, the
/// format, the `LIST`/`INFO` chunk and the data chunk's header.
fn wav_head(len: usize, rate: u32, tags: &Tags) -> Vec<u8> {
    let mut info = Vec::new();
    info.extend_from_slice(b"INFO");
    let mut field = |id: &[u8; 4], value: &str| {
        if value.is_empty() {
            return;
        }
        let mut v = value.as_bytes().to_vec();
        v.push(0);
        info.extend_from_slice(id);
        info.extend_from_slice(&(v.len() as u32).to_le_bytes());
        if v.len() % 2 == 1 {
            v.push(0);
        }
        info.extend_from_slice(&v);
    };
    field(b"INAM", &tags.title);
    field(b"IART", tags.artist.as_deref().unwrap_or(""));
    field(b"IPRD", tags.album.as_deref().unwrap_or(""));
    field(b"ICRD", tags.date.as_deref().unwrap_or(""));
    field(b"ISFT", &tags.software);
    let data_len = len * 2;
    let mut out = Vec::with_capacity(44 + info.len() + 8);
    out.extend_from_slice(b"RIFF");
    let riff_len = 4 + (8 + 16) + (8 + info.len()) + (8 + data_len);
    out.extend_from_slice(&(riff_len.min(u32::MAX as usize) as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"LIST");
    out.extend_from_slice(&(info.len() as u32).to_le_bytes());
    out.extend_from_slice(&info);
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data_len.min(u32::MAX as usize) as u32).to_le_bytes());
    out
}

/// A FLAC file with a Vorbis comment block.
pub fn flac(
    samples: &[f32],
    rate: u32,
    tags: &Tags,
    chapters: &[Chapter],
) -> Result<Vec<u8>, String> {
    encode(
        Format::Flac,
        samples,
        rate,
        tags,
        chapters,
        DEFAULT_MP3_KBPS,
    )
}

impl FlacState {
    /// flacenc's default settings, 16-bit mono at `rate`, fixed-size blocks: what
    /// `flacenc::encode_with_fixed_block_size` sets up, taken apart so that each frame is
    /// written out as soon as it is encoded instead of the whole stream kept.
    fn new(rate: u32) -> Result<FlacState, String> {
        use flacenc::error::Verify;
        let config = flacenc::config::Encoder::default()
            .into_verified()
            .map_err(|(_, e)| format!("FLAC encoder settings: {e:?}"))?;
        let size = config.block_size;
        let mut stream = flacenc::component::Stream::new(rate as usize, 1, 16)
            .map_err(|e| format!("FLAC encoder settings: {e:?}"))?;
        stream
            .stream_info_mut()
            .set_block_sizes(size, size)
            .map_err(|e| format!("FLAC encoder settings: {e:?}"))?;
        Ok(FlacState {
            frame: flacenc::source::FrameBuf::with_size(1, size)
                .map_err(|e| format!("FLAC encoder settings: {e:?}"))?,
            context: flacenc::source::Context::new(16, 1),
            pending: Vec::with_capacity(size),
            sink: flacenc::bitsink::ByteSink::new(),
            config,
            stream,
        })
    }

    /// Takes samples; encodes and writes every frame they fill.
    fn push(&mut self, block: &[f32], body: &mut crate::spill::Bytes) -> Result<(), String> {
        let size = self.config.block_size;
        for &s in block {
            self.pending.push(i32::from(to_i16(s)));
            if self.pending.len() == size {
                self.frame_out(body)?;
            }
        }
        Ok(())
    }

    /// Encodes the pending samples as one frame and writes it.
    fn frame_out(&mut self, body: &mut crate::spill::Bytes) -> Result<(), String> {
        use flacenc::component::BitRepr;
        use flacenc::source::Fill;
        let failed = |e: &dyn fmt::Debug| format!("FLAC encoding failed: {e:?}");
        (&mut self.frame, &mut self.context)
            .fill_interleaved(&self.pending)
            .map_err(|e| failed(&e))?;
        self.pending.clear();
        let number = self.context.current_frame_number().unwrap_or(0);
        let frame = flacenc::encode_fixed_size_frame(
            &self.config,
            &self.frame,
            number,
            self.stream.stream_info(),
        )
        .map_err(|e| failed(&e))?;
        self.stream.stream_info_mut().update_frame_info(&frame);
        self.sink.clear();
        frame
            .write(&mut self.sink)
            .map_err(|e| format!("FLAC writing failed: {e:?}"))?;
        body.append(self.sink.as_slice())
            .map_err(|e| temp_failure(&e))
    }

    /// Writes the last, short frame and returns the head: `fLaC`, STREAMINFO (sizes,
    /// checksum, length), the Vorbis comment and the cover.
    fn finish(
        mut self,
        body: &mut crate::spill::Bytes,
        tags: &Tags,
        chapters: &[Chapter],
    ) -> Result<Vec<u8>, String> {
        use flacenc::component::BitRepr;
        if !self.pending.is_empty() {
            self.frame_out(body)?;
        }
        let stream = &mut self.stream;
        let md5 = self.context.md5_digest();
        stream.stream_info_mut().set_md5_digest(&md5);
        stream
            .stream_info_mut()
            .set_total_samples(self.context.total_samples());
        let block =
            flacenc::component::MetadataBlockData::new_unknown(4, &vorbis_comment(tags, chapters))
                .map_err(|e| format!("FLAC tags: {e:?}"))?;
        stream.add_metadata_block(block);
        if let Some(cover) = &tags.cover {
            let block = flacenc::component::MetadataBlockData::new_unknown(6, &flac_picture(cover))
                .map_err(|e| format!("FLAC cover: {e:?}"))?;
            stream.add_metadata_block(block);
        }
        let mut sink = flacenc::bitsink::ByteSink::new();
        stream
            .write(&mut sink)
            .map_err(|e| format!("FLAC writing failed: {e:?}"))?;
        let mut bytes = sink.into_inner();
        // flacenc writes the last block's size as STREAMINFO's minimum block size, which
        // the format says excludes the last block (RFC 9639, 8.2); decoders then take the
        // stream for a variable-block-size one. Every other block has the fixed size, the
        // maximum. STREAMINFO is the first metadata block: minimum at bytes 8-9, maximum
        // at 10-11.
        if bytes.len() >= 12 && bytes.starts_with(b"fLaC") {
            bytes.copy_within(10..12, 8);
        }
        Ok(bytes)
    }
}

/// The body of a FLAC `PICTURE` metadata block (RFC 9639, section 8.8): the front cover.
/// Written here because flacenc takes metadata blocks as bodies; the layout is a few
/// big-endian fields.
fn flac_picture(cover: &Cover) -> Vec<u8> {
    let (width, height, depth) = cover.dimensions();
    let mut out = Vec::with_capacity(32 + cover.mime.len() + cover.data.len());
    let mut field = |v: u32| out.extend_from_slice(&v.to_be_bytes());
    field(3); // picture type: front cover
    field(cover.mime.len() as u32);
    out.extend_from_slice(cover.mime.as_bytes());
    let mut field = |v: u32| out.extend_from_slice(&v.to_be_bytes());
    field(0); // description: none
    field(width);
    field(height);
    field(depth);
    field(0); // colours: not an indexed image's palette count
    field(cover.data.len().min(u32::MAX as usize) as u32);
    out.extend_from_slice(&cover.data);
    out
}

/// The body of a Vorbis comment metadata block.
fn vorbis_comment(tags: &Tags, chapters: &[Chapter]) -> Vec<u8> {
    let mut fields: Vec<String> = vec![format!("TITLE={}", tags.title)];
    if let Some(a) = &tags.artist {
        fields.push(format!("ARTIST={a}"));
    }
    if let Some(a) = &tags.album {
        fields.push(format!("ALBUM={a}"));
    }
    if let Some(d) = &tags.date {
        fields.push(format!("DATE={d}"));
    }
    fields.push("LANGUAGE=ar".into());
    for (i, c) in chapters.iter().enumerate() {
        let ts = crate::clock::hms_millis(c.start_ms, '.');
        fields.push(format!("CHAPTER{:03}={ts}", i + 1));
        fields.push(format!("CHAPTER{:03}NAME={}", i + 1, c.title));
    }
    let mut out = Vec::new();
    let vendor = tags.software.as_bytes();
    out.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    out.extend_from_slice(vendor);
    out.extend_from_slice(&(fields.len() as u32).to_le_bytes());
    for f in fields {
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f.as_bytes());
    }
    out
}

/// An MP3: our ID3v2.3 tag, then LAME's frames (constant bit rate, with LAME's Info frame
/// so that players know the encoder delay and padding and stay sample-accurate).
pub fn mp3(
    samples: &[f32],
    rate: u32,
    tags: &Tags,
    chapters: &[Chapter],
    kbps: u32,
) -> Result<Vec<u8>, String> {
    encode(Format::Mp3, samples, rate, tags, chapters, kbps)
}

/// LAME set up for mono at `rate`, constant `kbps`, with its Info tag.
fn lame(rate: u32, kbps: u32) -> Result<mp3lame_encoder::Encoder, String> {
    use mp3lame_encoder::{Bitrate, Builder, Mode, Quality};
    check(Format::Mp3, rate)?;
    let brate = match mp3_kbps(kbps) {
        32 => Bitrate::Kbps32,
        48 => Bitrate::Kbps48,
        64 => Bitrate::Kbps64,
        96 => Bitrate::Kbps96,
        128 => Bitrate::Kbps128,
        _ => Bitrate::Kbps160,
    };
    let err = |what: &str, e: &dyn fmt::Debug| format!("MP3 encoder: {what}: {e:?}");
    let mut b = Builder::new().ok_or("MP3 encoder: out of memory")?;
    b.set_output_sample_rate(std::num::NonZeroU32::new(rate))
        .map_err(|e| err("output sample rate", &e))?;
    b.set_num_channels(1).map_err(|e| err("channels", &e))?;
    b.set_sample_rate(rate)
        .map_err(|e| err("sample rate", &e))?;
    b.set_brate(brate).map_err(|e| err("bit rate", &e))?;
    b.set_mode(Mode::Mono).map_err(|e| err("mode", &e))?;
    b.set_quality(Quality::Good)
        .map_err(|e| err("quality", &e))?;
    b.set_to_write_vbr_tag(true)
        .map_err(|e| err("Info tag", &e))?;
    b.build().map_err(|e| err("settings", &e))
}

/// Flushes LAME into `frames` (the file's frames so far, in a temporary file), puts its
/// Info tag in place, and returns the head: our ID3 tag and, when LAME could not write
/// its tag, an Info frame of our own.
fn mp3_finish(
    lame: &mut mp3lame_encoder::Encoder,
    mut out: Vec<u8>,
    frames: &mut crate::spill::Bytes,
    samples: u64,
    tags: &Tags,
    chapters: &[Chapter],
    kbps: u32,
) -> Result<Vec<u8>, String> {
    use mp3lame_encoder::FlushGap;
    out.clear();
    out.reserve(7200);
    lame.flush_to_vec::<FlushGap>(&mut out)
        .map_err(|e| format!("MP3 encoder: flush: {e:?}"))?;
    frames.append(&out).map_err(|e| temp_failure(&e))?;
    // LAME leaves a blank first frame where the Info tag goes, and only knows its contents
    // once everything is encoded.
    let mut info = Vec::with_capacity(lame.lame_tag_size());
    if lame.lame_tag_size() > 0 {
        if let Some(n) = lame.lame_tag_encode_to_vec(&mut info) {
            let n = n.get();
            if n as u64 <= frames.len() {
                frames
                    .overwrite(0, &info[..n])
                    .map_err(|e| temp_failure(&e))?;
            }
        }
    }
    let mut head = id3v2(tags, chapters)?;
    // At low bit rates a frame is too small for LAME's tag and LAME writes none; decoders
    // then keep the encoder delay and padding, and the file is longer than its timeline.
    // Put the tag in a frame of its own, at a bit rate large enough to hold it.
    let mut first = vec![0u8; frames.len().min(64) as usize];
    frames.read(0, &mut first).map_err(|e| temp_failure(&e))?;
    if !has_info_tag(&first) {
        if let Some(tag) =
            info_frame(frames, samples, mp3_kbps(kbps)).map_err(|e| temp_failure(&e))?
        {
            head.extend_from_slice(&tag);
        }
    }
    Ok(head)
}

/// LAME's encoder delay in samples (3.100: `ENCDELAY` 576, the decoder's own 529 samples
/// come on top and are not counted in the tag).
const LAME_ENCODER_DELAY: u64 = 576;

/// (samples per frame, side-information bytes, frame length in bytes) of an MPEG audio
/// Layer III frame header, with the bit-rate index `br` in place of its own; `None` if
/// the header is not Layer III.
fn frame_geometry(h: u32, br: usize) -> Option<(u64, usize, usize)> {
    let version = (h >> 19) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    let sr_idx = ((h >> 10) & 3) as usize;
    if h >> 21 != 0x7FF
        || version == 1
        || (h >> 17) & 3 != 1
        || sr_idx == 3
        || !(1..15).contains(&br)
    {
        return None;
    }
    let mpeg1 = version == 3;
    let kbps: u64 = if mpeg1 {
        [
            0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
        ][br]
    } else {
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160][br]
    };
    let rate = [44100u64, 48000, 32000][sr_idx] >> (3 - version.max(1));
    let spf = if mpeg1 { 1152 } else { 576 };
    let mono = (h >> 6) & 3 == 3;
    let side = match (mpeg1, mono) {
        (true, false) => 32,
        (true, true) => 17,
        (false, false) => 17,
        (false, true) => 9,
    };
    Some((spf, side, (spf / 8 * kbps * 1000 / rate) as usize))
}

/// The first four bytes of `frames` as a header.
fn first_header(frames: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(frames.get(..4)?.try_into().ok()?))
}

/// Whether the stream's first frame is a Xing/Info tag frame.
fn has_info_tag(frames: &[u8]) -> bool {
    let Some(h) = first_header(frames) else {
        return false;
    };
    let Some((_, side, _)) = frame_geometry(h, ((h >> 12) & 15) as usize) else {
        return false;
    };
    let at = 4 + side + if h & 0x10000 == 0 { 2 } else { 0 };
    matches!(frames.get(at..at + 4), Some(b"Info") | Some(b"Xing"))
}

/// CRC-16 as the LAME tag uses it (polynomial 0x8005, reflected, initial 0).
fn crc16(bytes: &[u8], mut crc: u16) -> u16 {
    for &b in bytes {
        crc ^= b as u16;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// A Xing "Info" frame with LAME's extension (encoder delay and padding), for a CBR
/// stream `frames` of `samples` input samples: the layout LAME itself writes (Xing
/// header with frame count, byte count, table of contents and quality, then the 36-byte
/// LAME tag and its CRC), in a silent frame whose bit rate is the smallest that holds it.
fn info_frame(
    frames: &crate::spill::Bytes,
    samples: u64,
    kbps: u32,
) -> std::io::Result<Option<Vec<u8>>> {
    let header_at = |pos: u64| -> std::io::Result<Option<u32>> {
        if pos + 4 > frames.len() {
            return Ok(None);
        }
        let mut four = [0u8; 4];
        frames.read(pos, &mut four)?;
        Ok(Some(u32::from_be_bytes(four)))
    };
    let Some(h) = header_at(0)? else {
        return Ok(None);
    };
    // Count the audio frames by walking their headers (a few bytes read per frame).
    let mut count = 0u64;
    let mut pos = 0u64;
    while let Some(fh) = header_at(pos)? {
        let Some((_, _, len)) = frame_geometry(fh, ((fh >> 12) & 15) as usize) else {
            return Ok(None);
        };
        pos += (len + ((fh >> 9) & 1) as usize) as u64;
        count += 1;
    }
    let mut crc = 0u16;
    frames.each_chunk(|c| {
        crc = crc16(c, crc);
        Ok(())
    })?;
    Ok(info_frame_of(h, count, frames.len(), crc, samples, kbps))
}

/// [`info_frame`] of a stream whose first header is `h`, of `count` frames and `bytes`
/// bytes whose CRC-16 is `crc`.
fn info_frame_of(
    h: u32,
    count: u64,
    bytes: u64,
    crc: u16,
    samples: u64,
    kbps: u32,
) -> Option<Vec<u8>> {
    let (spf, side, _) = frame_geometry(h, ((h >> 12) & 15) as usize)?;
    let padding = (count * spf).checked_sub(samples + LAME_ENCODER_DELAY)?;
    if padding > 0xFFF {
        return None;
    }
    let need = 4 + side + 120 + 36;
    let br = (1..15).find(|&br| frame_geometry(h, br).is_some_and(|(_, _, len)| len >= need))?;
    let (_, _, len) = frame_geometry(h, br)?;
    // Same version, rate and mode; the chosen bit rate; no CRC; no padding slot.
    let header = (h & !(0xF << 12) & !(1 << 9)) | ((br as u32) << 12) | 0x10000;
    let mut f = vec![0u8; len];
    f[..4].copy_from_slice(&header.to_be_bytes());
    let total = (len as u64 + bytes) as u32;
    let mut t: Vec<u8> = Vec::with_capacity(156);
    t.extend_from_slice(b"Info");
    t.extend_from_slice(&0x0Fu32.to_be_bytes()); // frames, bytes, TOC, quality
    t.extend_from_slice(&(count as u32).to_be_bytes());
    t.extend_from_slice(&total.to_be_bytes());
    t.extend((0..100u32).map(|i| (i * 256 / 100) as u8)); // TOC of a constant bit rate
    t.extend_from_slice(&0u32.to_be_bytes()); // quality
    t.extend_from_slice(b"LAME3.100");
    t.push(0x01); // tag revision 0, CBR
    t.push(0); // lowpass unknown
    t.extend_from_slice(&[0; 4]); // peak
    t.extend_from_slice(&[0; 4]); // radio and audiophile gain
    t.push(0); // encoding flags, ATH type
    t.push(kbps.min(255) as u8);
    let dp = ((LAME_ENCODER_DELAY as u32) << 12) | padding as u32;
    t.extend_from_slice(&dp.to_be_bytes()[1..]);
    t.push(0); // misc
    t.push(0); // MP3 gain
    t.extend_from_slice(&[0; 2]); // preset, surround
    t.extend_from_slice(&total.to_be_bytes()); // music length
    t.extend_from_slice(&crc.to_be_bytes()); // music CRC
    let end = 4 + side + t.len();
    f[4 + side..end].copy_from_slice(&t);
    let tag_crc = crc16(&f[..end], 0);
    f[end..end + 2].copy_from_slice(&tag_crc.to_be_bytes());
    Some(f)
}

/// The date frames of ID3v2.3 from an ISO 8601 date: `TYER` (YYYY), `TDAT` (DDMM) and
/// `TIME` (HHMM) as far as the date goes. Anything else is left out.
fn id3_date(iso: &str) -> Vec<(&'static str, String)> {
    let digits = |s: Option<&str>, n: usize| {
        s.filter(|s| s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned)
    };
    let mut out = Vec::new();
    let Some(year) = digits(iso.get(0..4), 4) else {
        return out;
    };
    out.push(("TYER", year));
    let (month, day) = (digits(iso.get(5..7), 2), digits(iso.get(8..10), 2));
    if let (Some(m), Some(d), Some("-")) = (month, day, iso.get(4..5)) {
        out.push(("TDAT", format!("{d}{m}")));
        if let (Some(h), Some(min)) = (digits(iso.get(11..13), 2), digits(iso.get(14..16), 2)) {
            out.push(("TIME", format!("{h}{min}")));
        }
    }
    out
}

/// An ID3v2.3 tag: text frames, the cover (`APIC`), then a `CTOC` table and one `CHAP`
/// frame per chapter. Frames keep this order, so the bytes are the same every time.
pub fn id3v2(tags: &Tags, chapters: &[Chapter]) -> Result<Vec<u8>, String> {
    use id3::frame::{Chapter as Chap, Picture, PictureType, TableOfContents};
    use id3::{Frame, Tag, TagLike, Version};
    let mut tag = Tag::new();
    tag.add_frame(Frame::text("TIT2", tags.title.clone()));
    if let Some(a) = &tags.artist {
        tag.add_frame(Frame::text("TPE1", a.clone()));
    }
    if let Some(a) = &tags.album {
        tag.add_frame(Frame::text("TALB", a.clone()));
    }
    for (id, value) in tags.date.as_deref().map(id3_date).unwrap_or_default() {
        tag.add_frame(Frame::text(id, value));
    }
    tag.add_frame(Frame::text("TLAN", "ara"));
    tag.add_frame(Frame::text("TSSE", tags.software.clone()));
    if let Some(cover) = &tags.cover {
        tag.add_frame(Picture {
            mime_type: cover.mime.to_owned(),
            picture_type: PictureType::CoverFront,
            description: String::new(),
            data: cover.data.clone(),
        });
    }
    if !chapters.is_empty() {
        // CTOC holds at most 255 entries; chapters beyond stay as CHAP frames.
        tag.add_frame(TableOfContents {
            element_id: "toc".into(),
            top_level: true,
            ordered: true,
            elements: (0..chapters.len().min(255))
                .map(|i| format!("ch{i}"))
                .collect(),
            frames: Vec::new(),
        });
        for (i, c) in chapters.iter().enumerate() {
            tag.add_frame(Chap {
                element_id: format!("ch{i}"),
                start_time: c.start_ms.min(u32::MAX as u64) as u32,
                end_time: c.end_ms.min(u32::MAX as u64) as u32,
                // Byte offsets unused.
                start_offset: u32::MAX,
                end_offset: u32::MAX,
                frames: vec![Frame::text("TIT2", c.title.clone())],
            });
        }
    }
    let mut out = Vec::new();
    tag.write_to(&mut out, Version::Id3v23)
        .map_err(|e| format!("ID3 tag: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(n: usize) -> Vec<f32> {
        (0..n).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect()
    }

    fn tags() -> Tags {
        Tags {
            title: "عنوان".into(),
            artist: Some("وكالة".into()),
            album: None,
            date: Some("2024-05-01".into()),
            software: "rawi test".into(),
            cover: None,
        }
    }

    #[test]
    fn wav_has_info_and_decodes() {
        let w = wav(&tone(1000), 22050, &tags());
        assert!(w.windows(4).any(|x| x == b"INAM"));
        let c = crate::audio::decode_wav(&w).unwrap();
        assert_eq!(c.samples.len(), 1000);
        assert_eq!(
            u32::from_le_bytes([w[4], w[5], w[6], w[7]]) as usize,
            w.len() - 8
        );
    }

    #[test]
    fn mp3_is_deterministic_and_tagged() {
        let ch = [Chapter {
            title: "فصل".into(),
            start_ms: 0,
            end_ms: 500,
        }];
        let a = mp3(&tone(22050), 22050, &tags(), &ch, 64).unwrap();
        let b = mp3(&tone(22050), 22050, &tags(), &ch, 64).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..3], b"ID3");
        assert!(a.windows(4).any(|x| x == b"CHAP"));
        let tag_len = 10 + crate::bundle::verify::synchsafe_value(&a[6..10]) as usize;
        assert_eq!(a[tag_len], 0xFF, "frames follow the tag");
    }

    #[test]
    fn every_bit_rate_gives_a_sample_exact_length() {
        for kbps in [32, 48, 64, 96, 128, 160] {
            let m = mp3(&tone(30_000), 22050, &tags(), &[], kbps).unwrap();
            let (rate, n) = crate::bundle::verify::audio_length("a.mp3", m.clone()).unwrap();
            assert_eq!((rate, n), (22050, 30_000), "{kbps} kbit/s");
        }
    }

    #[test]
    fn id3_dates() {
        let d = id3_date("2024-06-02T09:30:00+03:00");
        let want = [("TYER", "2024"), ("TDAT", "0206"), ("TIME", "0930")];
        assert_eq!(
            d,
            want.map(|(i, v)| (i, v.to_owned())).to_vec(),
            "ID3v2.3 splits the date in three frames"
        );
        assert!(id3_date("yesterday").is_empty());
        assert_eq!(id3_date("2024").len(), 1);
    }

    /// A chunk of a PNG: length, type, data, CRC.
    fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut c = (body.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(body);
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(body);
        c.extend(crc.finalize().to_be_bytes());
        c
    }

    /// A PNG of `w`×`h` pixels (its image data is not a real zlib stream: rawi checks the
    /// structure, a viewer decodes the pixels).
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend(h.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        p.extend(png_chunk(b"IHDR", &ihdr));
        p.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 3, 0, 0, 0, 0, 1]));
        p.extend(png_chunk(b"IEND", &[]));
        p
    }

    /// A 2×1 PNG, for the cover tests.
    static PNG: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| png(2, 1));

    #[test]
    fn covers_are_checked_whole() {
        assert!(Cover::parse(png(2, 1)).is_ok());
        // The signature followed by garbage: refused (it used to be embedded).
        let mut garbage = b"\x89PNG\r\n\x1a\n".to_vec();
        garbage.extend([0x55; 200]);
        let e = Cover::parse(garbage).unwrap_err();
        assert!(e.starts_with("is a damaged PNG"), "{e}");
        // One byte changed in IHDR: the checksum says so.
        let mut flipped = png(2, 1);
        flipped[18] ^= 1;
        assert!(Cover::parse(flipped).unwrap_err().contains("checksum"));
        // Sizes: zero, or absurd.
        assert!(Cover::parse(png(0, 5)).unwrap_err().contains("0×5"));
        assert!(Cover::parse(png(100_000, 5)).is_err());
        // Cut short: no IEND.
        let whole = png(2, 1);
        assert!(Cover::parse(whole[..whole.len() - 12].to_vec()).is_err());
        // JPEG: SOI, APP0, SOF0, SOS, data, EOI.
        let jpeg = |sof: &[u8]| {
            let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
            j.extend(sof);
            j.extend([0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0x12, 0x34, 0xFF, 0xD9]);
            j
        };
        let sof = [0xFF, 0xC0, 0, 11, 8, 0, 5, 0, 7, 1, 1, 0x11, 0];
        assert!(Cover::parse(jpeg(&sof)).is_ok());
        let zero = [0xFF, 0xC0, 0, 11, 8, 0, 0, 0, 7, 1, 1, 0x11, 0];
        assert!(Cover::parse(jpeg(&zero)).unwrap_err().contains("7×0"));
        assert!(Cover::parse(jpeg(&[]))
            .unwrap_err()
            .contains("before any start-of-frame"));
        assert!(Cover::parse(vec![0xFF, 0xD8, 0xFF, 0xE0, 0x55, 0x55]).is_err());
        let mut cut = jpeg(&sof);
        cut.truncate(cut.len() - 2);
        assert!(Cover::parse(cut).unwrap_err().contains("EOI"));
    }

    #[test]
    fn id3_tag_reads_back_with_cover_and_chapters() {
        let mut t = tags();
        t.cover = Some(Arc::new(Cover::from_bytes(PNG.clone()).unwrap()));
        let ch = [
            Chapter {
                title: "الأول".into(),
                start_ms: 0,
                end_ms: 700,
            },
            Chapter {
                title: "الثاني".into(),
                start_ms: 700,
                end_ms: 1500,
            },
        ];
        let bytes = id3v2(&t, &ch).unwrap();
        assert_eq!(bytes, id3v2(&t, &ch).unwrap(), "deterministic");
        let tag = id3::Tag::read_from2(std::io::Cursor::new(&bytes)).unwrap();
        use id3::TagLike;
        assert_eq!(tag.version(), id3::Version::Id3v23);
        assert_eq!(tag.title(), Some("عنوان"));
        assert_eq!(tag.artist(), Some("وكالة"));
        let pic = tag.pictures().next().unwrap();
        assert_eq!(
            (pic.mime_type.as_str(), pic.data.as_slice()),
            ("image/png", PNG.as_slice())
        );
        let chaps: Vec<_> = tag.chapters().collect();
        assert_eq!(chaps.len(), 2);
        assert_eq!((chaps[1].start_time, chaps[1].end_time), (700, 1500));
        assert_eq!(
            tag.tables_of_contents().next().unwrap().elements,
            ["ch0", "ch1"]
        );
        // rawi verify's own reader agrees.
        let read = crate::bundle::verify::id3_chapters(&bytes);
        assert_eq!(read[1], (700, 1500, "الثاني".to_owned()));
    }

    #[test]
    fn flac_picture_block_and_dimensions() {
        let cover = Cover::from_bytes(PNG.clone()).unwrap();
        assert_eq!(cover.dimensions(), (2, 1, 24));
        let mut t = tags();
        t.cover = Some(Arc::new(cover));
        let a = flac(&tone(5000), 22050, &t, &[]).unwrap();
        assert_eq!(a, flac(&tone(5000), 22050, &t, &[]).unwrap());
        let at = a.windows(9).position(|w| w == b"image/png").unwrap();
        // Block header (type 6, 41 bytes and the image's), then picture type 3 and the
        // MIME type's length.
        assert_eq!(a[at - 12] & 0x7F, 6);
        let size = (41 + PNG.len()) as u8;
        assert_eq!(&a[at - 11..at], &[0, 0, size, 0, 0, 0, 3, 0, 0, 0, 9]);
        assert!(Cover::from_bytes(b"GIF89a".to_vec()).is_none());
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 17, 8, 0, 5, 0, 7, 3, 1, 0x11, 0, 2,
            0x11, 0, 3, 0x11, 0, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 0xFF, 0xD9,
        ];
        assert_eq!(
            Cover::from_bytes(jpeg.to_vec()).unwrap().dimensions(),
            (7, 5, 24)
        );
    }

    #[test]
    fn mp3_refuses_rates_mpeg_lacks() {
        let e = mp3(&tone(100), 96_000, &tags(), &[], 64).unwrap_err();
        assert!(e.contains("96000 Hz"), "{e}");
    }

    #[test]
    fn flac_streaminfo_minimum_block_size_excludes_the_last_block() {
        // 10,000 samples: two full 4,096-sample blocks and a short last one.
        let samples: Vec<f32> = (0..10_000)
            .map(|i| ((i % 50) as f32 / 50.0) - 0.5)
            .collect();
        let bytes = flac(&samples, 22_050, &Tags::default(), &[]).unwrap();
        let min = u16::from_be_bytes([bytes[8], bytes[9]]);
        let max = u16::from_be_bytes([bytes[10], bytes[11]]);
        assert_eq!((min, max), (4096, 4096));
    }

    #[test]
    fn flac_is_deterministic_and_tagged() {
        let a = flac(&tone(5000), 22050, &tags(), &[]).unwrap();
        assert_eq!(a, flac(&tone(5000), 22050, &tags(), &[]).unwrap());
        assert_eq!(&a[..4], b"fLaC");
        assert!(a.windows(6).any(|x| x == b"TITLE="));
    }

    #[test]
    fn streamed_encoders_give_the_same_bytes_however_the_audio_is_cut() {
        // Not a whole number of FLAC blocks or MP3 frames, longer than a block.
        let samples = tone(crate::spill::BLOCK + 30_001);
        let mut t = tags();
        t.cover = Some(Arc::new(Cover::from_bytes(PNG.clone()).unwrap()));
        let ch = [Chapter {
            title: "فصل".into(),
            start_ms: 0,
            end_ms: 1000,
        }];
        // 32 kbit/s: LAME writes no Info tag and rawi adds its own frame.
        for (format, kbps) in [
            (Format::Wav, 64),
            (Format::Mp3, 64),
            (Format::Mp3, 32),
            (Format::Flac, 64),
        ] {
            let whole = encode(format, &samples, 22050, &t, &ch, kbps).unwrap();
            for size in [1000, 4096, 65_537] {
                let mut enc = Encoder::new(format, 22050, samples.len(), &t, &ch, kbps).unwrap();
                for block in samples.chunks(size) {
                    enc.push(block).unwrap();
                }
                let done = enc.finish().unwrap();
                assert_eq!(done.len(), whole.len() as u64);
                let bytes = done.to_vec().unwrap();
                assert!(bytes == whole, "{format} {kbps} kbit/s in blocks of {size}");
                assert_eq!(
                    done.sha256_hex().unwrap(),
                    crate::digest::sha256_hex(&whole)
                );
            }
        }
        // A programme of another length than announced is an error, not a bad file.
        let mut enc = Encoder::new(Format::Wav, 22050, 10, &t, &ch, 64).unwrap();
        enc.push(&samples[..5]).unwrap();
        assert!(enc.finish().is_err());
    }

    #[test]
    fn the_low_bit_rate_info_frame_is_still_there() {
        let m = mp3(&tone(30_000), 22050, &tags(), &[], 32).unwrap();
        let tag_len = 10 + crate::bundle::verify::synchsafe_value(&m[6..10]) as usize;
        assert!(has_info_tag(&m[tag_len..]), "an Info frame follows the tag");
    }
}

//! Encoding a programme as WAV, MP3 or FLAC, with its metadata tags and chapters.
//!
//! Everything here is deterministic: no clock, no random padding, so the same samples and
//! tags always give the same bytes (bundles are reproducible). Tags:
//! - WAV: a `LIST`/`INFO` chunk (title, artist, date, software);
//! - MP3: an ID3v2.3 tag written here byte by byte (UTF-16 text frames, and `CHAP`/`CTOC`
//!   frames for chapters, which podcast apps and `ffprobe -show_chapters` read). Version
//!   2.3 rather than 2.4: it is what most players know, and ffmpeg up to at least 5.1 reads
//!   the frames inside a v2.4 `CHAP` with v2.3 sizes, losing chapter titles of 128 bytes
//!   or more;
//! - FLAC: a Vorbis comment block, chapters as `CHAPTERnnn`/`CHAPTERnnnNAME`.

use std::fmt;
use std::str::FromStr;

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

/// The MP3 bit rate used for a requested one: the nearest of 32, 48, 64, 96, 128 and 160
/// kbit/s at or above it (160 at most: MPEG-2, used at 22.05 kHz, goes no higher).
pub fn mp3_kbps(requested: u32) -> u32 {
    [32, 48, 64, 96, 128, 160]
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
    match format {
        Format::Wav => Ok(wav(samples, rate, tags)),
        Format::Mp3 => mp3(samples, rate, tags, chapters, mp3_kbps),
        Format::Flac => flac(samples, rate, tags, chapters),
    }
}

/// A 16-bit WAV with a `LIST`/`INFO` chunk before the data.
pub fn wav(samples: &[f32], rate: u32, tags: &Tags) -> Vec<u8> {
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
    let data_len = samples.len() * 2;
    let mut out = Vec::with_capacity(44 + info.len() + 8 + data_len);
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
    for &s in samples {
        out.extend_from_slice(&to_i16(s).to_le_bytes());
    }
    out
}

/// A FLAC file with a Vorbis comment block.
pub fn flac(
    samples: &[f32],
    rate: u32,
    tags: &Tags,
    chapters: &[Chapter],
) -> Result<Vec<u8>, String> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;
    let ints: Vec<i32> = samples.iter().map(|&s| to_i16(s) as i32).collect();
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .map_err(|(_, e)| format!("FLAC encoder settings: {e:?}"))?;
    let source = flacenc::source::MemSource::from_samples(&ints, 1, 16, rate as usize);
    let mut stream = flacenc::encode_with_fixed_block_size(&config, source, config.block_size)
        .map_err(|e| format!("FLAC encoding failed: {e:?}"))?;
    let block =
        flacenc::component::MetadataBlockData::new_unknown(4, &vorbis_comment(tags, chapters))
            .map_err(|e| format!("FLAC tags: {e:?}"))?;
    stream.add_metadata_block(block);
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream
        .write(&mut sink)
        .map_err(|e| format!("FLAC writing failed: {e:?}"))?;
    Ok(sink.into_inner())
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
        let ts = crate::bundle::vtt::timestamp(c.start_ms);
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
    use mp3lame_encoder::{Bitrate, Builder, FlushGap, Mode, MonoPcm, Quality};
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
    let mut enc = b.build().map_err(|e| err("settings", &e))?;
    let pcm: Vec<i16> = samples.iter().map(|&s| to_i16(s)).collect();
    let mut frames = Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(pcm.len()));
    // LAME wants its output buffer sized for the input it is given: feed it in pieces.
    for chunk in pcm.chunks(1 << 16) {
        frames.reserve(mp3lame_encoder::max_required_buffer_size(chunk.len()));
        enc.encode_to_vec(MonoPcm(chunk), &mut frames)
            .map_err(|e| err("encoding", &e))?;
    }
    frames.reserve(7200);
    enc.flush_to_vec::<FlushGap>(&mut frames)
        .map_err(|e| err("flush", &e))?;
    // LAME leaves a blank first frame where the Info tag goes, and only knows its contents
    // once everything is encoded.
    let mut info = Vec::with_capacity(enc.lame_tag_size());
    if enc.lame_tag_size() > 0 {
        if let Some(n) = enc.lame_tag_encode_to_vec(&mut info) {
            let n = n.get();
            if n <= frames.len() {
                frames[..n].copy_from_slice(&info[..n]);
            }
        }
    }
    let mut out = id3v2(tags, chapters);
    // At low bit rates a frame is too small for LAME's tag and LAME writes none; decoders
    // then keep the encoder delay and padding, and the file is longer than its timeline.
    // Put the tag in a frame of its own, at a bit rate large enough to hold it.
    if !has_info_tag(&frames) {
        if let Some(tag) = info_frame(&frames, samples.len() as u64, mp3_kbps(kbps)) {
            out.extend_from_slice(&tag);
        }
    }
    out.extend_from_slice(&frames);
    Ok(out)
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
fn info_frame(frames: &[u8], samples: u64, kbps: u32) -> Option<Vec<u8>> {
    let h = first_header(frames)?;
    let (spf, side, _) = frame_geometry(h, ((h >> 12) & 15) as usize)?;
    // Count the audio frames by walking their headers.
    let mut count = 0u64;
    let mut pos = 0usize;
    while pos + 4 <= frames.len() {
        let fh = u32::from_be_bytes(frames[pos..pos + 4].try_into().ok()?);
        let (_, _, len) = frame_geometry(fh, ((fh >> 12) & 15) as usize)?;
        pos += len + ((fh >> 9) & 1) as usize;
        count += 1;
    }
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
    let total = (len + frames.len()) as u32;
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
    t.extend_from_slice(&crc16(frames, 0).to_be_bytes()); // music CRC
    let end = 4 + side + t.len();
    f[4 + side..end].copy_from_slice(&t);
    let tag_crc = crc16(&f[..end], 0);
    f[end..end + 2].copy_from_slice(&tag_crc.to_be_bytes());
    Some(f)
}

/// A 28-bit "synchsafe" integer: seven bits per byte, as the ID3v2 tag size is written.
fn synchsafe(n: usize) -> [u8; 4] {
    let n = n.min(0x0FFF_FFFF) as u32;
    [
        (n >> 21) as u8 & 0x7F,
        (n >> 14) as u8 & 0x7F,
        (n >> 7) as u8 & 0x7F,
        n as u8 & 0x7F,
    ]
}

/// One ID3v2.3 frame (its size is a plain 32-bit number in 2.3).
fn id3_frame(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(10 + body.len());
    f.extend_from_slice(id);
    f.extend_from_slice(&(body.len().min(u32::MAX as usize) as u32).to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(body);
    f
}

/// A text frame in UTF-16 with a byte-order mark (ID3v2.3 has no UTF-8).
fn id3_text(id: &[u8; 4], text: &str) -> Vec<u8> {
    let mut body = vec![1u8, 0xFF, 0xFE]; // encoding: UTF-16, little-endian BOM
    for unit in text.encode_utf16() {
        body.extend_from_slice(&unit.to_le_bytes());
    }
    id3_frame(id, &body)
}

/// The date frames of ID3v2.3 from an ISO 8601 date: `TYER` (YYYY), `TDAT` (DDMM) and
/// `TIME` (HHMM) as far as the date goes. Anything else is left out.
fn id3_date(iso: &str) -> Vec<u8> {
    let digits = |s: Option<&str>, n: usize| {
        s.filter(|s| s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned)
    };
    let mut out = Vec::new();
    let Some(year) = digits(iso.get(0..4), 4) else {
        return out;
    };
    out.extend(id3_text(b"TYER", &year));
    let (month, day) = (digits(iso.get(5..7), 2), digits(iso.get(8..10), 2));
    if let (Some(m), Some(d), Some("-")) = (month, day, iso.get(4..5)) {
        out.extend(id3_text(b"TDAT", &format!("{d}{m}")));
        if let (Some(h), Some(min)) = (digits(iso.get(11..13), 2), digits(iso.get(14..16), 2)) {
            out.extend(id3_text(b"TIME", &format!("{h}{min}")));
        }
    }
    out
}

/// An ID3v2.3 tag: text frames, then a `CTOC` table and one `CHAP` frame per chapter.
pub fn id3v2(tags: &Tags, chapters: &[Chapter]) -> Vec<u8> {
    let mut frames = Vec::new();
    frames.extend(id3_text(b"TIT2", &tags.title));
    if let Some(a) = &tags.artist {
        frames.extend(id3_text(b"TPE1", a));
    }
    if let Some(a) = &tags.album {
        frames.extend(id3_text(b"TALB", a));
    }
    if let Some(d) = &tags.date {
        frames.extend(id3_date(d));
    }
    frames.extend(id3_text(b"TLAN", "ara"));
    frames.extend(id3_text(b"TSSE", &tags.software));
    if !chapters.is_empty() {
        // CTOC holds at most 255 entries; chapters beyond stay as CHAP frames.
        let mut toc = b"toc\0".to_vec();
        toc.push(0x03); // top-level, ordered
        toc.push(chapters.len().min(255) as u8);
        for i in 0..chapters.len().min(255) {
            toc.extend_from_slice(format!("ch{i}\0").as_bytes());
        }
        frames.extend(id3_frame(b"CTOC", &toc));
        for (i, c) in chapters.iter().enumerate() {
            let mut body = format!("ch{i}\0").into_bytes();
            body.extend_from_slice(&(c.start_ms.min(u32::MAX as u64) as u32).to_be_bytes());
            body.extend_from_slice(&(c.end_ms.min(u32::MAX as u64) as u32).to_be_bytes());
            body.extend_from_slice(&[0xFF; 8]); // byte offsets unused
            body.extend(id3_text(b"TIT2", &c.title));
            frames.extend(id3_frame(b"CHAP", &body));
        }
    }
    let mut out = b"ID3\x03\x00\x00".to_vec();
    out.extend_from_slice(&synchsafe(frames.len()));
    out.extend(frames);
    out
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
            let (rate, n) = crate::bundle::verify::audio_length("a.mp3", &m).unwrap();
            assert_eq!((rate, n), (22050, 30_000), "{kbps} kbit/s");
        }
    }

    #[test]
    fn id3_dates() {
        let d = id3_date("2024-06-02T09:30:00+03:00");
        for (frame, value) in [(&b"TYER"[..], "2024"), (b"TDAT", "0206"), (b"TIME", "0930")] {
            let at = d.windows(4).position(|w| w == frame).unwrap();
            let body = &d[at + 10 + 3..at + 10 + 3 + value.len() * 2];
            let text: Vec<u16> = body
                .chunks(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            assert_eq!(String::from_utf16(&text).unwrap(), value);
        }
        assert!(id3_date("yesterday").is_empty());
        assert_eq!(id3_date("2024").len(), 10 + 3 + 8);
    }

    #[test]
    fn mp3_refuses_rates_mpeg_lacks() {
        let e = mp3(&tone(100), 96_000, &tags(), &[], 64).unwrap_err();
        assert!(e.contains("96000 Hz"), "{e}");
    }

    #[test]
    fn flac_is_deterministic_and_tagged() {
        let a = flac(&tone(5000), 22050, &tags(), &[]).unwrap();
        assert_eq!(a, flac(&tone(5000), 22050, &tags(), &[]).unwrap());
        assert_eq!(&a[..4], b"fLaC");
        assert!(a.windows(6).any(|x| x == b"TITLE="));
    }
}

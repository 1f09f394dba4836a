//! Decoding what speech engines answer: WAV, MP3, FLAC, Ogg/Vorbis through `symphonia`
//! (a maintained pure-Rust demuxer and decoder set), and raw 16-bit PCM, which has no
//! header to probe. Every engine's bytes become a [`Clip`] here, and `rawi verify` reads
//! MP3 and FLAC lengths through the same decoder.
//!
//! Opus is not offered: symphonia has no Opus decoder yet, and no maintained pure-Rust
//! one exists (the maintained crates bind libopus, a C library).

use std::io::Cursor;

use serde::{Deserialize, Serialize};
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use crate::clip::Clip;
use crate::limits;

/// What an engine answers with (`output_format` in a voice file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AudioFormat {
    /// A RIFF/WAVE file (any PCM or float layout, streaming headers too).
    #[default]
    Wav,
    /// MPEG-1/2 Layer III.
    Mp3,
    /// FLAC.
    Flac,
    /// Ogg/Vorbis.
    Ogg,
    /// Raw signed 16-bit little-endian mono PCM, at the voice's `pcm_sample_rate`.
    PcmS16le,
}

impl AudioFormat {
    /// The name used in voice files and in requests (`response_format`).
    pub fn as_str(self) -> &'static str {
        match self {
            AudioFormat::Wav => "wav",
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Flac => "flac",
            AudioFormat::Ogg => "ogg",
            AudioFormat::PcmS16le => "pcm_s16le",
        }
    }

    /// The MIME type asked for in an HTTP `Accept` header.
    pub fn mime(self) -> &'static str {
        match self {
            AudioFormat::Wav => "audio/wav",
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Flac => "audio/flac",
            AudioFormat::Ogg => "audio/ogg",
            AudioFormat::PcmS16le => "audio/L16",
        }
    }
}

/// Decodes an engine's answer to a mono clip. `pcm_rate` is the sample rate of raw PCM
/// (ignored for the other formats, which carry their own). Errors read after the
/// program's or server's name: "printed no audio …".
pub fn decode(bytes: &[u8], format: AudioFormat, pcm_rate: u32) -> Result<Clip, String> {
    decode_owned(bytes.to_vec(), format, pcm_rate)
}

/// [`decode`] of bytes it may keep: a voice's answer is decoded without another copy of
/// it (the copies made a 128 MiB answer cost several times that). An answer longer than
/// [`limits::MAX_VOICE_CLIP_S`] is refused as soon as the decoder gets there.
pub fn decode_owned(bytes: Vec<u8>, format: AudioFormat, pcm_rate: u32) -> Result<Clip, String> {
    if bytes.is_empty() {
        return Err(format!("printed no {} (no output at all)", label(format)));
    }
    let most = |rate: u32| (limits::MAX_VOICE_CLIP_S * f64::from(rate)) as u64;
    match format {
        AudioFormat::PcmS16le => {
            if pcm_rate == 0 {
                return Err("raw PCM needs a sample rate".into());
            }
            if (bytes.len() / 2) as u64 > most(pcm_rate) {
                return Err(too_long("PCM", most(pcm_rate), pcm_rate));
            }
            let samples: Vec<f32> = bytes
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
                .collect();
            Ok(Clip {
                samples,
                rate: pcm_rate,
            })
        }
        AudioFormat::Wav => {
            if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
                return Err(format!(
                    "printed {} bytes that are not a WAV file",
                    bytes.len()
                ));
            }
            decode_container(fix_streaming_wav(bytes), format, &most)
        }
        AudioFormat::Flac => {
            let fixed = match fix_flac_block_sizes(&bytes) {
                std::borrow::Cow::Owned(v) => Some(v),
                std::borrow::Cow::Borrowed(_) => None,
            };
            decode_container(fixed.unwrap_or(bytes), format, &most)
        }
        _ => decode_container(bytes, format, &most),
    }
}

/// The error for audio longer than `most` samples at `rate`.
fn too_long(name: &str, most: u64, rate: u32) -> String {
    format!(
        "printed {name} longer than {:.0} minutes",
        most as f64 / f64::from(rate.max(1)) / 60.0
    )
}

/// Some encoders (flacenc, which rawi itself uses) put the last block's size in
/// STREAMINFO's "minimum block size", which the FLAC format says excludes the last block;
/// symphonia then takes the stream for a variable-block-size one and gives up. When the
/// first frame says the stream is fixed-block-size, the copy returned has the minimum set
/// to the maximum, as it should be.
fn fix_flac_block_sizes(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if bytes.len() < 42 || &bytes[..4] != b"fLaC" || bytes[4] & 0x7F != 0 {
        return bytes.into();
    }
    if bytes[8..10] == bytes[10..12] {
        return bytes.into();
    }
    // Walk the metadata blocks to the first frame.
    let mut pos = 4;
    loop {
        let Some(head) = bytes.get(pos..pos + 4) else {
            return bytes.into();
        };
        let len = u32::from_be_bytes([0, head[1], head[2], head[3]]) as usize;
        pos += 4 + len;
        if head[0] & 0x80 != 0 {
            break;
        }
    }
    // A frame starts with the sync code 0xFFF8 (fixed block size) or 0xFFF9 (variable).
    if bytes.get(pos..pos + 2) != Some(&[0xFF, 0xF8][..]) {
        return bytes.into();
    }
    let mut fixed = bytes.to_vec();
    fixed.copy_within(10..12, 8);
    fixed.into()
}

/// A name for error messages.
fn label(format: AudioFormat) -> &'static str {
    match format {
        AudioFormat::Wav => "WAV",
        AudioFormat::Mp3 => "MP3",
        AudioFormat::Flac => "FLAC",
        AudioFormat::Ogg => "Ogg",
        AudioFormat::PcmS16le => "PCM",
    }
}

/// A program writing a WAV to a pipe cannot seek back to fill in the sizes, and leaves 0
/// or 0xFFFFFFFF there; such a stream runs to its end. Returns the bytes with the RIFF
/// and data sizes set to what is really there, so that a strict reader accepts them.
fn fix_streaming_wav(mut out: Vec<u8>) -> Vec<u8> {
    let total = u32::try_from(out.len().saturating_sub(8)).unwrap_or(u32::MAX);
    out[4..8].copy_from_slice(&total.to_le_bytes());
    let mut pos = 12;
    while pos + 8 <= out.len() {
        let size =
            u32::from_le_bytes([out[pos + 4], out[pos + 5], out[pos + 6], out[pos + 7]]) as usize;
        let body = pos + 8;
        if &out[pos..pos + 4] == b"data" {
            if size == 0 || body.saturating_add(size) > out.len() {
                let real = u32::try_from(out.len() - body).unwrap_or(u32::MAX);
                out[pos + 4..pos + 8].copy_from_slice(&real.to_le_bytes());
            }
            break;
        }
        pos = body.saturating_add(size + (size & 1));
    }
    out
}

/// Decodes a container through symphonia, mixed down to mono.
/// `most` gives the most samples accepted at a sample rate.
fn decode_container(
    bytes: Vec<u8>,
    format: AudioFormat,
    most: &dyn Fn(u32) -> u64,
) -> Result<Clip, String> {
    let name = label(format);
    let mut mono: Vec<f32> = Vec::new();
    let rate = stream_container(bytes, format, |block, rate| {
        mono.extend_from_slice(block);
        if mono.len() as u64 > most(rate) {
            return Err(too_long(name, most(rate), rate));
        }
        Ok(())
    })?;
    Ok(Clip {
        samples: mono,
        rate,
    })
}

/// Decodes a container through symphonia and hands each packet's samples, mixed down to
/// mono, with the sample rate, to `sink`, so that a caller who only counts them holds one
/// packet at a time (`rawi verify` of a six-hour edition). Returns the sample rate.
fn stream_container(
    bytes: Vec<u8>,
    format: AudioFormat,
    mut sink: impl FnMut(&[f32], u32) -> Result<(), String>,
) -> Result<u32, String> {
    let name = label(format);
    let size = bytes.len();
    let mss = MediaSourceStream::new(Box::new(Cursor::new(bytes)), Default::default());
    let mut hint = Hint::new();
    hint.with_extension(format.as_str());
    let mut reader = symphonia::default::get_probe()
        .probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| format!("printed {size} bytes that are not {name} audio ({e})"))?;
    let track = reader
        .default_track(TrackType::Audio)
        .ok_or_else(|| format!("printed {name} with no audio track"))?;
    let track_id = track.id;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| format!("printed {name} whose codec is unknown"))?
        .clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| format!("printed {name} that cannot be decoded here ({e})"))?;
    let mut rate = params.sample_rate.unwrap_or(0);
    let mut frame: Vec<f32> = Vec::new();
    let mut mono: Vec<f32> = Vec::new();
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            // A stream cut short ends the audio; what came before is kept.
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(format!("printed {name} that cannot be read ({e})")),
        };
        if packet.track_id != track_id {
            continue;
        }
        let buf = match decoder.decode(&packet) {
            Ok(b) => b,
            // One damaged packet is skipped, as players do.
            Err(SymError::DecodeError(_)) => continue,
            Err(e) => return Err(format!("printed {name} that cannot be decoded ({e})")),
        };
        let channels = buf.spec().channels().count().max(1);
        rate = buf.spec().rate();
        frame.clear();
        buf.copy_to_vec_interleaved(&mut frame);
        mono.clear();
        mono.extend(
            frame
                .chunks_exact(channels)
                .map(|f| f.iter().sum::<f32>() / channels as f32)
                .map(|s| {
                    if s.is_finite() {
                        s.clamp(-1.0, 1.0)
                    } else {
                        0.0
                    }
                }),
        );
        sink(&mono, rate)?;
    }
    if rate == 0 {
        return Err(format!("printed {name} with a zero sample rate"));
    }
    Ok(rate)
}

/// Sample rate and length in samples of an encoded MP3 or FLAC file, by decoding all of
/// it (encoder delay and padding taken off, as players do). The samples are counted, not
/// kept, so an edition of any length is measured in the memory of one packet.
pub fn length(bytes: Vec<u8>, format: AudioFormat) -> Result<(u32, u64), String> {
    if bytes.is_empty() {
        return Err("is empty".into());
    }
    let bytes = match format {
        AudioFormat::Flac => match fix_flac_block_sizes(&bytes) {
            std::borrow::Cow::Owned(fixed) => fixed,
            std::borrow::Cow::Borrowed(_) => bytes,
        },
        _ => bytes,
    };
    let mut count = 0u64;
    let rate = stream_container(bytes, format, |block, _| {
        count += block.len() as u64;
        Ok(())
    })
    .map_err(|e| e.trim_start_matches("printed ").to_owned())?;
    if count == 0 {
        return Err("holds no audio".into());
    }
    Ok((rate, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(n: usize) -> Vec<f32> {
        (0..n).map(|i| 0.4 * (i as f32 * 0.07).sin()).collect()
    }

    #[test]
    fn raw_pcm() {
        let bytes: Vec<u8> = [0i16, 16384, -32768]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let c = decode(&bytes, AudioFormat::PcmS16le, 24_000).unwrap();
        assert_eq!(c.rate, 24_000);
        assert_eq!(c.samples, vec![0.0, 0.5, -1.0]);
        assert!(decode(&bytes, AudioFormat::PcmS16le, 0).is_err());
    }

    #[test]
    fn flac_and_mp3_from_rawi_encoders() {
        let samples = tone(22_050);
        let f = crate::encode::flac(&samples, 22_050, &Default::default(), &[]).unwrap();
        let c = decode(&f, AudioFormat::Flac, 0).unwrap();
        assert_eq!((c.rate, c.samples.len()), (22_050, 22_050));
        assert!(c
            .samples
            .iter()
            .zip(&samples)
            .all(|(a, b)| (a - b).abs() < 1e-3));
        let m = crate::encode::mp3(&samples, 22_050, &Default::default(), &[], 64).unwrap();
        let c = decode(&m, AudioFormat::Mp3, 0).unwrap();
        assert_eq!(c.rate, 22_050);
        // LAME's delay and padding are taken off: the length is within a frame.
        assert!(
            c.samples.len().abs_diff(22_050) <= 576,
            "{}",
            c.samples.len()
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for format in [
            AudioFormat::Wav,
            AudioFormat::Mp3,
            AudioFormat::Flac,
            AudioFormat::Ogg,
        ] {
            assert!(decode(b"", format, 0).unwrap_err().contains("no output"));
            assert!(decode(b"hello world, not audio at all", format, 0).is_err());
            assert!(decode(b"RIFF\0\0\0\0WAVEjunk", format, 0).is_err());
        }
    }
}

//! Audio: clips from voices, resampling, joining clips with pauses into one programme,
//! and WAV in and out.

use crate::segment::Boundary;
use crate::voice::Pauses;

/// Mono audio at one sample rate, samples in [-1, 1].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clip {
    /// The samples.
    pub samples: Vec<f32>,
    /// Samples per second.
    pub rate: u32,
}

impl Clip {
    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        if self.rate == 0 {
            return 0.0;
        }
        self.samples.len() as f64 / self.rate as f64
    }
}

/// Reads a WAV file leniently: PCM 8/16/24/32-bit or 32/64-bit float, any channel count
/// (mixed down to mono), and the "streaming" headers that programs writing to a pipe
/// leave with a size of 0 or 0xFFFFFFFF.
pub fn decode_wav(bytes: &[u8]) -> Result<Clip, String> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(if bytes.is_empty() {
            "printed no WAV (no output at all)".into()
        } else {
            format!("printed {} bytes that are not a WAV file", bytes.len())
        });
    }
    let mut pos = 12;
    let mut fmt: Option<(u16, u16, u32, u16)> = None;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let size = u32::from_le_bytes([
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ]) as usize;
        let body = pos + 8;
        if id == b"fmt " {
            if size < 16 || body + 16 > bytes.len() {
                return Err("WAV has a truncated format chunk".into());
            }
            let b = &bytes[body..];
            let mut tag = u16::from_le_bytes([b[0], b[1]]);
            let channels = u16::from_le_bytes([b[2], b[3]]);
            let rate = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
            let bits = u16::from_le_bytes([b[14], b[15]]);
            if tag == 0xFFFE && size >= 40 && body + 26 <= bytes.len() {
                tag = u16::from_le_bytes([b[24], b[25]]);
            }
            fmt = Some((tag, channels, rate, bits));
        } else if id == b"data" {
            let (tag, channels, rate, bits) =
                fmt.ok_or("WAV data comes before its format chunk")?;
            // A size of 0 or one past the end means the writer could not seek back to fill
            // it in: the data runs to the end of the stream.
            let end = if size == 0 || body.saturating_add(size) > bytes.len() {
                bytes.len()
            } else {
                body + size
            };
            return decode_samples(&bytes[body..end], tag, channels, rate, bits);
        }
        pos = body.saturating_add(size + (size & 1));
    }
    Err("WAV has no data chunk".into())
}

fn decode_samples(
    data: &[u8],
    tag: u16,
    channels: u16,
    rate: u32,
    bits: u16,
) -> Result<Clip, String> {
    if channels == 0 || rate == 0 {
        return Err("WAV format chunk has zero channels or a zero sample rate".into());
    }
    // Speech is mono or stereo; thousands of channels is damage (or an attack on the
    // mix-down), not a voice.
    if channels > 2 {
        return Err(format!(
            "WAV has {channels} channels; a voice must give mono or stereo"
        ));
    }
    let width = (bits as usize).div_ceil(8);
    let read: fn(&[u8]) -> f32 = match (tag, bits) {
        (1, 8) => |b| (b[0] as f32 - 128.0) / 128.0,
        (1, 16) => |b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0,
        (1, 24) => |b| (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0,
        (1, 32) => |b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 / 2_147_483_648.0,
        (3, 32) => |b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        (3, 64) => |b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32,
        _ => {
            return Err(format!(
                "WAV sample format {tag} with {bits} bits is not supported"
            ))
        }
    };
    let frame = width * channels as usize;
    let samples = data
        .chunks_exact(frame)
        .map(|f| f.chunks_exact(width).map(read).sum::<f32>() / channels as f32)
        .map(|s| {
            if s.is_finite() {
                s.clamp(-1.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    Ok(Clip { samples, rate })
}

/// Encodes mono samples as a 16-bit PCM WAV file.
pub fn encode_wav(samples: &[f32], rate: u32) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut cursor = std::io::Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
    {
        // Writing to memory cannot fail for I/O reasons; hound only fails past 4 GiB.
        let mut w = hound::WavWriter::new(&mut cursor, spec).expect("WAV header to memory");
        let mut w16 = w.get_i16_writer(samples.len() as u32);
        for &s in samples {
            w16.write_sample(to_i16(s));
        }
        w16.flush().expect("WAV samples to memory");
        w.finalize().expect("WAV finalize to memory");
    }
    cursor.into_inner()
}

/// Converts a sample to 16 bits with rounding and clipping.
pub fn to_i16(s: f32) -> i16 {
    (s.clamp(-1.0, 1.0) * 32767.0).round() as i16
}

/// Resamples with a windowed-sinc low-pass interpolator (Blackman window, 16 zero
/// crossings each side), which keeps speech clean both up and down.
pub fn resample(clip: &Clip, rate: u32) -> Clip {
    if clip.rate == rate || clip.samples.is_empty() || clip.rate == 0 {
        return Clip {
            samples: clip.samples.clone(),
            rate,
        };
    }
    let ratio = rate as f64 / clip.rate as f64;
    let cutoff = ratio.min(1.0) * 0.97;
    const ZEROS: f64 = 16.0;
    let half = (ZEROS / cutoff).ceil() as i64;
    let n_out = ((clip.samples.len() as f64) * ratio).round() as usize;
    let src = &clip.samples;
    let mut out = Vec::with_capacity(n_out);
    for i in 0..n_out {
        let t = i as f64 / ratio;
        let center = t.floor() as i64;
        let mut acc = 0.0f64;
        let mut norm = 0.0f64;
        for k in (center - half + 1)..=(center + half) {
            let x = t - k as f64;
            let w = window(x / (half as f64)) * sinc(x * cutoff) * cutoff;
            norm += w;
            if k >= 0 && (k as usize) < src.len() {
                acc += w * src[k as usize] as f64;
            }
        }
        // Dividing by the weights' sum keeps a constant signal exactly constant.
        out.push(if norm.abs() > 1e-9 {
            (acc / norm) as f32
        } else {
            0.0
        });
    }
    Clip { samples: out, rate }
}

fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-9 {
        1.0
    } else {
        let px = std::f64::consts::PI * x;
        px.sin() / px
    }
}

/// Blackman window on [-1, 1].
fn window(x: f64) -> f64 {
    if x.abs() >= 1.0 {
        return 0.0;
    }
    let p = std::f64::consts::PI * (x + 1.0);
    0.42 - 0.5 * p.cos() + 0.08 * (2.0 * p).cos()
}

/// Level below which a clip's edges count as silence (about −50 dBFS).
const SILENCE: f32 = 0.003;

/// Removes silence at both ends of a clip, keeping `keep_ms` of it, so that the pauses
/// between sentences are the voice's pauses and not whatever the engine adds.
pub fn trim_silence(clip: &mut Clip, keep_ms: u32) {
    let keep = (clip.rate as u64 * keep_ms as u64 / 1000) as usize;
    let first = clip.samples.iter().position(|s| s.abs() > SILENCE);
    let Some(first) = first else {
        return;
    };
    let last = clip
        .samples
        .iter()
        .rposition(|s| s.abs() > SILENCE)
        .unwrap_or(first);
    let start = first.saturating_sub(keep);
    let end = (last + 1 + keep).min(clip.samples.len());
    clip.samples.truncate(end);
    clip.samples.drain(..start);
}

/// Where one sentence stands in a programme, in samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    /// First sample of the sentence.
    pub start: usize,
    /// One past its last sample.
    pub end: usize,
}

/// The whole edition's audio with a timeline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Programme {
    /// Mono samples.
    pub samples: Vec<f32>,
    /// Samples per second.
    pub rate: u32,
    /// One cue per sentence, in order.
    pub cues: Vec<Cue>,
}

impl Programme {
    /// Joins clips (already at `rate`) with the pause each boundary asks for.
    pub fn assemble(clips: &[(Clip, Boundary)], rate: u32, pauses: &Pauses) -> Programme {
        let ms = |m: u32| (rate as u64 * m as u64 / 1000) as usize;
        let total: usize = clips
            .iter()
            .map(|(c, _)| c.samples.len() + ms(pauses.paragraph_ms))
            .sum::<usize>()
            + ms(pauses.lead_ms)
            + ms(pauses.tail_ms);
        let mut samples = Vec::with_capacity(total);
        samples.resize(ms(pauses.lead_ms), 0.0);
        let mut cues = Vec::with_capacity(clips.len());
        for (i, (clip, boundary)) in clips.iter().enumerate() {
            let start = samples.len();
            samples.extend_from_slice(&clip.samples);
            cues.push(Cue {
                start,
                end: samples.len(),
            });
            let gap = if i + 1 == clips.len() {
                pauses.tail_ms
            } else {
                match boundary {
                    Boundary::Clause => pauses.clause_ms,
                    Boundary::Sentence => pauses.sentence_ms,
                    Boundary::Paragraph => pauses.paragraph_ms,
                    Boundary::Heading => pauses.heading_ms,
                }
            };
            samples.resize(samples.len() + ms(gap), 0.0);
        }
        Programme {
            samples,
            rate,
            cues,
        }
    }

    /// Converts a sample position to whole milliseconds.
    pub fn ms(&self, sample: usize) -> u64 {
        (sample as u64 * 1000) / self.rate.max(1) as u64
    }

    /// Length in whole milliseconds.
    pub fn duration_ms(&self) -> u64 {
        self.ms(self.samples.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, secs: f32, hz: f32) -> Clip {
        let n = (rate as f32 * secs) as usize;
        Clip {
            samples: (0..n)
                .map(|i| 0.5 * (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin())
                .collect(),
            rate,
        }
    }

    #[test]
    fn wav_round_trip() {
        let c = tone(22050, 0.1, 440.0);
        let bytes = encode_wav(&c.samples, c.rate);
        let back = decode_wav(&bytes).unwrap();
        assert_eq!(back.rate, 22050);
        assert_eq!(back.samples.len(), c.samples.len());
        assert!(back
            .samples
            .iter()
            .zip(&c.samples)
            .all(|(a, b)| (a - b).abs() < 1e-3));
    }

    #[test]
    fn streaming_header_reads_to_end() {
        let c = tone(16000, 0.05, 300.0);
        let mut bytes = encode_wav(&c.samples, c.rate);
        bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode_wav(&bytes).unwrap().samples.len(), c.samples.len());
    }

    #[test]
    fn garbage_is_not_a_wav() {
        assert!(decode_wav(b"").unwrap_err().contains("no output"));
        assert!(decode_wav(b"hello world, not audio")
            .unwrap_err()
            .contains("not a WAV"));
        assert!(decode_wav(b"RIFF\0\0\0\0WAVEjunk").is_err());
    }

    #[test]
    fn resampling_keeps_length_and_tone() {
        let c = tone(16000, 0.5, 440.0);
        let r = resample(&c, 22050);
        assert_eq!(r.samples.len(), 11025);
        // Zero crossings per second stay about 2 × 440.
        let crossings = r
            .samples
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
            .count();
        assert!((210..=230).contains(&crossings), "{crossings}");
        let peak = r.samples[1000..10000]
            .iter()
            .fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((0.45..0.55).contains(&peak), "{peak}");
    }

    #[test]
    fn trim_keeps_margin() {
        let mut c = Clip {
            samples: vec![0.0; 1000],
            rate: 1000,
        };
        c.samples.extend(vec![0.5; 100]);
        c.samples.extend(vec![0.0; 1000]);
        trim_silence(&mut c, 10);
        assert_eq!(c.samples.len(), 120);
    }

    #[test]
    fn programme_timeline() {
        let p = Pauses {
            clause_ms: 100,
            sentence_ms: 200,
            paragraph_ms: 300,
            heading_ms: 400,
            lead_ms: 50,
            tail_ms: 500,
        };
        let clip = Clip {
            samples: vec![0.1; 1000],
            rate: 1000,
        };
        let prog = Programme::assemble(
            &[
                (clip.clone(), Boundary::Heading),
                (clip.clone(), Boundary::Sentence),
                (clip, Boundary::Paragraph),
            ],
            1000,
            &p,
        );
        assert_eq!(
            prog.cues,
            vec![
                Cue {
                    start: 50,
                    end: 1050
                },
                Cue {
                    start: 1450,
                    end: 2450
                },
                Cue {
                    start: 2650,
                    end: 3650
                }
            ]
        );
        assert_eq!(prog.duration_ms(), 4150);
    }
}

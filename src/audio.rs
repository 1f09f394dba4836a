//! Audio: clips from voices, resampling, joining clips with pauses into one programme,
//! and WAV in and out.

pub use crate::clip::Clip;
use crate::segment::Boundary;
use crate::spill::{Samples, Signal, BLOCK};
use crate::voice::Pauses;

/// Reads a WAV file leniently: PCM 8/16/24/32-bit or 32/64-bit float, any channel count
/// (mixed down to mono), and the "streaming" headers that programs writing to a pipe
/// leave with a size of 0 or 0xFFFFFFFF. The decoding is [`crate::decode`]'s.
pub fn decode_wav(bytes: &[u8]) -> Result<Clip, String> {
    // Speech is mono or stereo; thousands of channels is damage (or an attack on the
    // mix-down), not a voice.
    if let Some(channels) = wav_channels(bytes) {
        if channels > 2 {
            return Err(format!(
                "WAV has {channels} channels; a voice must give mono or stereo"
            ));
        }
    }
    crate::decode::decode(bytes, crate::decode::AudioFormat::Wav, 0)
}

/// The channel count in a WAV's format chunk, if it has one.
fn wav_channels(bytes: &[u8]) -> Option<u16> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return None;
    }
    let mut pos = 12usize;
    while pos + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().ok()?) as usize;
        if &bytes[pos..pos + 4] == b"fmt " {
            let b = bytes.get(pos + 10..pos + 12)?;
            return Some(u16::from_le_bytes([b[0], b[1]]));
        }
        pos = pos.checked_add(8)?.checked_add(size + (size & 1))?;
    }
    None
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

/// Resamples through `rubato`'s band-limited sinc resampler (256 taps, Blackman-Harris
/// window, cutoff chosen by rubato to keep aliasing under the window's sidelobes), run
/// over the whole clip with its start-up delay taken off. (rubato's FFT resampler is as
/// good and faster, but its FFT library doubles the binary's size for a step that only
/// runs when a voice answers at another rate.) The length is the input's times the
/// ratio, rounded, so that timelines stay exact.
pub fn resample(clip: &Clip, rate: u32) -> Clip {
    if clip.rate == rate || clip.samples.is_empty() || clip.rate == 0 || rate == 0 {
        return Clip {
            samples: clip.samples.clone(),
            rate,
        };
    }
    let n_out = ((clip.samples.len() as f64) * rate as f64 / clip.rate as f64).round() as usize;
    let mut samples = RESAMPLERS.with(|cell| {
        let mut map = cell.borrow_mut();
        let r = match map.entry((clip.rate, rate)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            // Building one costs its filter tables: one per pair of rates and thread is
            // reused.
            std::collections::hash_map::Entry::Vacant(e) => {
                match rubato::Async::<f32>::new_sinc(
                    rate as f64 / clip.rate as f64,
                    1.0,
                    &rubato::SincInterpolationParameters::default(),
                    1024,
                    1,
                    rubato::FixedAsync::Input,
                ) {
                    Ok(r) => e.insert(r),
                    // rubato refuses only zero rates and absurd ratios, excluded above
                    // (voice rates are 8 to 192 kHz).
                    Err(_) => return Vec::new(),
                }
            }
        };
        let Ok(input) = rubato::audioadapter_buffers::direct::InterleavedSlice::new(
            &clip.samples[..],
            1,
            clip.samples.len(),
        ) else {
            return Vec::new();
        };
        use rubato::Resampler;
        match r.process_all(&input, clip.samples.len(), None) {
            Ok(out) => out.take_data(),
            Err(_) => Vec::new(),
        }
    });
    samples.resize(n_out, 0.0);
    Clip { samples, rate }
}

thread_local! {
    /// Resamplers by (input rate, output rate), for this thread.
    static RESAMPLERS: std::cell::RefCell<std::collections::HashMap<(u32, u32), rubato::Async<f32>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
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
    /// Joins clips (already at `rate`) with the pause each boundary asks for. The clips
    /// are taken, and each is freed once it is in the programme, whose buffer is
    /// allocated once at its exact length: clips and programme are not both held whole.
    pub fn assemble(clips: Vec<(Clip, Boundary)>, rate: u32, pauses: &Pauses) -> Programme {
        let ms = |m: u32| (rate as u64 * m as u64 / 1000) as usize;
        let n = clips.len();
        let gap = |i: usize, boundary: Boundary| ms(pauses.after(boundary, i + 1 == n));
        let total: usize = clips
            .iter()
            .enumerate()
            .map(|(i, (c, b))| c.samples.len() + gap(i, *b))
            .sum::<usize>()
            + ms(pauses.lead_ms);
        let mut samples = Vec::with_capacity(total);
        samples.resize(ms(pauses.lead_ms), 0.0);
        let mut cues = Vec::with_capacity(n);
        for (i, (clip, boundary)) in clips.into_iter().enumerate() {
            let start = samples.len();
            samples.extend_from_slice(&clip.samples);
            drop(clip);
            cues.push(Cue {
                start,
                end: samples.len(),
            });
            samples.resize(samples.len() + gap(i, boundary), 0.0);
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

/// One piece of a speech programme as it is laid out: silence, or a clip kept in a
/// [`Samples`] file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// This many samples of silence.
    Silence(usize),
    /// `len` samples of the clip file from `at`.
    Clip { at: usize, len: usize },
}

/// Where each clip and pause of a speech programme goes: the same timeline as
/// [`Programme::assemble`] makes, without the samples, which stay in the clips' file
/// until the programme is read ([`Speech`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    pieces: Vec<Piece>,
    /// One cue per sentence, in order.
    pub cues: Vec<Cue>,
    /// The programme's length in samples.
    pub len: usize,
}

impl Layout {
    /// Lays out clips (`(first sample in the clips' file, length, boundary)`, in the
    /// programme's order, already at `rate`) with the pause each boundary asks for.
    pub fn new(clips: &[(usize, usize, Boundary)], rate: u32, pauses: &Pauses) -> Layout {
        let ms = |m: u32| (rate as u64 * m as u64 / 1000) as usize;
        let n = clips.len();
        let mut pieces = Vec::with_capacity(2 * n + 1);
        let mut cues = Vec::with_capacity(n);
        let mut len = ms(pauses.lead_ms);
        pieces.push(Piece::Silence(len));
        for (i, &(at, clip_len, boundary)) in clips.iter().enumerate() {
            pieces.push(Piece::Clip { at, len: clip_len });
            cues.push(Cue {
                start: len,
                end: len + clip_len,
            });
            let gap = ms(pauses.after(boundary, i + 1 == n));
            pieces.push(Piece::Silence(gap));
            len += clip_len + gap;
        }
        Layout { pieces, cues, len }
    }
}

/// A speech programme read from its clips' file as it is laid out: the programme
/// [`Programme::assemble`] would hold, made block by block.
#[derive(Debug, Clone, Copy)]
pub struct Speech<'a> {
    /// The clips' file.
    pub clips: &'a Samples,
    /// Where each clip and pause goes.
    pub layout: &'a Layout,
}

impl Signal for Speech<'_> {
    fn len(&self) -> usize {
        self.layout.len
    }

    fn each_block(&self, f: &mut dyn FnMut(&[f32]) -> Result<(), String>) -> Result<(), String> {
        let mut block: Vec<f32> = Vec::with_capacity(BLOCK.min(self.layout.len));
        let mut scratch = Vec::new();
        for &piece in &self.layout.pieces {
            let (mut at, mut left) = match piece {
                Piece::Silence(n) => (None, n),
                Piece::Clip { at, len } => (Some(at), len),
            };
            while left > 0 {
                let take = left.min(BLOCK - block.len());
                let from = block.len();
                block.resize(from + take, 0.0);
                if let Some(a) = &mut at {
                    self.clips
                        .read(*a, &mut block[from..], &mut scratch)
                        .map_err(|e| {
                            format!("cannot read a clip back from its temporary file: {e}")
                        })?;
                    *a += take;
                }
                left -= take;
                if block.len() == BLOCK {
                    f(&block)?;
                    block.clear();
                }
            }
        }
        if !block.is_empty() {
            f(&block)?;
        }
        Ok(())
    }
}

/// The whole edition's audio with its timeline, kept in a temporary file (see
/// [`crate::spill`]): its memory does not grow with its length.
#[derive(Debug)]
pub struct Track {
    /// Mono samples.
    pub samples: Samples,
    /// Samples per second.
    pub rate: u32,
    /// One cue per sentence, in order.
    pub cues: Vec<Cue>,
}

impl Track {
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

    /// Level of `hz` in `x` (dB re full-scale sine), by Goertzel's algorithm over the middle
    /// of the clip with a Blackman-Harris window (sidelobes below −90 dB, so a strong tone
    /// far away does not leak into the bin measured).
    fn level_db(x: &[f32], rate: u32, hz: f64) -> f64 {
        let x = &x[x.len() / 4..x.len() * 3 / 4];
        let n = x.len() as f64;
        let w = |i: usize| {
            let p = 2.0 * std::f64::consts::PI * i as f64 / (n - 1.0);
            0.35875 - 0.48829 * p.cos() + 0.14128 * (2.0 * p).cos() - 0.01168 * (3.0 * p).cos()
        };
        let k = 2.0 * (2.0 * std::f64::consts::PI * hz / rate as f64).cos();
        let (mut s1, mut s2) = (0.0f64, 0.0f64);
        let mut wsum = 0.0;
        for (i, &v) in x.iter().enumerate() {
            let s0 = v as f64 * w(i) + k * s1 - s2;
            s2 = s1;
            s1 = s0;
            wsum += w(i);
        }
        let power = s1 * s1 + s2 * s2 - k * s1 * s2;
        20.0 * (2.0 * power.max(1e-30).sqrt() / wsum).log10()
    }

    #[test]
    fn resampling_keeps_the_passband_and_rejects_aliases_and_images() {
        // One second at half scale, the phase computed in f64 so that rounding does not
        // add a noise floor of its own.
        let pure = |rate: u32, hz: f64| Clip {
            samples: (0..rate)
                .map(|i| {
                    (0.5 * (2.0 * std::f64::consts::PI * hz * i as f64 / rate as f64).sin()) as f32
                })
                .collect(),
            rate,
        };
        // (from, to): the speech rates rawi meets, up and down.
        for (from, to) in [
            (16_000, 22_050),
            (22_050, 48_000),
            (24_000, 22_050),
            (48_000, 22_050),
            (44_100, 16_000),
        ] {
            let nyq = from.min(to) as f64 / 2.0;
            // Passband: tones up to 80 % of the lower Nyquist keep their level.
            for frac in [0.02, 0.1, 0.3, 0.6, 0.8] {
                let hz = (nyq * frac).round();
                let r = resample(&pure(from, hz), to);
                assert_eq!(r.samples.len(), to as usize);
                let gain = level_db(&r.samples, to, hz) - 20.0 * 0.5f64.log10();
                assert!(gain.abs() < 0.5, "{from}->{to} at {hz} Hz: {gain:.2} dB");
            }
            if to < from {
                // Down: a tone above the new Nyquist must not fold back into the band.
                let hz = to as f64 * 0.5 + (from as f64 * 0.5 - to as f64 * 0.5) * 0.5;
                let alias = to as f64 - hz;
                let r = resample(&pure(from, hz), to);
                let a = level_db(&r.samples, to, alias.abs()) - 20.0 * 0.5f64.log10();
                assert!(
                    a < -50.0,
                    "{from}->{to}: {hz} Hz aliased to {alias} at {a:.1} dB"
                );
            } else {
                // Up: a tone must not leave an image above the old Nyquist.
                let hz = from as f64 * 0.3;
                let image = from as f64 - hz;
                let r = resample(&pure(from, hz), to);
                let a = level_db(&r.samples, to, image) - 20.0 * 0.5f64.log10();
                assert!(
                    a < -50.0,
                    "{from}->{to}: image of {hz} Hz at {image} is {a:.1} dB"
                );
            }
        }
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

    /// Pauses of distinct lengths, so a timeline shows which one it used where.
    fn test_pauses() -> Pauses {
        Pauses {
            clause_ms: 100,
            sentence_ms: 200,
            paragraph_ms: 300,
            heading_ms: 400,
            lead_ms: 50,
            tail_ms: 500,
        }
    }

    #[test]
    fn programme_timeline() {
        let p = test_pauses();
        let clip = Clip {
            samples: vec![0.1; 1000],
            rate: 1000,
        };
        let prog = Programme::assemble(
            vec![
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
        // What the edition counts against its length limit while clips arrive (lead, each
        // clip and the pause after it) is exactly the programme's length.
        let counted: u32 = p.lead_ms
            + [Boundary::Heading, Boundary::Sentence, Boundary::Paragraph]
                .iter()
                .enumerate()
                .map(|(i, b)| 1000 + p.after(*b, i == 2))
                .sum::<u32>();
        assert_eq!(counted as usize, prog.samples.len());
    }

    #[test]
    fn laid_out_speech_reads_as_the_assembled_programme() {
        let p = test_pauses();
        let rate = 22050;
        // Clips longer than a block and shorter, so that pieces cross block edges.
        let clips: Vec<(Clip, Boundary)> = [
            (1.3, Boundary::Heading),
            (4.1, Boundary::Sentence),
            (0.2, Boundary::Paragraph),
            (3.0, Boundary::Clause),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(secs, b))| (tone(rate, secs, 200.0 + 50.0 * i as f32), b))
        .collect();
        let whole = Programme::assemble(clips.clone(), rate, &p);
        // The clips reach the file out of order, as workers finish.
        let mut file = Samples::new().unwrap();
        let mut placed = vec![(0, 0, Boundary::Sentence); clips.len()];
        for i in [2, 0, 3, 1] {
            let at = file.push(&clips[i].0.samples).unwrap();
            placed[i] = (at, clips[i].0.samples.len(), clips[i].1);
        }
        let layout = Layout::new(&placed, rate, &p);
        assert_eq!(layout.cues, whole.cues);
        assert_eq!(layout.len, whole.samples.len());
        let speech = Speech {
            clips: &file,
            layout: &layout,
        };
        let read = crate::spill::to_vec(&speech).unwrap();
        assert!(read
            .iter()
            .zip(&whole.samples)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(read.len(), whole.samples.len());
    }
}

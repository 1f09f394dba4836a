//! Sound identity: an intro jingle before the speech, an outro after it, and a music bed
//! under the headline (or the whole episode) that ducks under the voice.
//!
//! Each file is decoded by symphonia (WAV, MP3, FLAC, Ogg/Vorbis), mixed down to mono and
//! resampled to the edition's rate by rubato ([`crate::audio::resample`]). The pieces are
//! levelled against the speech before they are joined (a jingle as loud as the voice, a
//! bed well under it), so that the loudness normalization that follows, measured on the
//! finished programme, does not turn the voice down for a loud jingle. The speech keeps
//! its samples; only its place moves, by the intro's length, and the caller shifts every
//! time in the manifest by the same samples.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::audio::{resample, Clip, Cue, Programme};
use crate::decode::{self, AudioFormat};
use crate::error::{Error, Result};
use crate::spill::{Signal, BLOCK};
use crate::{fsx, limits, loudness};

/// The bed's level against the speech's loudness where no one speaks, dB.
pub const BED_OPEN_DB: f64 = -10.0;
/// The bed's level against the speech's loudness under the voice, dB: low enough that
/// the words stay clear.
pub const BED_DUCKED_DB: f64 = -24.0;
/// How long before a sentence the bed starts to duck, ms: it is down when the voice starts.
pub const DUCK_ATTACK_MS: u32 = 250;
/// How long after a sentence the bed takes to come back up, ms.
pub const DUCK_RELEASE_MS: u32 = 600;
/// The bed's fade-in, ms.
pub const BED_FADE_IN_MS: u32 = 500;
/// The bed's fade-out after the last sentence it is under, ms.
pub const BED_FADE_MS: u32 = 1500;
/// The bed alone before the voice comes in, ms: the music is established first.
pub const BED_LEAD_MS: u32 = 2000;
/// The cross-fade of a short bed file with itself where it repeats, ms.
pub const BED_LOOP_FADE_MS: u32 = 30;

/// Where the bed plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum BedSpan {
    /// Under the headline (the leading title sentences), fading out after it.
    Headline,
    /// Under the whole episode's speech.
    All,
}

impl BedSpan {
    /// The name in the manifest and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            BedSpan::Headline => "headline",
            BedSpan::All => "all",
        }
    }
}

/// One sound file, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Sound {
    /// The file's name (no folders), for the manifest.
    pub file: String,
    /// SHA-256 of the file's bytes, for the manifest and a run's identity.
    pub sha256: String,
    /// Its audio, mono, at the file's own rate.
    pub clip: Clip,
}

/// Reads and decodes a sound file given as `--intro`, `--outro` or `--bed` (`what`):
/// a regular file of at most [`limits::MAX_SOUND_FILE_BYTES`] in a format symphonia
/// decodes, told by its first bytes, of sound (not silence).
pub fn load(path: &Path, what: &str) -> Result<Sound> {
    let bytes = fsx::read_input(path, limits::MAX_SOUND_FILE_BYTES, what)?;
    let sha256 = crate::digest::sha256_hex(&bytes);
    let format = sniff(&bytes).ok_or_else(|| {
        Error::input(
            path,
            format!("is not a WAV, MP3, FLAC or Ogg/Vorbis file; give {what} in one of them"),
        )
    })?;
    let clip = decode::decode_owned(bytes, format, 0).map_err(|e| {
        Error::input(
            path,
            format!(
                "cannot be decoded as {}: it {e}; give {what} as WAV, MP3, FLAC or Ogg/Vorbis",
                format.as_str()
            ),
        )
    })?;
    if clip.samples.iter().all(|s| s.abs() < 1e-4) {
        return Err(Error::input(
            path,
            format!("is silent; give {what} that can be heard"),
        ));
    }
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Sound { file, sha256, clip })
}

/// The container a file is, from its first bytes.
fn sniff(b: &[u8]) -> Option<AudioFormat> {
    match b {
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'A', b'V', b'E', ..] => Some(AudioFormat::Wav),
        [b'f', b'L', b'a', b'C', ..] => Some(AudioFormat::Flac),
        [b'O', b'g', b'g', b'S', ..] => Some(AudioFormat::Ogg),
        [b'I', b'D', b'3', ..] => Some(AudioFormat::Mp3),
        [0xff, second, ..] if second & 0xe0 == 0xe0 => Some(AudioFormat::Mp3),
        _ => None,
    }
}

/// An edition's sound identity: what plays before, after and under the speech.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    /// Played before the speech.
    pub intro: Option<Sound>,
    /// Played after the speech.
    pub outro: Option<Sound>,
    /// Played under the speech, and where.
    pub bed: Option<(Sound, BedSpan)>,
}

/// What [`Identity::dress`] put around the speech, in samples of the finished programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dressed {
    /// The intro's length.
    pub intro: usize,
    /// The bed's lead-in after the intro, before the speech programme starts.
    pub lead: usize,
    /// The outro's length: the speech programme ends this much before the end.
    pub outro: usize,
}

impl Identity {
    /// Whether there is anything to add.
    pub fn is_empty(&self) -> bool {
        self.intro.is_none() && self.outro.is_none() && self.bed.is_none()
    }

    /// Puts the intro before `speech`, the outro after it and the bed under it (under its
    /// first `headline` cues, or all of them, after [`BED_LEAD_MS`] of the bed alone),
    /// each levelled against the speech's loudness; moves every cue by the intro's and the
    /// bed's lead-in's length. In memory: see [`Identity::dress_into`].
    pub fn dress(
        &self,
        speech: Programme,
        headline: usize,
    ) -> std::result::Result<(Programme, Dressed), String> {
        let mut samples = Vec::new();
        let (cues, dressed) = self.dress_into(
            &speech.samples.as_slice(),
            &speech.cues,
            speech.rate,
            headline,
            &mut |b| {
                samples.extend_from_slice(b);
                Ok(())
            },
        )?;
        let rate = speech.rate;
        Ok((
            Programme {
                samples,
                rate,
                cues,
            },
            dressed,
        ))
    }

    /// [`Identity::dress`] as a stream: reads `speech` (whose sentences are `cues`) twice,
    /// once to measure its loudness and once to mix, and hands the finished programme to
    /// `out` piece by piece, so that neither is ever held whole. Returns the moved cues.
    pub fn dress_into(
        &self,
        speech: &dyn Signal,
        cues: &[Cue],
        rate: u32,
        headline: usize,
        out: &mut dyn FnMut(&[f32]) -> std::result::Result<(), String>,
    ) -> std::result::Result<(Vec<Cue>, Dressed), String> {
        let speech_lufs = loudness::integrated_signal(speech, rate)?;
        let level = |sound: &Sound, db: f64| -> std::result::Result<Vec<f32>, String> {
            let clip = resample(&sound.clip, rate);
            let own = loudness::integrated(&clip.samples, rate)?;
            let gain = level_gain(speech_lufs, own, db);
            Ok(clip.samples.iter().map(|s| s * gain).collect())
        };
        let intro = self.intro.as_ref().map(|s| level(s, 0.0)).transpose()?;
        let outro = self.outro.as_ref().map(|s| level(s, 0.0)).transpose()?;
        let lead = match self.bed {
            Some(_) => (u64::from(rate) * u64::from(BED_LEAD_MS) / 1000) as usize,
            None => 0,
        };
        let dressed = Dressed {
            intro: intro.as_ref().map_or(0, Vec::len),
            lead,
            outro: outro.as_ref().map_or(0, Vec::len),
        };
        let bed = match &self.bed {
            Some((bed, span)) => {
                let covered = match span {
                    BedSpan::All => cues.len(),
                    BedSpan::Headline => headline.clamp(1, cues.len().max(1)),
                };
                let under: Vec<Cue> = cues[..covered.min(cues.len())]
                    .iter()
                    .map(|c| Cue {
                        start: c.start + lead,
                        end: c.end + lead,
                    })
                    .collect();
                Some((level(bed, BED_OPEN_DB)?, under))
            }
            None => None,
        };
        let mut mix = bed
            .as_ref()
            .map(|(bed, under)| bed_mix(lead + speech.len(), bed, under, rate));
        out(intro.as_deref().unwrap_or_default())?;
        // The body: the bed's lead-in (silence, the bed alone once mixed) and the speech,
        // with the bed mixed in as it passes.
        let mut body = Vec::with_capacity(BLOCK.min(lead + speech.len()));
        let mut at = 0;
        let mut pass = |block: &[f32], at: &mut usize| {
            body.clear();
            body.extend_from_slice(block);
            if let Some(mix) = &mut mix {
                mix.mix(*at, &mut body);
            }
            *at += block.len();
            out(&body)
        };
        for chunk in vec![0.0; lead].chunks(BLOCK) {
            pass(chunk, &mut at)?;
        }
        speech.each_block(&mut |block| pass(block, &mut at))?;
        out(outro.as_deref().unwrap_or_default())?;
        let shift = dressed.intro + dressed.lead;
        let cues = cues
            .iter()
            .map(|c| Cue {
                start: c.start + shift,
                end: c.end + shift,
            })
            .collect();
        Ok((cues, dressed))
    }
}

/// The linear gain that brings a sound of loudness `own` to `db` against `speech`; a
/// silent measure (either side) leaves it as it is, and no gain passes ±30 dB.
fn level_gain(speech: f64, own: f64, db: f64) -> f32 {
    if speech <= -70.0 || own <= -70.0 {
        return 1.0;
    }
    let g = (speech + db - own).clamp(-30.0, 30.0);
    10f64.powf(g / 20.0) as f32
}

/// The bed being mixed into a body that passes in blocks: from the body's start to the
/// end of the last cue it plays under, then fading out; repeated (cross-faded with
/// itself) when shorter; ducked to [`BED_DUCKED_DB`] under each cue. Where it stands and
/// the ducking envelope are carried from block to block.
struct BedMix<'a, E: Iterator<Item = f32>> {
    bed: &'a [f32],
    envelope: E,
    /// One past the last sample the bed plays under.
    end: usize,
    fade: usize,
    fade_in: usize,
    loop_fade: usize,
    period: usize,
}

/// The bed mixed into a body of `len` samples under `cues`.
fn bed_mix<'a>(
    len: usize,
    bed: &'a [f32],
    cues: &'a [Cue],
    rate: u32,
) -> BedMix<'a, impl Iterator<Item = f32> + 'a> {
    let ms = |m: u32| (u64::from(rate) * u64::from(m) / 1000) as usize;
    let fade = ms(BED_FADE_MS).max(1);
    let fade_in = ms(BED_FADE_IN_MS).max(1);
    let end = cues.last().map_or(0, |last| (last.end + fade).min(len));
    let loop_fade = ms(BED_LOOP_FADE_MS).max(1).min(bed.len() / 4).max(1);
    BedMix {
        bed,
        envelope: duck_envelope(end, cues, rate),
        end,
        fade,
        fade_in,
        loop_fade,
        period: bed.len().saturating_sub(loop_fade).max(1),
    }
}

impl<E: Iterator<Item = f32>> BedMix<'_, E> {
    /// Mixes the bed into `block`, the body's samples from `first` on (blocks come in
    /// order).
    fn mix(&mut self, first: usize, block: &mut [f32]) {
        let (bed, period, loop_fade) = (self.bed, self.period, self.loop_fade);
        let upto = self.end.saturating_sub(first).min(block.len());
        for (k, out) in block[..upto].iter_mut().enumerate() {
            let Some(duck) = self.envelope.next() else {
                return;
            };
            let i = first + k;
            // Where the bed repeats, its tail and its head overlap, faded across.
            let at = i % period;
            let mut s = bed.get(at).copied().unwrap_or(0.0);
            if i >= period && at < loop_fade {
                let x = at as f32 / loop_fade as f32;
                s = s * x + bed.get(at + period).copied().unwrap_or(0.0) * (1.0 - x);
            }
            let rise = (i as f32 / self.fade_in as f32).min(1.0);
            let fall = ((self.end - i) as f32 / self.fade as f32).min(1.0);
            *out += s * duck * rise * fall;
        }
    }
}

/// The bed's gain at each of the first `len` samples: 1 where no one speaks, the ducked
/// level from the start of each cue to its end, moving linearly in
/// [`DUCK_ATTACK_MS`] (before the cue, so the bed is down when the voice starts) and
/// [`DUCK_RELEASE_MS`] (after it). Made as it is read, so a bed under a long edition
/// holds no second copy of it.
fn duck_envelope(len: usize, cues: &[Cue], rate: u32) -> impl Iterator<Item = f32> + '_ {
    let ms = |m: u32| (u64::from(rate) * u64::from(m) / 1000).max(1) as usize;
    let low = 10f64.powf((BED_DUCKED_DB - BED_OPEN_DB) / 20.0) as f32;
    let (attack, release) = (ms(DUCK_ATTACK_MS), ms(DUCK_RELEASE_MS));
    let (down, up) = ((1.0 - low) / attack as f32, (1.0 - low) / release as f32);
    let mut g = 1.0f32;
    // The first cue not yet over; cues are in order, so a sample inside any cue's ducked
    // span (from its attack to its end) is inside this one's.
    let mut next = 0;
    (0..len).map(move |i| {
        while cues.get(next).is_some_and(|c| c.end <= i) {
            next += 1;
        }
        let ducked = cues
            .get(next)
            .is_some_and(|c| i >= c.start.saturating_sub(attack));
        g = if ducked {
            (g - down).max(low)
        } else {
            (g + up).min(1.0)
        };
        g
    })
}

/// The `[sound]` table of an edition's manifest: what was put around the speech, so that
/// `rawi verify` can check every sentence lies between the intro and the outro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoundInfo {
    /// The intro's file name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    /// The intro's length, ms (whole, rounded down).
    pub intro_ms: u64,
    /// The bed alone after the intro, ms (whole, rounded down): no sentence starts
    /// before `intro_ms + bed_lead_ms`.
    #[serde(default)]
    pub bed_lead_ms: u64,
    /// The outro's file name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outro: Option<String>,
    /// The outro's length, ms (whole, rounded down): no sentence ends in it.
    pub outro_ms: u64,
    /// The bed's file name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bed: Option<String>,
    /// Where the bed plays: `headline` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bed_under: Option<String>,
}

impl SoundInfo {
    /// The table for an identity dressed as `d` at `rate`.
    pub fn of(id: &Identity, d: Dressed, rate: u32) -> SoundInfo {
        let ms = |n: usize| n as u64 * 1000 / u64::from(rate.max(1));
        SoundInfo {
            intro: id.intro.as_ref().map(|s| s.file.clone()),
            intro_ms: ms(d.intro),
            bed_lead_ms: ms(d.lead),
            outro: id.outro.as_ref().map(|s| s.file.clone()),
            outro_ms: ms(d.outro),
            bed: id.bed.as_ref().map(|(s, _)| s.file.clone()),
            bed_under: id.bed.as_ref().map(|(_, span)| span.as_str().to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bed_is_down_whenever_the_voice_speaks() {
        let rate = 1000;
        let cues = [
            Cue {
                start: 1000,
                end: 2000,
            },
            Cue {
                start: 2100,
                end: 3000,
            },
        ];
        let env: Vec<f32> = duck_envelope(5000, &cues, rate).collect();
        let low = 10f64.powf((BED_DUCKED_DB - BED_OPEN_DB) / 20.0) as f32;
        // Open before the first sentence's attack, down all through both sentences and the
        // short gap between them, back up after the release.
        assert_eq!(env[0], 1.0);
        assert_eq!(env[1000 - DUCK_ATTACK_MS as usize - 1], 1.0);
        for (i, g) in env.iter().enumerate().take(3000).skip(1000) {
            assert!((g - low).abs() < 1e-6, "sample {i}: {g}");
        }
        assert!(env[3000 + DUCK_RELEASE_MS as usize / 2] < 1.0);
        assert_eq!(env[3000 + DUCK_RELEASE_MS as usize + 1], 1.0);
    }

    #[test]
    fn dressing_moves_the_speech_whole() {
        let rate = 8000;
        let tone = |hz: f32, n: usize| -> Vec<f32> {
            (0..n)
                .map(|i| 0.3 * (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin())
                .collect()
        };
        let speech = Programme {
            samples: [vec![0.0; 800], tone(300.0, 8000), vec![0.0; 800]].concat(),
            rate,
            cues: vec![Cue {
                start: 800,
                end: 8800,
            }],
        };
        let sound = |hz, n, file: &str| Sound {
            file: file.into(),
            sha256: String::new(),
            clip: Clip {
                samples: tone(hz, n),
                rate: 16000,
            },
        };
        let id = Identity {
            intro: Some(sound(500.0, 16000, "intro.wav")),
            outro: Some(sound(700.0, 8000, "outro.flac")),
            bed: None,
        };
        let (p, d) = id.dress(speech.clone(), 1).unwrap();
        // 1 s and 0.5 s at 16 kHz become 8000 and 4000 samples at 8 kHz.
        assert_eq!((d.intro, d.outro), (8000, 4000));
        assert_eq!(p.samples.len(), 8000 + speech.samples.len() + 4000);
        assert_eq!(
            p.cues,
            vec![Cue {
                start: 8800,
                end: 16800
            }]
        );
        // Without a bed the speech's samples are untouched, only moved.
        assert_eq!(
            &p.samples[8000..8000 + speech.samples.len()],
            &speech.samples[..]
        );
        let info = SoundInfo::of(&id, d, rate);
        assert_eq!((info.intro_ms, info.outro_ms), (1000, 500));
    }

    #[test]
    fn files_are_told_by_their_first_bytes() {
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Some(AudioFormat::Wav));
        assert_eq!(sniff(b"fLaC\0"), Some(AudioFormat::Flac));
        assert_eq!(sniff(b"OggS\0"), Some(AudioFormat::Ogg));
        assert_eq!(sniff(b"ID3\x04"), Some(AudioFormat::Mp3));
        assert_eq!(sniff(&[0xff, 0xfb, 0x90]), Some(AudioFormat::Mp3));
        assert_eq!(sniff(b"\x89PNG"), None);
        assert_eq!(sniff(b""), None);
    }
}

//! Synthesis: turning one sentence's spoken text into a [`Clip`] with a voice.
//!
//! Engines depend on [`crate::voice`] for their settings; the voice module knows nothing
//! of engines. Every clip from every engine passes [`check_clip`] here, between the engine
//! and the cache, so a broken voice can never put a bad clip into an edition or the cache.

pub mod budget;
pub mod bundled;
pub mod command;
pub mod http;
mod pin;
pub mod request;
pub mod sigv4;

use crate::clip::Clip;
use crate::error::{Error, Result};
use crate::voice::{EngineKind, Voice, SAMPLE_RATE_RANGE};

use bundled::lexicon::Lexicon;

/// Version of rawi's synthesis path; part of every clip's cache key, so that a change in
/// how audio is made never reuses stale clips. Bump the last number with every change
/// that alters the sound: the bundled voice's rules, data or signal path, or the clip
/// processing after a voice.
pub const SYNTH_VERSION: &str = concat!("rawi-synth-", env!("CARGO_PKG_VERSION"), "-10");

/// Shortest clip accepted from a voice, in seconds: anything shorter holds no speech.
pub const MIN_CLIP_S: f64 = 0.02;

/// Longest clip accepted from a voice: this many seconds for every character of the text
/// (slow speech is about a tenth of that)...
pub const MAX_CLIP_S_PER_CHAR: f64 = 1.0;

/// ...plus this many seconds, for a voice's own leading and trailing silence.
pub const MAX_CLIP_BASE_S: f64 = 10.0;

/// A clip whose loudest sample is below this (−60 dBFS) is silent, not speech.
pub const SILENT_PEAK: f32 = 0.001;

/// An engine ready to speak.
pub trait Synthesizer: Send + Sync {
    /// Speaks one text. The error is a reason without the voice's name.
    fn synthesize(&self, text: &str) -> std::result::Result<Clip, String>;

    /// Whether the engine tries again by itself (with backoff and the server's
    /// `Retry-After`), so that [`Speaker`] must not multiply its tries.
    fn retries_itself(&self) -> bool {
        false
    }
}

/// Whether a clip from a voice can be speech for `text`: finite samples, a sample rate
/// rawi handles, not silent, and a duration plausible for the text. The reason if not.
pub fn check_clip(clip: &Clip, text: &str) -> std::result::Result<(), String> {
    if !SAMPLE_RATE_RANGE.contains(&clip.rate) {
        return Err(format!(
            "gave audio at {} Hz, outside {} to {} Hz",
            clip.rate,
            SAMPLE_RATE_RANGE.start(),
            SAMPLE_RATE_RANGE.end()
        ));
    }
    if clip.samples.is_empty() {
        return Err("gave an empty WAV (no samples)".into());
    }
    if clip.samples.iter().any(|s| !s.is_finite()) {
        return Err("gave samples that are not numbers (NaN or infinite)".into());
    }
    let secs = clip.seconds();
    if secs < MIN_CLIP_S {
        return Err(format!(
            "gave {:.0} ms of audio, too short to be speech",
            secs * 1000.0
        ));
    }
    let chars = text.chars().filter(|c| !c.is_whitespace()).count() as f64;
    let longest = MAX_CLIP_BASE_S + MAX_CLIP_S_PER_CHAR * chars;
    if secs > longest {
        return Err(format!(
            "gave {secs:.0} s of audio for {chars} characters (at most {longest:.0} s expected)"
        ));
    }
    let peak = clip.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if peak < SILENT_PEAK {
        return Err("gave silence (every sample below −60 dBFS)".into());
    }
    Ok(())
}

/// Whether `voice` can run on this machine, and if not, why.
pub fn availability(voice: &Voice) -> std::result::Result<(), String> {
    match voice.engine {
        EngineKind::Bundled => Ok(()),
        EngineKind::Command => {
            let Some(c) = &voice.command else {
                return Err("no [command] table".into());
            };
            match crate::voice::find_program(&c.program) {
                Some(_) => Ok(()),
                None => Err(format!(
                    "program `{}` is not installed or not on PATH",
                    c.program
                )),
            }
        }
        EngineKind::Http => {
            let Some(h) = &voice.http else {
                return Err("no [http] table".into());
            };
            // Every variable the request needs (key, region, AWS credentials) is read
            // here, so `rawi voices` says which one is missing.
            let (template, _) = http::ready(h, voice.pauses.clause_ms)?;
            http::Endpoint::parse(&template.prepare("", "wav").url)?.reachable()
        }
    }
}

/// What makes a voice's clips differ, for their cache keys: the voice file's settings
/// and the entries of a user lexicon. Needs no engine, so `--estimate` can tell which
/// clips the cache holds without a key, a server or a program.
pub struct ClipKeys {
    /// [`Voice::fingerprint`], computed once.
    fingerprint: String,
    /// The entry lines of the user's lexicon (`--lexicon`, or a bundled voice's `lexicon`
    /// setting), read once, for [`ClipKeys::fingerprint_for`].
    user_lexicon: Option<Lexicon>,
}

impl ClipKeys {
    /// The keys of `voice`, reading its user lexicon if it has one.
    pub fn of(voice: &Voice) -> Result<ClipKeys> {
        let index = user_lexicon(voice)?.map(|mut lex| lex.take_index());
        Ok(ClipKeys::with(voice, index))
    }

    fn with(voice: &Voice, user_lexicon: Option<Lexicon>) -> ClipKeys {
        ClipKeys {
            fingerprint: voice.fingerprint(),
            user_lexicon,
        }
    }

    /// Everything about the voice that changes how `spoken` sounds, for its cache key: the
    /// voice's settings and, of the user's lexicon, only the entries for words in `spoken`,
    /// so that editing one entry re-speaks only the sentences with that word.
    pub fn fingerprint_for(&self, spoken: &str) -> String {
        let mut out = self.fingerprint.clone();
        if let Some(lex) = &self.user_lexicon {
            for line in lex.entries_in(spoken) {
                out.push('\n');
                out.push_str(line);
            }
        }
        out
    }
}

/// The user lexicon of a bundled voice (its `lexicon` setting, or `--lexicon`), read.
fn user_lexicon(voice: &Voice) -> Result<Option<Lexicon>> {
    let path = voice
        .bundled
        .as_ref()
        .filter(|_| voice.engine == EngineKind::Bundled)
        .and_then(|b| b.lexicon.as_ref());
    match path {
        Some(path) => Lexicon::read_user(std::path::Path::new(path))
            .map(Some)
            .map_err(|e| Error::Voice {
                name: voice.name.clone(),
                reason: e,
            }),
        None => Ok(None),
    }
}

/// A voice opened for synthesis, with its retries.
pub struct Speaker {
    voice: Voice,
    engine: Box<dyn Synthesizer>,
    keys: ClipKeys,
}

impl Speaker {
    /// Opens `voice`, checking first that it can run here.
    pub fn open(voice: &Voice) -> Result<Speaker> {
        availability(voice).map_err(|reason| Error::Synth {
            voice: voice.name.clone(),
            reason: format!(
                "{reason}; install it or choose another voice with --voice (see `rawi voices`)"
            ),
        })?;
        let mut user_index = None;
        let engine: Box<dyn Synthesizer> = match voice.engine {
            EngineKind::Command => Box::new(command::CommandEngine::new(voice)),
            EngineKind::Http => Box::new(http::HttpEngine::new(voice)?),
            EngineKind::Bundled => {
                let settings = voice.bundled.clone().unwrap_or_default();
                // Read once: the index keys the cache, the rest speaks.
                let user = user_lexicon(voice)?.map(|mut lex| {
                    user_index = Some(lex.take_index());
                    lex
                });
                Box::new(bundled::Bundled::with_user_lexicon(
                    settings,
                    voice.sample_rate,
                    user,
                ))
            }
        };
        Ok(Speaker {
            voice: voice.clone(),
            engine,
            keys: ClipKeys::with(voice, user_index),
        })
    }

    /// What keys this voice's clips in the cache.
    pub fn keys(&self) -> &ClipKeys {
        &self.keys
    }

    /// The voice being spoken with.
    pub fn voice(&self) -> &Voice {
        &self.voice
    }

    /// Speaks one text, trying again as the voice allows; the clip is at the engine's
    /// rate and has passed [`check_clip`].
    pub fn speak(&self, text: &str) -> Result<Clip> {
        let mut last = String::new();
        let tries = if self.engine.retries_itself() {
            0
        } else {
            self.voice.limits.retries
        };
        for _ in 0..=tries {
            match self.engine.synthesize(text) {
                Ok(clip) => match check_clip(&clip, text) {
                    Ok(()) => return Ok(clip),
                    Err(e) => last = e,
                },
                Err(e) => last = e,
            }
        }
        Err(Error::Synth {
            voice: self.voice.name.clone(),
            reason: last,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(samples: Vec<f32>, rate: u32) -> Clip {
        Clip { samples, rate }
    }

    #[test]
    fn missing_program_is_reported() {
        let v = Voice::from_toml(
            "name='x'\nengine='command'\n[command]\nprogram='rawi-no-such-program'\n",
            "t",
        )
        .unwrap();
        assert!(availability(&v).unwrap_err().contains("not installed"));
    }

    #[test]
    fn bad_clips_are_refused() {
        let tone: Vec<f32> = (0..22_050).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect();
        assert!(check_clip(&clip(tone.clone(), 22_050), "مرحبا بكم").is_ok());
        assert!(check_clip(&clip(vec![], 22_050), "نص").is_err());
        assert!(check_clip(&clip(vec![0.0; 22_050], 22_050), "نص").is_err());
        assert!(check_clip(&clip(tone.clone(), 4_000_000_000), "نص").is_err());
        assert!(check_clip(&clip(tone[..100].to_vec(), 22_050), "نص").is_err());
        let mut nan = tone.clone();
        nan[5] = f32::NAN;
        assert!(check_clip(&clip(nan, 22_050), "نص").is_err());
        // An hour of audio for two words is not speech for them.
        let long = vec![0.3; 22_050 * 60];
        assert!(check_clip(&clip(long, 22_050), "نص").is_err());
    }
}

//! Synthesis: turning one sentence's spoken text into a [`Clip`] with a voice.

pub mod bundled;
pub mod command;
pub mod http;

use crate::audio::Clip;
use crate::error::{Error, Result};
use crate::voice::{EngineKind, Voice};

/// Version of rawi's synthesis path; part of every clip's cache key, so that a change in
/// how audio is made never reuses stale clips. Bump the last number with every change
/// that alters the sound: the bundled voice's rules, data or signal path, or the clip
/// processing after a voice.
pub const SYNTH_VERSION: &str = concat!("rawi-synth-", env!("CARGO_PKG_VERSION"), "-3");

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

/// A voice opened for synthesis, with its retries.
pub struct Speaker {
    voice: Voice,
    engine: Box<dyn Synthesizer>,
}

impl Speaker {
    /// Opens `voice`, checking first that it can run here.
    pub fn open(voice: &Voice) -> Result<Speaker> {
        voice.availability().map_err(|reason| Error::Synth {
            voice: voice.name.clone(),
            reason: format!(
                "{reason}; install it or choose another voice with --voice (see `rawi voices`)"
            ),
        })?;
        let engine: Box<dyn Synthesizer> = match voice.engine {
            EngineKind::Command => Box::new(command::CommandEngine::new(voice)),
            EngineKind::Http => Box::new(http::HttpEngine::new(voice)?),
            EngineKind::Bundled => Box::new(bundled::Bundled::new(
                voice.bundled.clone().unwrap_or_default(),
                voice.sample_rate,
            )),
        };
        Ok(Speaker {
            voice: voice.clone(),
            engine,
        })
    }

    /// The voice being spoken with.
    pub fn voice(&self) -> &Voice {
        &self.voice
    }

    /// Speaks one text, trying again as the voice allows; the clip is at the engine's rate.
    pub fn speak(&self, text: &str) -> Result<Clip> {
        let mut last = String::new();
        let tries = if self.engine.retries_itself() {
            0
        } else {
            self.voice.limits.retries
        };
        for _ in 0..=tries {
            match self.engine.synthesize(text) {
                Ok(clip) if clip.rate > 0 => return Ok(clip),
                Ok(_) => last = "gave audio with a zero sample rate".into(),
                Err(e) => last = e,
            }
        }
        Err(Error::Synth {
            voice: self.voice.name.clone(),
            reason: last,
        })
    }
}

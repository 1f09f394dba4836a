//! The bundled voice: a pure-Rust Arabic synthesizer (letters to sounds, prosody, a
//! formant synthesizer). Needs nothing installed.

use serde::{Deserialize, Serialize};

use crate::audio::Clip;

/// Settings of a bundled voice (the `[bundled]` table of its TOML file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Base pitch in hertz.
    pub pitch_hz: f32,
    /// Speaking rate; 1.0 is the normal pace.
    pub speed: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            pitch_hz: 110.0,
            speed: 1.0,
        }
    }
}

/// The bundled synthesizer.
pub struct Bundled {
    #[allow(dead_code)]
    settings: Settings,
    #[allow(dead_code)]
    rate: u32,
}

impl Bundled {
    /// Prepares the synthesizer.
    pub fn new(settings: Settings, rate: u32) -> Bundled {
        Bundled { settings, rate }
    }
}

impl super::Synthesizer for Bundled {
    fn synthesize(&self, _text: &str) -> Result<Clip, String> {
        Err("the bundled synthesizer is not built yet; use --voice espeak-ng-ar".into())
    }
}

//! The bundled voice: a pure-Rust Arabic synthesizer (letters to sounds, prosody, a
//! formant synthesizer). Needs nothing installed.
//!
//! The path from text to sound:
//! 1. [`g2p`] reads the text into phrases of words of phonemes, restoring missing short
//!    vowels by rule and from a lexicon ([`lexicon`]), with stress and emphasis marked.
//! 2. [`prosody`] times every phoneme and gives it formant, amplitude and pitch targets,
//!    smoothed into continuous parameter tracks.
//! 3. [`klatt`] renders the tracks with a cascade/parallel formant synthesizer.
//!
//! Output is deterministic: the same text and settings give the same samples.
//!
//! Language facts are data files compiled in: `data/phonemes.tsv` (acoustic targets) and
//! `data/lexicon.txt` (pronunciations). A voice may add its own lexicon with
//! [`Settings::lexicon`]; a `--lexicon FILE` flag can set that field before
//! [`Bundled::new`].

pub mod g2p;
pub mod klatt;
pub mod lexicon;
pub mod phoneme;
pub mod prosody;

use crate::clip::Clip;

/// Settings of a bundled voice: defined with the other voice settings, so that the voice
/// module depends on no engine.
pub use crate::voice::BundledSettings as Settings;

/// The bundled synthesizer.
pub struct Bundled {
    settings: Settings,
    rate: u32,
    lexicon: Result<lexicon::Lexicon, String>,
}

impl Bundled {
    /// Prepares the synthesizer; a user lexicon that cannot be read is reported by
    /// [`synthesize`](super::Synthesizer::synthesize).
    pub fn new(settings: Settings, rate: u32) -> Bundled {
        let lexicon = match &settings.lexicon {
            None => Ok(lexicon::Lexicon::bundled()),
            Some(path) => lexicon::Lexicon::read_user(std::path::Path::new(path))
                .map(lexicon::Lexicon::over_bundled),
        };
        Self::with_lexicon(settings, rate, lexicon)
    }

    /// Prepares the synthesizer with a user lexicon already read (so that a run reads the
    /// file once); the `lexicon` setting is not read again.
    pub fn with_user_lexicon(
        settings: Settings,
        rate: u32,
        user: Option<lexicon::Lexicon>,
    ) -> Bundled {
        let lex = match user {
            Some(user) => user.over_bundled(),
            None => lexicon::Lexicon::bundled(),
        };
        Self::with_lexicon(settings, rate, Ok(lex))
    }

    fn with_lexicon(
        settings: Settings,
        rate: u32,
        lexicon: Result<lexicon::Lexicon, String>,
    ) -> Bundled {
        let rate = if (8_000..=192_000).contains(&rate) {
            rate
        } else {
            22_050
        };
        Bundled {
            settings,
            rate,
            lexicon,
        }
    }

    /// The phonemes the voice would say for `text`, in the notation of
    /// `tests/data/g2p/*.tsv` (see [`g2p::transcribe`]).
    pub fn transcribe(&self, text: &str) -> Result<String, String> {
        let lex = self.lexicon.as_ref().map_err(Clone::clone)?;
        Ok(g2p::transcribe(text, lex))
    }

    fn style(&self) -> prosody::Style {
        let s = &self.settings;
        let finite = |x: f32, lo: f32, hi: f32, d: f32| {
            if x.is_finite() {
                x.clamp(lo, hi)
            } else {
                d
            }
        };
        prosody::Style {
            pitch_hz: finite(s.pitch_hz, 50.0, 400.0, 110.0),
            speed: finite(s.effective_speed(), 0.3, 3.0, 1.0),
            formant_scale: finite(s.formant_scale, 0.7, 1.4, 1.0),
            intonation: finite(s.intonation, 0.0, 2.0, 1.0),
            word_gap_ms: finite(s.word_gap_ms, 0.0, 500.0, 0.0),
        }
    }
}

impl super::Synthesizer for Bundled {
    fn synthesize(&self, text: &str) -> Result<Clip, String> {
        let lex = self.lexicon.as_ref().map_err(Clone::clone)?;
        // The diacritize stage marks every word (lexicon, then the model); the letter
        // rules of g2p keep its marks and only restore what it left bare.
        let marked = crate::diacritize::diacritize_text(text, lex, Default::default())?;
        let marked = if self.settings.case_endings {
            marked.text
        } else {
            crate::diacritize::without_endings(&marked.text)
        };
        let phrases = g2p::phrases(&marked, lex);
        let style = self.style();
        let s = &self.settings;
        let source = klatt::Source {
            open_quotient: if s.open_quotient.is_finite() {
                s.open_quotient.clamp(0.3, 0.9)
            } else {
                0.6
            },
            tilt: if s.tilt.is_finite() {
                s.tilt.clamp(0.0, 0.9)
            } else {
                0.35
            },
            breathiness: if s.breathiness.is_finite() {
                s.breathiness.clamp(0.0, 1.0)
            } else {
                0.0
            },
            open_b1_hz: if s.open_phase_b1_hz.is_finite() {
                s.open_phase_b1_hz.clamp(0.0, 400.0)
            } else {
                0.0
            },
        };
        let frames = prosody::frames(&phrases, &style, self.rate);
        let mut samples = klatt::render(&frames, self.rate, source);
        scale(&mut samples);
        Ok(Clip {
            samples,
            rate: self.rate,
        })
    }
}

/// Brings the clip to a fixed peak level: deterministic, and every clip equally loud.
fn scale(samples: &mut [f32]) {
    let peak = samples.iter().fold(
        0.0f32,
        |m, s| if s.is_finite() { m.max(s.abs()) } else { m },
    );
    let gain = if peak > 1e-6 { 0.8 / peak } else { 0.0 };
    for s in samples.iter_mut() {
        *s = if s.is_finite() {
            (*s * gain).clamp(-1.0, 1.0)
        } else {
            0.0
        };
    }
}

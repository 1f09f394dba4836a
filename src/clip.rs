//! The clip: mono audio at one sample rate, what every voice's answer becomes.
//!
//! It lives below the stages that make and use it (`decode` makes one from an engine's
//! bytes, `audio` joins them, `cache` stores them), so that none of them imports another
//! for it.

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

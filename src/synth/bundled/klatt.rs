//! A cascade/parallel formant synthesizer after Klatt (1980) with the KLGLOTT88 glottal
//! source (Klatt & Klatt 1990).
//!
//! Parameters come as frames of [`FRAME`] samples. Resonator coefficients change once per
//! frame, amplitudes are interpolated per sample, so that nothing jumps at a join.
//! Voicing and aspiration go through the cascade of formant resonators (which gets the
//! relative formant amplitudes of vowels right by itself); frication goes through two
//! parallel resonators and a high-passed bypass, so each fricative gets its own spectrum.
//!
//! Two details keep the sound from being dull and flat:
//! - the cascade has two formants above F5 (at 1.25 and 1.5 times F5), standing in for
//!   the vocal tract's higher resonances, so vowels keep their energy above 4 kHz;
//! - each frication resonator is applied twice in series (a fourth-order band-pass), so
//!   that /s/ is a band high up, /ʃ/ one lower, /x/ a low one, instead of every fricative
//!   spreading its noise from 0 Hz to the top; the bypass is differentiated noise, flat
//!   and weak in the low frequencies (/f/, /θ/, the burst of /b/).

use std::f32::consts::PI;

/// Samples per parameter frame (2.9 ms at 22,050 Hz).
pub const FRAME: usize = 64;

/// Index of each parameter in a frame.
pub mod p {
    /// Fundamental frequency, Hz.
    pub const F0: usize = 0;
    /// Voicing amplitude 0..1.
    pub const AV: usize = 1;
    /// Aspiration amplitude 0..1.
    pub const AH: usize = 2;
    /// Frication amplitude 0..1.
    pub const AF: usize = 3;
    /// Formant frequencies F1..F5 start here.
    pub const F1: usize = 4;
    /// Formant bandwidths B1..B5 start here.
    pub const B1: usize = 9;
    /// Frication resonators: frequency, bandwidth, gain, twice.
    pub const FP1: usize = 14;
    /// Flat frication gain.
    pub const FAB: usize = 20;
    /// Nasal zero frequency (equal to the nasal pole's for oral sounds).
    pub const NZ: usize = 21;
    /// Number of parameters.
    pub const N: usize = 22;
}

/// One frame of parameters, indexed by the constants in [`p`].
pub type Frame = [f32; p::N];

/// The fixed nasal pole; an oral sound puts the nasal zero on it, cancelling both.
pub const NASAL_POLE: f32 = 270.0;

/// How strongly aspiration (and the breath mixed into voicing) enters the cascade, against
/// voicing. Half the earlier 0.3 scored DNSMOS OVRL +0.016 on both the tuning and the report
/// sentences; it was left out while the judge's CER had no room for its cost, and went in
/// once the consonants' place cues had made some (issue 18, README). Frication at 0.7
/// times [`FRICATION_GAIN`] as well cost the judge more (CER 0.199 → 0.211).
const ASPIRATION_GAIN: f32 = 0.15;

/// How strongly the parallel frication branch is mixed in (see [`ASPIRATION_GAIN`]).
const FRICATION_GAIN: f32 = 0.5;

/// Over how long the first formant moves between its closed- and open-phase
/// coefficients, ms: a switch in one sample clicks (and scored lower).
const OPEN_PHASE_BLEND_MS: f32 = 1.0;

/// Settings of the glottal source.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    /// Open quotient of the glottal cycle (0.4 pressed .. 0.8 breathy).
    pub open_quotient: f32,
    /// Spectral tilt: the coefficient of a one-pole low-pass on the source (0..0.9).
    pub tilt: f32,
    /// Aspiration noise mixed into voicing, 0..1.
    pub breathiness: f32,
    /// How much wider the first formant's bandwidth is while the glottis is open, Hz at
    /// full voicing (Klatt & Klatt 1990, KLSYN88's DB1): the open glottis couples the
    /// trachea to the tract and damps F1, where a bandwidth fixed through the cycle rings
    /// on as a buzz. 0 leaves F1 as it is.
    pub open_b1_hz: f32,
}

/// A two-pole resonator (or, run backwards, an anti-resonator) in Klatt's form.
#[derive(Debug, Clone, Copy, Default)]
struct Resonator {
    a: f32,
    b: f32,
    c: f32,
    z1: f32,
    z2: f32,
}

impl Resonator {
    /// Sets centre frequency and bandwidth with unity gain at 0 Hz (cascade use).
    fn set(&mut self, f: f32, bw: f32, rate: f32) {
        let r = (-PI * bw / rate).exp();
        self.c = -r * r;
        self.b = 2.0 * r * (2.0 * PI * f / rate).cos();
        self.a = 1.0 - self.b - self.c;
    }

    /// Sets centre frequency and bandwidth with unity gain at the centre (parallel use),
    /// so that a frication gain means the same at any frequency.
    fn set_peak(&mut self, f: f32, bw: f32, rate: f32) {
        let r = (-PI * bw / rate).exp();
        let theta = 2.0 * PI * f / rate;
        self.c = -r * r;
        self.b = 2.0 * r * theta.cos();
        self.a = (1.0 - r) * (1.0 - 2.0 * r * (2.0 * theta).cos() + r * r).sqrt();
    }

    /// Takes coefficients `t` of the way from `from` to `to`, keeping its own memory, so
    /// that a formant can move within a pitch period without a click.
    fn blend(&mut self, from: &Resonator, to: &Resonator, t: f32) {
        self.a = from.a + (to.a - from.a) * t;
        self.b = from.b + (to.b - from.b) * t;
        self.c = from.c + (to.c - from.c) * t;
    }

    fn run(&mut self, x: f32) -> f32 {
        let y = self.a * x + self.b * self.z1 + self.c * self.z2;
        self.z2 = self.z1;
        self.z1 = y;
        y
    }

    /// The inverse filter: a zero pair at the frequency last given to [`set`].
    fn run_zero(&mut self, x: f32) -> f32 {
        if self.a.abs() < 1e-9 {
            return x;
        }
        let y = (x - self.b * self.z1 - self.c * self.z2) / self.a;
        self.z2 = self.z1;
        self.z1 = x;
        y
    }
}

/// A small deterministic noise generator (xorshift32): the only randomness in the voice.
#[derive(Debug, Clone)]
pub struct Noise(u32);

impl Noise {
    /// A generator started from `seed`.
    pub fn new(seed: u32) -> Noise {
        Noise(seed.max(1))
    }

    /// Uniform in [-1, 1).
    pub fn sample(&mut self) -> f32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        (x as f32 / u32::MAX as f32) * 2.0 - 1.0
    }
}

/// Renders parameter frames into samples at `rate`.
pub fn render(frames: &[Frame], rate: u32, source: Source) -> Vec<f32> {
    let fs = rate as f32;
    let nyq = fs * 0.45;
    let mut out = Vec::with_capacity(frames.len() * FRAME);
    let mut noise = Noise::new(0x5eed_1234);
    let mut cascade = [Resonator::default(); 7];
    let mut nasal_pole = Resonator::default();
    let mut nasal_zero = Resonator::default();
    let mut fric = [Resonator::default(); 4];
    let mut prev_noise = 0.0f32;
    let mut phase = 1.0f32;
    let mut period_amp = 1.0f32;
    let mut period_f0 = 100.0f32;
    let mut tilt_state = 0.0f32;
    let mut asp_state = 0.0f32;
    // The source runs one sample ahead of what it emits, so that the band-limiting of the
    // glottal closure can correct the sample before the closure as well as the one after.
    let mut pending = 0.0f32;
    let (mut hp_x, mut hp_y) = (0.0f32, 0.0f32);
    nasal_pole.set(NASAL_POLE, 100.0, fs);
    // F1's coefficients in the closed and in the open phase, and how far it is between
    // them (0 closed, 1 open); the open flag is taken a sample late, as the source runs
    // a sample ahead.
    let damped = source.open_b1_hz > 0.0;
    let (mut f1_closed, mut f1_open) = (Resonator::default(), Resonator::default());
    let mut f1_mix = 0.0f32;
    let blend_step = 1.0 / (OPEN_PHASE_BLEND_MS * 0.001 * fs).max(1.0);
    let mut open_late = false;
    for (k, fr) in frames.iter().enumerate() {
        let nx = frames.get(k + 1).unwrap_or(fr);
        for (i, r) in cascade.iter_mut().take(5).enumerate() {
            let f = fr[p::F1 + i].clamp(100.0, nyq);
            r.set(f, fr[p::B1 + i].max(30.0), fs);
        }
        if damped {
            // The closed phase is the frame's own F1, just set above.
            f1_closed = cascade[0];
            let voicing = fr[p::AV].clamp(0.0, 1.0);
            f1_open.set(
                fr[p::F1].clamp(100.0, nyq),
                fr[p::B1].max(30.0) + voicing * source.open_b1_hz,
                fs,
            );
        }
        let f5 = fr[p::F1 + 4];
        cascade[5].set((f5 * 1.25).clamp(100.0, nyq), 500.0, fs);
        cascade[6].set((f5 * 1.5).clamp(100.0, nyq), 700.0, fs);
        let nasal = fr[p::NZ] != NASAL_POLE || nx[p::NZ] != NASAL_POLE;
        nasal_zero.set(fr[p::NZ].clamp(100.0, nyq), 100.0, fs);
        let frication = fr[p::AF] > 0.0 || nx[p::AF] > 0.0;
        if frication {
            for (i, r) in fric.iter_mut().enumerate() {
                let j = p::FP1 + 3 * (i / 2);
                let f = fr[j].clamp(200.0, nyq);
                r.set_peak(f, fr[j + 1].max(50.0), fs);
            }
        } else {
            // Silent resonators start afresh rather than ring into the next fricative.
            for r in fric.iter_mut() {
                r.z1 = 0.0;
                r.z2 = 0.0;
            }
        }
        for s in 0..FRAME {
            let t = s as f32 / FRAME as f32;
            let lerp = |j: usize| fr[j] + (nx[j] - fr[j]) * t;
            let f0 = lerp(p::F0).clamp(40.0, 600.0);
            let av = lerp(p::AV).max(0.0);
            let ah = lerp(p::AH).max(0.0);
            let af = lerp(p::AF).max(0.0);
            // The glottal cycle: a new period latches its length and a slight
            // deterministic jitter and shimmer, which keep the voice from buzzing.
            let step = period_f0 / fs;
            let before = phase;
            phase += step;
            if phase >= 1.0 {
                phase -= 1.0;
                period_f0 = f0 * (1.0 + 0.006 * noise.sample());
                period_amp = 1.0 + 0.04 * noise.sample();
            }
            let oq = source.open_quotient;
            let x = phase / oq;
            let open = x < 1.0;
            // KLGLOTT88: flow x²(1-x) over the open phase; its derivative excites the tract
            // (the lip radiation's differentiation folded in).
            let mut voice = if open { 2.0 * x - 3.0 * x * x } else { 0.0 } * av * period_amp;
            if before < oq && phase >= oq {
                // The closure is a step (the derivative jumps from -1 to 0) that falls
                // between two samples: sampled as is, its harmonics above the Nyquist
                // frequency fold back between the voice's own harmonics as a rough noise,
                // worse the higher the pitch. A two-sample polynomial band-limited step
                // (polyBLEP) smooths it over the samples either side.
                let d = ((phase - oq) / step).clamp(0.0, 1.0);
                let h = av * period_amp;
                voice -= 0.5 * h * (1.0 - d) * (1.0 - d);
                pending += 0.5 * h * d * d;
            }
            let voice = std::mem::replace(&mut pending, voice);
            if damped {
                let target = if std::mem::replace(&mut open_late, open) {
                    1.0
                } else {
                    0.0
                };
                f1_mix = if f1_mix < target {
                    (f1_mix + blend_step).min(target)
                } else {
                    (f1_mix - blend_step).max(target)
                };
                cascade[0].blend(&f1_closed, &f1_open, f1_mix);
            }
            tilt_state = (1.0 - source.tilt) * voice + source.tilt * tilt_state;
            let n1 = noise.sample();
            let n2 = noise.sample();
            // Aspiration: low-passed noise, stronger in the open phase when voiced.
            asp_state = 0.5 * n1 + 0.5 * asp_state;
            let breath = source.breathiness * av * if open { 1.0 } else { 0.35 };
            let asp = asp_state * (ah + breath) * ASPIRATION_GAIN;
            let mut y = tilt_state * 0.9 + asp;
            if nasal {
                y = nasal_pole.run(nasal_zero.run_zero(y));
            } else {
                // Pole and zero coincide and cancel: only their memories move on, so a
                // nasal that follows starts from the right state.
                nasal_zero.z2 = nasal_zero.z1;
                nasal_zero.z1 = y;
                nasal_pole.z2 = nasal_pole.z1;
                nasal_pole.z1 = y;
            }
            for r in cascade.iter_mut().rev() {
                y = r.run(y);
            }
            let mut mixed = y;
            if frication {
                // Frication; voiced fricatives have their noise modulated by the glottal
                // cycle.
                let mut fnoise = n2 * af;
                if av > 0.1 {
                    fnoise *= if open { 1.0 } else { 0.55 };
                }
                let diff = 0.5 * (fnoise - prev_noise);
                prev_noise = fnoise;
                let x1 = fric[0].run(fnoise);
                let b1 = fric[1].run(x1);
                let x2 = fric[2].run(fnoise);
                let b2 = fric[3].run(x2);
                let par = b1 * lerp(p::FP1 + 2) + b2 * lerp(p::FP1 + 5) + diff * lerp(p::FAB);
                mixed += par * FRICATION_GAIN;
            } else {
                prev_noise = 0.0;
            }
            // A DC blocker: the source's mean is not zero.
            let hp = mixed - hp_x + 0.995 * hp_y;
            hp_x = mixed;
            hp_y = hp;
            out.push(hp);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Half a second of a steady /a/ at 150 Hz.
    fn vowel() -> Vec<Frame> {
        let mut f: Frame = [0.0; p::N];
        f[p::F0] = 150.0;
        f[p::AV] = 1.0;
        for (i, (hz, bw)) in [
            (700.0, 80.0),
            (1200.0, 90.0),
            (2600.0, 120.0),
            (3300.0, 200.0),
            (3750.0, 250.0),
        ]
        .into_iter()
        .enumerate()
        {
            f[p::F1 + i] = hz;
            f[p::B1 + i] = bw;
        }
        f[p::NZ] = NASAL_POLE;
        vec![f; 22050 / 2 / FRAME]
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    #[test]
    fn open_phase_damping_widens_f1_without_clicks() {
        let source = |open_b1_hz| Source {
            open_quotient: 0.6,
            tilt: 0.35,
            breathiness: 0.0,
            open_b1_hz,
        };
        let plain = render(&vowel(), 22050, source(0.0));
        let damped = render(&vowel(), 22050, source(100.0));
        assert_eq!(plain.len(), damped.len());
        assert!(damped.iter().all(|v| v.is_finite()));
        // A wider F1 lowers its resonance peak: less energy, but the same vowel.
        let (a, b) = (rms(&plain), rms(&damped));
        assert!(b < 0.97 * a && b > 0.6 * a, "rms {a} → {b}");
        // No click where the coefficients move: no sample jumps further than the plain
        // voice's largest step allows.
        let step = |x: &[f32]| {
            x.windows(2)
                .map(|w| (w[1] - w[0]).abs())
                .fold(0.0, f32::max)
        };
        assert!(step(&damped) <= 1.05 * step(&plain));
    }
}

//! Prosody and articulation: phones become timed segments with formant, amplitude and
//! pitch targets, laid out as synthesizer frames and smoothed into continuous tracks.
//!
//! Durations start from each phoneme's base duration and are scaled for stress,
//! gemination and phrase-final lengthening. Pitch declines across a phrase, peaks on
//! each word's stressed vowel, and ends with a fall (.), a rise (؟) or a continuation
//! rise (،). Targets are step functions; a zero-phase smoother then turns them into
//! transitions of a few tens of milliseconds (formants) or a few milliseconds
//! (amplitudes), which is how consonant loci bend the neighbouring vowels.

use super::g2p::{Break, Phone, Phrase};
use super::klatt::{p, Frame, FRAME, NASAL_POLE};
use super::phoneme::{acoustic, Acoustic, Kind, Ph};

/// How the voice speaks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Base pitch in Hz.
    pub pitch_hz: f32,
    /// Speaking rate; 1.0 is the normal pace.
    pub speed: f32,
    /// Multiplies every formant frequency (vocal tract length).
    pub formant_scale: f32,
    /// Pitch range: how far accents and phrase ends move from the baseline, 1.0 normal.
    pub intonation: f32,
    /// Silence between words in ms (0 runs words together as speech does).
    pub word_gap_ms: f32,
}

/// One stretch of constant targets.
#[derive(Debug, Clone, Copy)]
struct Seg {
    ms: f32,
    t: Frame,
}

/// Lays out the phrases as frames at `rate`.
pub fn frames(phrases: &[Phrase], style: &Style, rate: u32) -> Vec<Frame> {
    let mut segs: Vec<Seg> = Vec::new();
    let speed = style.speed.clamp(0.3, 3.0);
    let mut silence = neutral(style);
    silence[p::F0] = style.pitch_hz;
    segs.push(Seg {
        ms: 60.0,
        t: silence,
    });
    let n_phr = phrases.len();
    for (pi, phrase) in phrases.iter().enumerate() {
        let flat: Vec<(Phone, usize)> = phrase
            .words
            .iter()
            .enumerate()
            .flat_map(|(wi, w)| w.phones.iter().map(move |ph| (*ph, wi)))
            .collect();
        let n = flat.len();
        let n_words = phrase.words.len();
        let last_vowel = flat.iter().rposition(|(ph, _)| ph.ph.is_vowel());
        // Phrase-final lengthening starts at the onset of the last syllable.
        let final_from = last_vowel.map(|v| v.saturating_sub(1)).unwrap_or(n);
        // Later phrases of one sentence start a little lower.
        let reset = 1.0 - 0.04 * (pi.min(3) as f32);
        for (k, &(ph, wi)) in flat.iter().enumerate() {
            let prev = k.checked_sub(1).map(|j| flat[j].0);
            let next = flat.get(k + 1).map(|x| x.0);
            let frac = k as f32 / n.max(1) as f32;
            let range = style.intonation;
            let base = style.pitch_hz * reset * (1.0 + range * (0.10 - 0.20 * frac));
            let mut stretch = 1.0 / speed;
            if k >= final_from {
                stretch *= if ph.ph.is_vowel() { 1.45 } else { 1.2 };
            }
            let ctx = Ctx {
                ph,
                prev,
                next,
                vowel_next: flat[k + 1..].iter().map(|x| x.0).find(|q| q.ph.is_vowel()),
                vowel_prev: flat[..k]
                    .iter()
                    .rev()
                    .map(|x| x.0)
                    .find(|q| q.ph.is_vowel()),
                stretch,
                style,
            };
            let start = segs.len();
            articulate(&ctx, &mut segs);
            // Pitch: the baseline, an accent on stressed vowels of words that have more
            // than one syllable or are not the phrase's last, and the phrase's ending.
            let is_final_vowel = Some(k) == last_vowel;
            let word_vowels = phrase.words[wi]
                .phones
                .iter()
                .filter(|q| q.ph.is_vowel())
                .count();
            let accent = ph.stress && word_vowels >= 2;
            let (a, b) = if is_final_vowel {
                let end = style.pitch_hz;
                match phrase.end {
                    Break::Period if pi + 1 == n_phr => {
                        (base * (1.0 + 0.12 * range), end * (1.0 - 0.3 * range))
                    }
                    Break::Period => (base * (1.0 + 0.08 * range), end * (1.0 - 0.2 * range)),
                    Break::Question => (base, end * (1.0 + 0.5 * range)),
                    Break::Comma => (base, base * (1.0 + 0.15 * range)),
                    Break::Colon => (base, base),
                    Break::Minor => (base, base * (1.0 + 0.08 * range)),
                }
            } else if accent {
                // The first accent of a phrase is the highest.
                let lift = if wi == 0 { 0.22 } else { 0.15 };
                (
                    base * (1.0 + lift * range),
                    base * (1.0 + 0.6 * lift * range),
                )
            } else {
                (base, base)
            };
            let count = segs.len() - start;
            for (j, s) in segs[start..].iter_mut().enumerate() {
                s.t[p::F0] = if j * 2 < count { a } else { b };
            }
            if ph.ph == Ph::Ain {
                // ع is pressed and creaky: the pitch dips while it lasts.
                for s in segs[start..].iter_mut() {
                    s.t[p::F0] *= 0.75;
                }
            }
            if ph.ph.is_vowel() && count == 1 {
                // Split a vowel so the accent's rise and fall both have a target.
                let s = segs[start];
                segs[start].ms = s.ms * 0.5;
                segs[start].t[p::F0] = a;
                let mut second = s;
                second.ms = s.ms * 0.5;
                second.t[p::F0] = b;
                if is_final_vowel {
                    second.t[p::AV] *= 0.75;
                }
                segs.push(second);
            }
            let word_end = flat.get(k + 1).is_some_and(|x| x.1 != wi);
            if word_end && style.word_gap_ms > 0.0 && wi + 1 < n_words {
                let mut gap = silence;
                gap[p::F0] = b;
                gap[p::F1..p::NZ].copy_from_slice(&segs[segs.len() - 1].t[p::F1..p::NZ]);
                gap[p::AV] = 0.0;
                gap[p::AH] = 0.0;
                gap[p::AF] = 0.0;
                segs.push(Seg {
                    ms: style.word_gap_ms,
                    t: gap,
                });
            }
        }
        let pause = match phrase.end {
            Break::Comma => 220.0,
            Break::Colon => 260.0,
            Break::Minor => 110.0,
            Break::Period | Break::Question => 380.0,
        };
        let mut gap = silence;
        if let Some(last) = segs.last() {
            gap[p::F0] = last.t[p::F0];
            gap[p::F1..p::NZ].copy_from_slice(&last.t[p::F1..p::NZ]);
        }
        gap[p::AV] = 0.0;
        gap[p::AH] = 0.0;
        gap[p::AF] = 0.0;
        segs.push(Seg {
            ms: if pi + 1 == n_phr {
                120.0
            } else {
                pause / speed
            },
            t: gap,
        });
    }
    lay_out(&segs, rate)
}

/// Context for articulating one phone.
struct Ctx<'a> {
    ph: Phone,
    prev: Option<Phone>,
    next: Option<Phone>,
    vowel_next: Option<Phone>,
    vowel_prev: Option<Phone>,
    stretch: f32,
    style: &'a Style,
}

fn neutral(style: &Style) -> Frame {
    let mut t = [0.0; p::N];
    let fs = style.formant_scale;
    let f = [500.0, 1500.0, 2500.0, 3500.0, 4500.0];
    let b = [90.0, 110.0, 160.0, 250.0, 300.0];
    for i in 0..5 {
        t[p::F1 + i] = f[i] * fs;
        t[p::B1 + i] = b[i];
    }
    t[p::FP1] = 4000.0;
    t[p::FP1 + 1] = 1000.0;
    t[p::FP1 + 3] = 2500.0;
    t[p::FP1 + 4] = 500.0;
    t[p::NZ] = NASAL_POLE;
    t
}

/// The formants a vowel is said with: backed (lower F2, higher F1) next to emphatics,
/// slightly centralized when short and unstressed.
fn vowel_formants(v: Phone) -> ([f32; 3], [f32; 3]) {
    let a = acoustic(v.ph);
    let [mut f1, mut f2, f3] = a.formants;
    if v.emph {
        f2 = 0.6 * f2 + 300.0;
        if matches!(v.ph, Ph::A | Ph::Aa) {
            f1 += 40.0;
        }
    }
    if !v.stress && !v.ph.is_long() {
        f1 += (500.0 - f1) * 0.15;
        f2 += (1450.0 - f2) * 0.15;
    }
    ([f1, f2, f3], a.bandwidths)
}

fn set_formants(t: &mut Frame, f: [f32; 3], b: [f32; 3], style: &Style) {
    let fs = style.formant_scale;
    for i in 0..3 {
        t[p::F1 + i] = f[i] * fs;
        t[p::B1 + i] = b[i];
    }
}

/// Fills a frame from a phoneme's table row.
fn target(a: &Acoustic, formants: [f32; 3], style: &Style) -> Frame {
    let mut t = neutral(style);
    set_formants(&mut t, formants, a.bandwidths, style);
    t[p::AV] = a.av;
    t[p::AH] = a.ah;
    t[p::AF] = a.af;
    for (i, (f, bw, g)) in a.fric.iter().enumerate() {
        if *f > 0.0 {
            t[p::FP1 + 3 * i] = *f;
            t[p::FP1 + 3 * i + 1] = *bw;
        }
        t[p::FP1 + 3 * i + 2] = *g;
    }
    t[p::FAB] = a.bypass;
    if a.nasal_zero > 0.0 {
        t[p::NZ] = a.nasal_zero;
    }
    t
}

/// Appends the segments of one phone.
fn articulate(c: &Ctx, segs: &mut Vec<Seg>) {
    let a = acoustic(c.ph.ph);
    let style = c.style;
    let gem = if c.ph.gem { 1.8 } else { 1.0 };
    let dur = a.dur_ms * c.stretch;
    // The formants of the nearest vowel, for sounds made at the glottis, which leave the
    // mouth free.
    let around = c
        .vowel_next
        .or(c.vowel_prev)
        .map(vowel_formants)
        .map(|f| f.0)
        .unwrap_or([500.0, 1500.0, 2500.0]);
    let locus = if a.formants[0] > 0.0 {
        a.formants
    } else {
        around
    };
    let next_vowel = c.next.filter(|n| n.ph.is_vowel());
    match a.kind {
        Kind::Vowel => {
            let (f, b) = vowel_formants(c.ph);
            let mut t = target(&a, f, style);
            set_formants(&mut t, f, b, style);
            let stress = if c.ph.stress { 1.2 } else { 1.0 };
            t[p::AV] = if c.ph.stress { 1.0 } else { 0.85 };
            segs.push(Seg {
                ms: dur * stress,
                t,
            });
        }
        Kind::Stop => {
            let mut closure = target(&a, locus, style);
            closure[p::AF] = 0.0;
            closure[p::AH] = 0.0;
            if a.voiced {
                // A voice bar: low F1, weak voicing through the closed tract.
                closure[p::F1] = 200.0 * style.formant_scale;
                closure[p::AV] = a.av;
            } else {
                closure[p::AV] = 0.0;
            }
            segs.push(Seg {
                ms: dur * gem,
                t: closure,
            });
            let mut burst = target(&a, locus, style);
            burst[p::AV] = if a.voiced { 0.35 } else { 0.0 };
            burst[p::AH] = 0.0;
            let burst_ms = match c.ph.ph {
                Ph::Q => 20.0,
                Ph::K => 20.0,
                _ => 11.0,
            };
            segs.push(Seg {
                ms: burst_ms,
                t: burst,
            });
            if !a.voiced && a.ah > 0.0 {
                let f = next_vowel.map(|v| vowel_formants(v).0).unwrap_or(locus);
                let mut asp = target(&a, f, style);
                asp[p::AV] = 0.0;
                asp[p::AF] = 0.0;
                asp[p::AH] = a.ah;
                segs.push(Seg {
                    ms: 45.0 * a.ah,
                    t: asp,
                });
            }
        }
        Kind::Affr => {
            let mut closure = target(&a, locus, style);
            closure[p::AF] = 0.0;
            closure[p::F1] = 200.0 * style.formant_scale;
            segs.push(Seg {
                ms: dur * 0.8 * gem,
                t: closure,
            });
            let fric = target(&a, locus, style);
            segs.push(Seg {
                ms: dur * 0.9,
                t: fric,
            });
        }
        Kind::Glottal => {
            let mut t = target(&a, locus, style);
            if c.ph.ph == Ph::Glottal {
                t[p::AV] = 0.0;
                t[p::AH] = 0.0;
                // Between vowels the stop is short; after a pause it is only an onset.
                let ms = if c.prev.is_some() { dur * gem } else { 25.0 };
                segs.push(Seg { ms, t });
            } else {
                // h between vowels is partly voiced.
                t[p::AV] = if c.prev.is_some_and(|q| q.ph.is_vowel()) && next_vowel.is_some() {
                    0.15
                } else {
                    0.0
                };
                segs.push(Seg { ms: dur * gem, t });
            }
        }
        Kind::Tap => {
            let t = target(&a, locus, style);
            let mut closed = t;
            closed[p::AV] = 0.3;
            closed[p::F1] = 280.0 * style.formant_scale;
            let taps = if c.ph.gem { 2 } else { 1 };
            segs.push(Seg { ms: dur * 0.35, t });
            for _ in 0..taps {
                segs.push(Seg {
                    ms: 18.0,
                    t: closed,
                });
                segs.push(Seg { ms: dur * 0.3, t });
            }
        }
        Kind::Fric | Kind::Nasal | Kind::Lat | Kind::Glide | Kind::Phar => {
            let t = target(&a, locus, style);
            segs.push(Seg { ms: dur * gem, t });
        }
    }
}

/// Samples the segments into frames and smooths each track.
fn lay_out(segs: &[Seg], rate: u32) -> Vec<Frame> {
    let frame_ms = FRAME as f32 * 1000.0 / rate.max(1) as f32;
    let mut frames: Vec<Frame> = Vec::new();
    let mut t_end = 0.0f32;
    for s in segs {
        t_end += s.ms.max(0.0);
        while (frames.len() as f32) * frame_ms < t_end {
            frames.push(s.t);
        }
    }
    // Time constants in ms: formants glide, amplitudes move fast but without clicks,
    // pitch moves slowest.
    let smooth = |frames: &mut Vec<Frame>, idx: std::ops::Range<usize>, tau_ms: f32| {
        let k = (-frame_ms / tau_ms).exp();
        for j in idx {
            let mut y = frames.first().map(|f| f[j]).unwrap_or(0.0);
            for f in frames.iter_mut() {
                y = k * y + (1.0 - k) * f[j];
                f[j] = y;
            }
            let mut y = frames.last().map(|f| f[j]).unwrap_or(0.0);
            for f in frames.iter_mut().rev() {
                y = k * y + (1.0 - k) * f[j];
                f[j] = y;
            }
        }
    };
    smooth(&mut frames, p::F0..p::F0 + 1, 25.0);
    smooth(&mut frames, p::AV..p::AF + 1, 3.0);
    smooth(&mut frames, p::F1..p::FP1, 9.0);
    smooth(&mut frames, p::FP1..p::NZ, 3.0);
    smooth(&mut frames, p::NZ..p::N, 6.0);
    frames
}

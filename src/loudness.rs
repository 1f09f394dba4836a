//! Loudness normalization (EBU R128): measure the programme's integrated loudness, apply
//! one gain to reach the target (−16 LUFS, the usual podcast level), and hold true peaks
//! under the ceiling (−1 dBTP) with a look-ahead limiter.
//!
//! Measuring uses the `ebur128` crate (a port of libebur128, the same algorithm as
//! ffmpeg's `ebur128` filter). The limiter is ours: it estimates inter-sample peaks with a
//! 4× interpolator, computes the gain each sample needs, and smooths that gain with a
//! minimum filter followed by a moving average of the same width — which never exceeds
//! the needed gain at any sample, so it cannot let a peak through — then a slow release.

use ebur128::{EbuR128, Mode};

use crate::spill::{Signal, BLOCK};

/// What to aim for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Integrated loudness, LUFS.
    pub lufs: f64,
    /// Highest true peak, dBTP.
    pub true_peak_dbtp: f64,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            lufs: -16.0,
            true_peak_dbtp: -1.0,
        }
    }
}

/// Integrated loudness and true peak of a signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// Integrated loudness, LUFS (−70 or below for silence).
    pub lufs: f64,
    /// True peak, dBTP.
    pub true_peak_dbtp: f64,
}

/// The outcome of [`normalize`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// Before.
    pub before: Measure,
    /// After.
    pub after: Measure,
    /// Gain applied before limiting, dB.
    pub gain_db: f64,
}

/// Quietest loudness ebur128 reports; below it a programme is treated as silent.
const SILENT_LUFS: f64 = -70.0;

/// Most gain ever applied: a near-silent programme is not blown up into noise.
const MAX_GAIN_DB: f64 = 30.0;

/// Measures mono samples. Values are rounded to 0.01 so that manifests stay identical
/// across machines whose floating point differs in the last bits.
pub fn measure(samples: &[f32], rate: u32) -> Result<Measure, String> {
    measure_signal(&samples, rate)
}

/// [`measure`] of a programme wherever it is kept, read block by block.
pub fn measure_signal(signal: &dyn Signal, rate: u32) -> Result<Measure, String> {
    let (lufs, peak) = loudness_of(Mode::I | Mode::TRUE_PEAK, signal, rate)?;
    Ok(rounded(lufs, peak))
}

/// Normalizes `samples` in place to `target` and reports before and after.
pub fn normalize(samples: &mut [f32], rate: u32, target: Target) -> Result<Report, String> {
    let (report, gain) = plan(&&*samples, rate, target)?;
    let normalized = crate::spill::to_vec(&gain.applied(&&*samples, rate))?;
    samples.copy_from_slice(&normalized);
    Ok(report)
}

/// What normalizing takes: one gain for the whole programme, then the look-ahead
/// limiter at a ceiling. Applied as the programme streams past ([`Gain::applied`]), the
/// limiter finding its peaks and gains as it goes, so that neither the normalized
/// programme nor its peaks are ever held whole (keeping the peaks and the limiter's
/// gains between passes once took more memory than the rest of a long edition).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gain {
    /// The linear gain.
    g: f32,
    /// The limiter's ceiling (linear), if it runs.
    ceiling: Option<f32>,
}

impl Gain {
    /// No change: every sample comes out as it went in (times exactly 1).
    pub fn none() -> Gain {
        Gain {
            g: 1.0,
            ceiling: None,
        }
    }

    /// `signal` at `rate` with the gain applied, read block by block.
    pub fn applied<'a>(&'a self, signal: &'a dyn Signal, rate: u32) -> Normalized<'a> {
        Normalized {
            signal,
            gain: self,
            rate,
        }
    }
}

/// A programme with a [`Gain`] applied as it is read (see [`Gain::applied`]): the same
/// samples, bit for bit, as limiting the whole gained programme at once.
pub struct Normalized<'a> {
    signal: &'a dyn Signal,
    gain: &'a Gain,
    rate: u32,
}

impl Signal for Normalized<'_> {
    fn len(&self) -> usize {
        self.signal.len()
    }

    fn each_block(&self, f: &mut dyn FnMut(&[f32]) -> Result<(), String>) -> Result<(), String> {
        let g = self.gain.g;
        let Some(ceiling) = self.gain.ceiling else {
            let mut block = Vec::with_capacity(BLOCK.min(self.signal.len()));
            return self.signal.each_block(&mut |b| {
                block.clear();
                block.extend(b.iter().map(|&s| s * g));
                f(&block)
            });
        };
        let mut limiter = StreamLimiter::new(self.signal.len(), g, ceiling, self.rate);
        // The limiter gives samples as their gains are known, a little behind the input:
        // they are handed on in blocks of BLOCK again, as the meter and encoders take them.
        let mut out: Vec<f32> = Vec::with_capacity(2 * BLOCK);
        let mut pass = |out: &mut Vec<f32>, last: bool| -> Result<(), String> {
            let mut from = 0;
            while out.len() - from >= BLOCK || (last && from < out.len()) {
                let to = (from + BLOCK).min(out.len());
                f(&out[from..to])?;
                from = to;
            }
            out.drain(..from);
            Ok(())
        };
        self.signal.each_block(&mut |b| {
            limiter.push(b, &mut out);
            pass(&mut out, false)
        })?;
        limiter.finish(&mut out);
        pass(&mut out, true)
    }
}

/// Finds how to normalize `signal` to `target` (see [`Gain`]) and reports before and
/// after; `signal` is only read, in blocks, a few times over.
pub fn plan(signal: &dyn Signal, rate: u32, target: Target) -> Result<(Report, Gain), String> {
    let before = measure_signal(signal, rate)?;
    if before.lufs <= SILENT_LUFS {
        let report = Report {
            before,
            after: before,
            gain_db: 0.0,
        };
        return Ok((report, Gain::none()));
    }
    // Each round measures the gained, limited signal as it streams past; what the last
    // round found is returned, to be applied as the programme is encoded. (A copy of the
    // original and a padded copy for the interpolator once made this step hold the
    // programme four times over.)
    let mut gain_db = (target.lufs - before.lufs).min(MAX_GAIN_DB);
    // A little headroom: MP3 encoding and other meters move true peaks by a few tenths.
    let mut ceiling = target.true_peak_dbtp - 0.2;
    let mut after = before;
    let mut chosen = Gain::none();
    // Limiting lowers the loudness a little and the interpolator only estimates true
    // peaks: a few rounds of measuring and correcting settle both. Rounds measure the
    // loudness alone; the full measure (with the costlier true peak) runs once the
    // loudness is on target.
    for round in 0..6 {
        let gain = Gain {
            g: db_to_lin(gain_db) as f32,
            ceiling: Some(db_to_lin(ceiling) as f32),
        };
        let (lufs, _) = loudness_of(Mode::I, &gain.applied(signal, rate), rate)?;
        if (lufs - target.lufs).abs() > 0.1 && round < 5 {
            gain_db = (gain_db + target.lufs - lufs).min(MAX_GAIN_DB);
            continue;
        }
        let (lufs, peak) =
            loudness_of(Mode::I | Mode::TRUE_PEAK, &gain.applied(signal, rate), rate)?;
        after = rounded(lufs, peak);
        if after.true_peak_dbtp <= target.true_peak_dbtp || round == 5 {
            chosen = gain;
            break;
        }
        ceiling -= after.true_peak_dbtp - target.true_peak_dbtp + 0.05;
    }
    let report = Report {
        before,
        after,
        gain_db: (gain_db * 100.0).round() / 100.0,
    };
    Ok((report, chosen))
}

/// Measures `signal` block by block: the integrated loudness (LUFS, −200 at most for
/// silence) and, if `mode` asks for it, the linear true peak (else 1).
fn loudness_of(mode: Mode, signal: &dyn Signal, rate: u32) -> Result<(f64, f64), String> {
    let mut m = EbuR128::new(1, rate, mode).map_err(|e| format!("loudness meter: {e:?}"))?;
    signal.each_block(&mut |block| {
        m.add_frames_f32(block)
            .map_err(|e| format!("loudness meter: {e:?}"))
    })?;
    let lufs = m.loudness_global().unwrap_or(f64::NEG_INFINITY).max(-200.0);
    let peak = if mode.contains(Mode::TRUE_PEAK) {
        m.true_peak(0).unwrap_or(0.0)
    } else {
        1.0
    };
    Ok((lufs, peak))
}

/// A measure rounded to 0.01 (see [`measure`]).
fn rounded(lufs: f64, peak: f64) -> Measure {
    let db = |x: f64| {
        if x > 0.0 {
            20.0 * x.log10()
        } else {
            -200.0
        }
    };
    let round = |x: f64| {
        if x.is_finite() {
            (x * 100.0).round() / 100.0
        } else {
            -200.0
        }
    };
    Measure {
        lufs: round(lufs.max(-200.0)),
        true_peak_dbtp: round(db(peak)),
    }
}

/// Integrated loudness alone (no true peak), LUFS; −200 for silence.
pub fn integrated(samples: &[f32], rate: u32) -> Result<f64, String> {
    integrated_signal(&samples, rate)
}

/// [`integrated`] of a programme wherever it is kept, read block by block.
pub fn integrated_signal(signal: &dyn Signal, rate: u32) -> Result<f64, String> {
    loudness_of(Mode::I, signal, rate).map(|(lufs, _)| lufs)
}

fn db_to_lin(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Half-width of the limiter's look-ahead in samples: 3 ms, short enough to be inaudible
/// on speech.
fn look_ahead(rate: u32) -> usize {
    (rate as usize * 3 / 1000).max(1)
}

/// The limiter's release: the gain may rise by at most this much per sample (full
/// recovery from −6 dB in about 80 ms), and never above what each sample allows.
fn release_step(rate: u32) -> f32 {
    0.5 / (rate as f32 * 0.08)
}

/// The look-ahead peak limiter, run as the signal streams past: afterwards no sample, and
/// no interpolated point between samples, exceeds the ceiling. Each sample's
/// interpolated peak is found as it arrives ([`PeakScan`]), the regions that need
/// limiting are formed as their peaks come, and a sample is given out, gained and
/// limited, once its gain can no longer change (a few milliseconds behind the input, or
/// the length of a region being formed). Bit for bit what the region limiter over all
/// the peaks at once gives (kept in the tests as its reference).
struct StreamLimiter {
    n: usize,
    /// The gain applied before limiting (the peaks are the input's, scaled by it).
    g: f32,
    ceiling: f32,
    /// Half-width of the look-ahead, and the release per sample.
    h: usize,
    step: f32,
    scan: PeakScan,
    /// Peaks found in the block being taken.
    found: Vec<(usize, f32)>,
    /// Input samples from `next` on, and what each allows (from `next` on, as far as
    /// peaks have been found).
    held: std::collections::VecDeque<f32>,
    needs: std::collections::VecDeque<f32>,
    /// The first sample not given out yet.
    next: usize,
    /// The gain of the previous sample given out.
    carry: f32,
    /// The region being formed: its first sample (padded) and its last limited sample.
    region: Option<(usize, usize)>,
}

impl StreamLimiter {
    fn new(n: usize, g: f32, ceiling: f32, rate: u32) -> StreamLimiter {
        StreamLimiter {
            n,
            g,
            ceiling,
            h: look_ahead(rate),
            step: release_step(rate),
            scan: PeakScan::new(n),
            found: Vec::new(),
            held: std::collections::VecDeque::new(),
            needs: std::collections::VecDeque::new(),
            next: 0,
            carry: 1.0,
            region: None,
        }
    }

    /// Takes the next block of input; gives out into `out` the samples now settled.
    fn push(&mut self, block: &[f32], out: &mut Vec<f32>) {
        self.held.extend(block.iter().copied());
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        self.scan.push(block, &mut |i, p| found.push((i, p)));
        for &(i, p) in &found {
            self.peak(i, p, out);
        }
        self.found = found;
    }

    /// The input has ended: gives out the rest.
    fn finish(&mut self, out: &mut Vec<f32>) {
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        self.scan.finish(&mut |i, p| found.push((i, p)));
        for &(i, p) in &found {
            self.peak(i, p, out);
        }
        if let Some((start, last)) = self.region.take() {
            self.close(start, (last + 2 * self.h + 1).min(self.n), out);
        }
        self.release(self.n, out);
    }

    /// Takes the peak of sample `i` (peaks come in order).
    fn peak(&mut self, i: usize, peak: f32, out: &mut Vec<f32>) {
        let p = peak * self.g;
        let need = if p > self.ceiling {
            self.ceiling / p
        } else {
            1.0
        };
        self.needs.push_back(need);
        let h = self.h;
        if need < 1.0 {
            match self.region {
                // Limited samples closer than 4h + 1 to each other share a region.
                Some((start, last)) if i <= last + 4 * h + 1 => self.region = Some((start, i)),
                _ => {
                    if let Some((start, last)) = self.region.take() {
                        self.close(start, (last + 2 * h + 1).min(self.n), out);
                    }
                    let start = i.saturating_sub(2 * h).max(self.next);
                    self.release(start, out);
                    self.region = Some((start, i));
                }
            }
        }
        match self.region {
            // No limited sample can join the region any more: its gains are known.
            Some((start, last)) if i > last + 4 * h + 1 => {
                self.region = None;
                self.close(start, (last + 2 * h + 1).min(self.n), out);
            }
            Some(_) => {}
            // Any later region starts at least 2h before its first limited sample, after
            // this one: up to there only the release can change the gain.
            None => self.release((i + 1).saturating_sub(2 * h), out),
        }
    }

    /// Gives out the samples up to `to` (exclusive) outside any region: the release
    /// rises back to 1 and stops there.
    fn release(&mut self, to: usize, out: &mut Vec<f32>) {
        while self.next < to {
            if self.carry >= 1.0 {
                self.give(None, out);
            } else {
                self.carry = (self.carry + self.step).min(1.0);
                self.give(Some(self.carry), out);
            }
        }
    }

    /// Gives out the region from `next` (its padded start) to `end`: the needs' minimum
    /// over the look-ahead, averaged over the same width, under the release.
    fn close(&mut self, start: usize, end: usize, out: &mut Vec<f32>) {
        debug_assert_eq!(start, self.next);
        let local: Vec<f32> = self.needs.range(..end - start).copied().collect();
        let gain = moving_average(&sliding_min(&local, self.h), self.h);
        for g in gain {
            self.carry = g.min(self.carry + self.step);
            self.give(Some(self.carry), out);
        }
    }

    /// Gives out sample `next`: gained, and limited by `limit` if the limiter touches
    /// it (as [`limiter_gains`]' segments are applied).
    fn give(&mut self, limit: Option<f32>, out: &mut Vec<f32>) {
        let (Some(x), need) = (self.held.pop_front(), self.needs.pop_front()) else {
            return;
        };
        debug_assert!(need.is_some());
        let s = x * self.g;
        out.push(match limit {
            Some(gain) => (s * gain).clamp(-1.0, 1.0),
            None => s,
        });
        self.next += 1;
    }
}

/// Taps of the interpolator on each side of a point.
const TAPS: usize = 8;

/// Per sample, the largest magnitude among the sample and 3 interpolated points between it
/// and both neighbours (windowed-sinc, 4× oversampling, 8 taps each side), over a signal
/// that arrives in blocks: each sample's peak is found once the 8 samples after it have
/// arrived (or the signal has ended), from the
/// same 16 values in the same order as over the whole signal, so the peaks are the same
/// bit for bit however the signal is cut.
struct PeakScan {
    /// The signal's length.
    n: usize,
    /// Coefficients for the points at n + p/4, p = 1..3.
    coef: [[f32; 2 * TAPS]; 3],
    /// The samples from `base` on that are still needed.
    held: Vec<f32>,
    /// The sample `held` starts at.
    base: usize,
    /// The next sample whose peak is to be found.
    next: usize,
    /// The previous sample's own largest value: the points between i−1 and i matter to
    /// sample i too.
    previous: f32,
}

impl PeakScan {
    fn new(n: usize) -> PeakScan {
        let kernel = |t: f64| -> f64 {
            if t.abs() < 1e-12 {
                return 1.0;
            }
            let pt = std::f64::consts::PI * t;
            let w = 0.5 + 0.5 * (pt / TAPS as f64).cos(); // Hann
            pt.sin() / pt * w
        };
        let mut coef = [[0f32; 2 * TAPS]; 3];
        for (p, row) in coef.iter_mut().enumerate() {
            for (j, c) in row.iter_mut().enumerate() {
                let k = j as f64 - (TAPS as f64 - 1.0);
                *c = kernel((p + 1) as f64 / 4.0 - k) as f32;
            }
        }
        PeakScan {
            n,
            coef,
            held: Vec::new(),
            base: 0,
            next: 0,
            previous: 0.0,
        }
    }

    /// Takes the next block and reports the peaks it completes.
    fn push(&mut self, block: &[f32], each: &mut dyn FnMut(usize, f32)) {
        self.held.extend_from_slice(block);
        let arrived = self.base + self.held.len();
        // Sample i needs x[i-7 ..= i+8].
        while self.next < self.n && (self.next + TAPS < arrived || arrived == self.n) {
            self.emit(each);
        }
        // Keep the 7 samples before the next one (its window's start).
        let keep_from = self.next.saturating_sub(TAPS - 1).max(self.base);
        self.held.drain(..keep_from - self.base);
        self.base = keep_from;
    }

    /// Reports the peaks of the samples left (the signal ended; beyond it are zeros).
    fn finish(&mut self, each: &mut dyn FnMut(usize, f32)) {
        while self.next < self.n && self.next < self.base + self.held.len() {
            self.emit(each);
        }
    }

    /// Finds and reports the peak of sample `next`.
    fn emit(&mut self, each: &mut dyn FnMut(usize, f32)) {
        let i = self.next;
        // Near the ends the window reaches past the signal: those samples count as zeros,
        // in a small padded window (a padded copy of the whole signal once doubled this
        // step's memory).
        let mut edge = [0f32; 2 * TAPS];
        let window: &[f32] = if i + 1 >= TAPS && i + TAPS < self.n {
            let from = i + 1 - TAPS - self.base;
            &self.held[from..from + 2 * TAPS]
        } else {
            for (k, e) in edge.iter_mut().enumerate() {
                *e = (i + 1 + k)
                    .checked_sub(TAPS)
                    .filter(|&j| j < self.n)
                    .and_then(|j| self.held.get(j - self.base))
                    .copied()
                    .unwrap_or(0.0);
            }
            &edge
        };
        let mut m = self.held[i - self.base].abs();
        for c in &self.coef {
            let acc: f32 = c.iter().zip(window).map(|(a, b)| a * b).sum();
            m = m.max(acc.abs());
        }
        each(i, if i == 0 { m } else { m.max(self.previous) });
        self.previous = m;
        self.next += 1;
    }
}

/// Minimum over [i−h, i+h] for each i (monotonic deque, linear time).
fn sliding_min(v: &[f32], h: usize) -> Vec<f32> {
    let n = v.len();
    let mut out = vec![0f32; n];
    let mut dq: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
    let mut next = 0;
    for (i, slot) in out.iter_mut().enumerate() {
        let hi = (i + h).min(n - 1);
        while next <= hi {
            while dq.back().is_some_and(|&b| v[b] >= v[next]) {
                dq.pop_back();
            }
            dq.push_back(next);
            next += 1;
        }
        while dq.front().is_some_and(|&f| f + h < i) {
            dq.pop_front();
        }
        *slot = dq.front().map_or(1.0, |&f| v[f]);
    }
    out
}

/// Mean over [i−h, i+h] for each i; samples outside the signal count as the nearest edge
/// value (which, after the minimum filter, is no more than any need near that edge).
fn moving_average(v: &[f32], h: usize) -> Vec<f32> {
    let n = v.len();
    let w = (2 * h + 1) as f64;
    let mut prefix = vec![0f64; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i] + v[i] as f64;
    }
    (0..n)
        .map(|i| {
            let lo = i.saturating_sub(h);
            let hi = (i + h).min(n - 1);
            let inside = prefix[hi + 1] - prefix[lo];
            let left = h.saturating_sub(i) as f64 * v[0] as f64;
            let right = (i + h).saturating_sub(n - 1) as f64 * v[n - 1] as f64;
            ((inside + left + right) / w) as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The interpolated peaks of a whole signal at once (see [`PeakScan`]).
    fn interpolated_peaks(x: &[f32], mut each: impl FnMut(usize, f32)) {
        let mut scan = PeakScan::new(x.len());
        scan.push(x, &mut each);
        scan.finish(&mut each);
    }

    // The limiter as first written, over the whole signal's peaks at once (computed in
    // regions around the peaks that need it): the reference the streaming limiter must
    // match bit for bit.

    /// The interpolated peaks of a signal above a floor: only those can need limiting, and on
    /// speech they are few, so the peaks take a small fraction of the signal's memory (all of
    /// them once took as much as the signal).
    struct Peaks {
        /// The signal's length.
        len: usize,
        /// (sample, peak) of the peaks over the floor, in order.
        over: Vec<(usize, f32)>,
    }

    impl Peaks {
        /// The peaks of `x` (see [`interpolated_peaks`]) over `floor`.
        fn of(x: &[f32], floor: f32) -> Peaks {
            let mut over = Vec::new();
            interpolated_peaks(x, |i, p| {
                if p > floor {
                    over.push((i, p));
                }
            });
            Peaks { len: x.len(), over }
        }

        /// The place in `over` of the first peak at or after sample `i`.
        fn from(&self, i: usize) -> usize {
            self.over.partition_point(|&(k, _)| k < i)
        }
    }

    /// The limiter's gain over a run of samples: its first sample, and a gain for each.
    type Segment = (usize, Vec<f32>);

    /// The limiter's gains, for samples whose interpolated peaks are `peaks` times
    /// `peak_scale`: only where they are not 1, as segments in order.
    ///
    /// Speech needs limiting only around a few peaks, so the gain curve is computed only in
    /// regions around the samples that need it (each padded by two look-ahead widths, where the
    /// minimum filter and the average are provably 1), and the release is carried between
    /// regions. The result is the same curve as filtering the whole signal, at a fraction of
    /// the time and memory.
    fn limiter_gains(peaks: &Peaks, peak_scale: f32, ceiling: f32, rate: u32) -> Vec<Segment> {
        let n = peaks.len;
        let mut out: Vec<Segment> = Vec::new();
        // Each gain is recorded where it applies, joined to the segment before when adjacent.
        let mut put = |k: usize, g: f32| match out.last_mut() {
            Some((start, seg)) if *start + seg.len() == k => seg.push(g),
            _ => out.push((k, vec![g])),
        };
        // What a peak allows; a sample left out of `peaks` allows full gain (its peak is
        // under the floor, and the floor times the scale under the ceiling).
        let need_of = |peak: f32| {
            let p = peak * peak_scale;
            if p > ceiling {
                ceiling / p
            } else {
                1.0
            }
        };
        // The samples that need limiting, in order.
        let limited: Vec<usize> = peaks
            .over
            .iter()
            .filter(|&&(_, p)| need_of(p) < 1.0)
            .map(|&(i, _)| i)
            .collect();
        let h = look_ahead(rate);
        let step = release_step(rate);
        // Outside regions every sample allows full gain: only a running release changes them.
        let release =
            |range: std::ops::Range<usize>, carry: &mut f32, put: &mut dyn FnMut(usize, f32)| {
                for k in range {
                    if *carry >= 1.0 {
                        break;
                    }
                    *carry = (*carry + step).min(1.0);
                    put(k, *carry);
                }
            };
        // The gain of the previous sample.
        let mut carry = 1.0f32;
        let mut pos = 0;
        let mut next = 0; // the first of `limited` not yet in a region
        while pos < n {
            let Some(&first) = limited.get(next) else {
                release(pos..n, &mut carry, &mut put);
                break;
            };
            // A region: limited samples closer than 4h + 1 to each other, padded by 2h on
            // each side, so that no filter window reaches from one region into another.
            let mut last = first;
            next += 1;
            while let Some(&j) = limited.get(next).filter(|&&j| j <= last + 4 * h + 1) {
                last = j;
                next += 1;
            }
            let start = first.saturating_sub(2 * h).max(pos);
            let end = (last + 2 * h + 1).min(n);
            release(pos..start, &mut carry, &mut put);
            let mut local = vec![1.0f32; end - start];
            for &(k, p) in &peaks.over[peaks.from(start)..peaks.from(end)] {
                local[k - start] = need_of(p);
            }
            let gain = moving_average(&sliding_min(&local, h), h);
            for (k, &g) in (start..end).zip(&gain) {
                carry = g.min(carry + step);
                put(k, carry);
            }
            pos = end;
        }
        out
    }

    /// Speech-like test signal: a tone in bursts with strong peaks.
    fn bursts(rate: u32, secs: f32) -> Vec<f32> {
        let n = (rate as f32 * secs) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let env = if (t * 3.0).fract() < 0.6 { 1.0 } else { 0.0 };
                let spike = if i % 5000 < 40 { 0.6 } else { 0.0 };
                env * (0.05 * (2.0 * std::f32::consts::PI * 220.0 * t).sin() + spike)
            })
            .collect()
    }

    #[test]
    fn reaches_target_under_ceiling() {
        let rate = 22050;
        let mut s = bursts(rate, 8.0);
        let r = normalize(&mut s, rate, Target::default()).unwrap();
        assert!((r.after.lufs + 16.0).abs() <= 0.5, "{r:?}");
        assert!(r.after.true_peak_dbtp <= -1.0, "{r:?}");
        assert!(r.before.lufs < -20.0, "{r:?}");
    }

    #[test]
    fn silence_is_left_alone() {
        let mut s = vec![0.0; 22050];
        let r = normalize(&mut s, 22050, Target::default()).unwrap();
        assert_eq!(r.gain_db, 0.0);
        assert!(s.iter().all(|&x| x == 0.0));
    }

    /// The limiter filtering the whole signal at once: the definition that the region
    /// limiter must match.
    fn limit_whole(samples: &mut [f32], peaks: &[f32], ceiling: f32, rate: u32) {
        let need: Vec<f32> = peaks
            .iter()
            .map(|&p| if p > ceiling { ceiling / p } else { 1.0 })
            .collect();
        let h = look_ahead(rate);
        let mut gain = moving_average(&sliding_min(&need, h), h);
        let step = release_step(rate);
        for i in 1..gain.len() {
            gain[i] = gain[i].min(gain[i - 1] + step);
        }
        for (s, g) in samples.iter_mut().zip(&gain) {
            *s = (*s * g).clamp(-1.0, 1.0);
        }
    }

    #[test]
    fn region_limiter_matches_the_whole_signal_filter() {
        let rate = 8000;
        // Peaks close together, far apart, at both ends, and a long loud stretch.
        let mut x = bursts(rate, 3.0);
        x[0] = 0.9;
        x[3] = -0.95;
        let n = x.len();
        x[n - 1] = 0.99;
        for v in &mut x[9000..9400] {
            *v *= 12.0;
        }
        let mut peaks = Vec::new();
        interpolated_peaks(&x, |_, p| peaks.push(p));
        for ceiling in [0.3f32, 0.5, 0.89] {
            let mut a = x.clone();
            let mut b = x.clone();
            for (start, seg) in limiter_gains(&Peaks::of(&x, ceiling), 1.0, ceiling, rate) {
                for (s, &gain) in a[start..].iter_mut().zip(&seg) {
                    *s = (*s * gain).clamp(-1.0, 1.0);
                }
            }
            limit_whole(&mut b, &peaks, ceiling, rate);
            for (k, (p, q)) in a.iter().zip(&b).enumerate() {
                assert!(
                    (p - q).abs() <= 1e-6,
                    "sample {k}: {p} vs {q} (ceiling {ceiling})"
                );
            }
            assert!(a.iter().all(|s| s.abs() <= ceiling + 1e-6));
        }
    }

    #[test]
    fn smoothing_never_exceeds_need() {
        let v = vec![1.0, 1.0, 0.5, 1.0, 1.0, 0.8, 1.0];
        let g = moving_average(&sliding_min(&v, 2), 2);
        for (a, b) in g.iter().zip(&v) {
            assert!(a <= b, "{g:?}");
        }
    }

    #[test]
    fn peaks_found_block_by_block_are_the_whole_signals_bit_for_bit() {
        let mut x = bursts(8000, 2.0);
        x[0] = 0.9;
        let n = x.len();
        x[n - 2] = -0.97;
        let mut whole = Vec::new();
        interpolated_peaks(&x, |i, p| whole.push((i, p.to_bits())));
        assert_eq!(whole.len(), n);
        // Blocks shorter than the interpolator's window, and longer.
        for size in [1, 5, 16, 1000, 4099] {
            let mut cut = Vec::new();
            let mut each = |i: usize, p: f32| cut.push((i, p.to_bits()));
            let mut scan = PeakScan::new(n);
            for block in x.chunks(size) {
                scan.push(block, &mut each);
            }
            scan.finish(&mut each);
            assert_eq!(cut, whole, "blocks of {size}");
        }
    }

    /// Normalizing the whole programme in memory as the limiter was first written:
    /// gain, then [`limiter_gains`] over all the peaks, its segments applied.
    fn normalize_whole(x: &[f32], gain: &Gain, rate: u32) -> Vec<f32> {
        let mut out: Vec<f32> = x.iter().map(|&s| s * gain.g).collect();
        if let Some(c) = gain.ceiling {
            let peaks = Peaks::of(x, 0.0);
            for (start, seg) in limiter_gains(&peaks, gain.g, c, rate) {
                for (s, &g) in out[start..].iter_mut().zip(&seg) {
                    *s = (*s * g).clamp(-1.0, 1.0);
                }
            }
        }
        out
    }

    #[test]
    fn the_streaming_limiter_gives_the_whole_signal_limiters_samples() {
        let rate = 22050;
        // Longer than a few blocks, with peaks the limiter must catch across block edges,
        // close together and far apart, at both ends, and a long loud stretch.
        let mut x = bursts(rate, 9.0);
        for k in (BLOCK - 30..BLOCK + 30).chain(2 * BLOCK - 5..2 * BLOCK + 3) {
            x[k] = 0.8;
        }
        x[0] = 0.9;
        let n = x.len();
        x[n - 1] = -0.95;
        for v in &mut x[100_000..104_000] {
            *v *= 9.0;
        }
        let mut file = crate::spill::Samples::new().unwrap();
        file.push(&x).unwrap();
        for (g, c) in [(1.0f32, 0.5f32), (3.1, 0.87), (0.5, 0.2), (1.0, 1.0)] {
            let gain = Gain {
                g,
                ceiling: Some(c),
            };
            let whole = normalize_whole(&x, &gain, rate);
            let streamed = crate::spill::to_vec(&gain.applied(&file, rate)).unwrap();
            assert_eq!(streamed.len(), whole.len());
            for (k, (a, b)) in streamed.iter().zip(&whole).enumerate() {
                assert_eq!(
                    a.to_bits(),
                    b.to_bits(),
                    "sample {k} at gain {g}, ceiling {c}"
                );
            }
        }
        // And the whole normalization: plan over the file, applied as it streams.
        let (report, gain) = plan(&file, rate, Target::default()).unwrap();
        let mut in_memory = x.clone();
        assert_eq!(
            normalize(&mut in_memory, rate, Target::default()).unwrap(),
            report
        );
        let whole = normalize_whole(&x, &gain, rate);
        assert!(in_memory
            .iter()
            .zip(&whole)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}

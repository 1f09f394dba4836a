//! The hot loops of the network, written so that the compiler vectorizes them, and built
//! three times on x86-64: for the baseline, for AVX2 with FMA and for AVX-512, chosen once
//! per call by what the processor has. Every element goes through the same operations in the same order
//! whatever the number of sentences in a batch, so a batch changes no result.
//!
//! `exp` is a Cephes-style single-precision exponential (range reduction by ln 2, degree-6
//! polynomial, about 1 ulp): libm's `tanhf` and `expf` cost a third of the run time and
//! do not vectorize. The sigmoid and tanh built on it stay within about 1e-7 of the exact
//! values, below the rounding of the sums that use them.

/// Which copy of the loops runs here.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Simd {
    /// The baseline build.
    Base,
    /// AVX2 with FMA.
    Avx2,
    /// AVX-512 (F, VL) with FMA: twice the lanes.
    Avx512,
}

/// The copy this process runs: the best the processor has, or a lower one named by the
/// environment variable `RAWI_SIMD` (`avx512`, `avx2` or `scalar`), read once. The lower
/// copies are there for processors without the wider instructions; forcing one here is how
/// their speed is measured, and how the tests check that every copy gives the same marks,
/// on one machine. A level the processor lacks, or an unknown value, leaves the best.
pub fn detect() -> Simd {
    static LEVEL: std::sync::OnceLock<Simd> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        let best = best();
        match std::env::var("RAWI_SIMD").as_deref() {
            Ok("scalar") => Simd::Base,
            Ok("avx2") if best != Simd::Base => Simd::Avx2,
            _ => best,
        }
    })
}

/// Whether the int8 products may use AVX-512 VNNI (`vpdpbusd`): the AVX-512 copy runs
/// and the processor has VNNI and BW.
pub fn vnni() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if detect() == Simd::Avx512 {
            return has!("avx512vnni") && has!("avx512bw");
        }
    }
    false
}

fn best() -> Simd {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx2") && has!("fma") {
            if has!("avx512f") && has!("avx512vl") {
                return Simd::Avx512;
            }
            return Simd::Avx2;
        }
    }
    Simd::Base
}

#[inline(always)]
fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two so that n · ln 2 is subtracted without losing bits.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Adding and subtracting 1.5 · 2^23 rounds to the nearest integer.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    // t = 1.5 · 2^23 + n: its bits are those of 1.5 · 2^23 plus n, n being its low bits.
    let t = x * LOG2E + ROUND;
    let n = t - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let mut p = 1.987_569_2e-4;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    // 2^n from the exponent bits n + 127 (within [1, 254] after the clamp), taken from
    // t's low bits with integer operations only (a float-to-int cast does not vectorize
    // well: it saturates).
    y * f32::from_bits(t.to_bits().wrapping_add(127) << 23)
}

/// The logistic function.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// Hyperbolic tangent.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / (exp(2.0 * x) + 1.0)
}

/// Declares `$name` running `$body` (a closure-free block over its arguments), compiled
/// for the baseline, AVX2 + FMA and AVX-512, the copy taken by `simd`. The body uses no
/// fused operation, so every copy computes each element alike.
macro_rules! multiversion {
    ($(#[$m:meta])* fn $name:ident($simd:ident: Simd, $($arg:ident: $ty:ty),*) $body:block) => {
        $(#[$m])*
        // The loops take their buffers as arguments, some many.
        #[allow(clippy::too_many_arguments)]
        pub fn $name($simd: Simd, $($arg: $ty),*) {
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            fn body($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            #[allow(clippy::too_many_arguments)]
            unsafe fn with_avx2($($arg: $ty),*) {
                body($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
            #[allow(clippy::too_many_arguments)]
            unsafe fn with_avx512($($arg: $ty),*) {
                body($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            match $simd {
                // SAFETY: `detect` gives these only when the processor has the
                // features the copy is compiled for.
                Simd::Avx512 => return unsafe { with_avx512($($arg),*) },
                Simd::Avx2 => return unsafe { with_avx2($($arg),*) },
                Simd::Base => {}
            }
            let _ = $simd;
            body($($arg),*)
        }
    };
}

multiversion! {
    /// SiLU (x · sigmoid x), in place.
    fn silu(simd: Simd, x: &mut [f32]) {
        for v in x {
            *v *= sigmoid(*v);
        }
    }
}

multiversion! {
    /// Softmax of each row of `len` values, in place, the row's maximum subtracted first.
    /// The maximum and the sum run in eight lanes (a fixed order, so that they vectorize).
    fn softmax_rows(simd: Simd, x: &mut [f32], len: usize) {
        for row in x.chunks_exact_mut(len) {
            let mut lanes = [f32::NEG_INFINITY; 8];
            let mut chunks = row.chunks_exact(8);
            for c in &mut chunks {
                for (m, &v) in lanes.iter_mut().zip(c) {
                    *m = m.max(v);
                }
            }
            let max = chunks.remainder().iter().chain(&lanes).copied().fold(f32::NEG_INFINITY, f32::max);
            for v in row.iter_mut() {
                *v = exp(*v - max);
            }
            let mut lanes = [0.0f32; 8];
            let mut chunks = row.chunks_exact(8);
            for c in &mut chunks {
                for (s, &v) in lanes.iter_mut().zip(c) {
                    *s += v;
                }
            }
            let sum = chunks.remainder().iter().chain(&lanes).sum::<f32>();
            for v in row.iter_mut() {
                *v /= sum;
            }
        }
    }
}

multiversion! {
    /// tanh, in place.
    fn tanh_all(simd: Simd, x: &mut [f32]) {
        for v in x {
            *v = tanh(*v);
        }
    }
}

multiversion! {
    /// The gated linear unit: `out[j] = a[j] · sigmoid(b[j])` for each row `a | b`.
    fn glu(simd: Simd, x: &[f32], out: &mut [f32], half: usize) {
        for (o, row) in out.chunks_exact_mut(half).zip(x.chunks_exact(2 * half)) {
            let (a, b) = row.split_at(half);
            for ((o, &a), &b) in o.iter_mut().zip(a).zip(b) {
                *o = a * sigmoid(b);
            }
        }
    }
}

multiversion! {
    /// One GRU step of each running sentence (ONNX gates z, r, h with
    /// `linear_before_reset`). Sentence `b` is at row `rows[b]`: its input products (bias
    /// in) are that row of `gates` ([rows, 6 · h], this direction's half at `dir · 3h`),
    /// its hidden products row `b` of `hidden` ([·, 3h]); `hb` is the h gate's hidden
    /// bias. Updates the states (row `b` of `state`) and stores them in `out`'s row (or
    /// adds them, for the second direction).
    fn gru_step(
        simd: Simd,
        gates: &[f32],
        rows: &[usize],
        dir: usize,
        hidden: &[f32],
        hb: &[f32],
        state: &mut [f32],
        out: &mut [f32],
        add: bool
    ) {
        let h = hb.len();
        for (b, &row) in rows.iter().enumerate() {
            let gi = &gates[row * 6 * h + dir * 3 * h..][..3 * h];
            let gh = &hidden[b * 3 * h..][..3 * h];
            let s = &mut state[b * h..][..h];
            let o = &mut out[row * h..][..h];
            let (gi_z, rest) = gi.split_at(h);
            let (gi_r, gi_h) = rest.split_at(h);
            let (gh_z, rest) = gh.split_at(h);
            let (gh_r, gh_h) = rest.split_at(h);
            for j in 0..h {
                let z = sigmoid(gi_z[j] + gh_z[j]);
                let r = sigmoid(gi_r[j] + gh_r[j]);
                let cand = tanh(gi_h[j] + r * (gh_h[j] + hb[j]));
                let new = (1.0 - z) * cand + z * s[j];
                s[j] = new;
                o[j] = if add { o[j] + new } else { new };
            }
        }
    }
}

multiversion! {
    /// One LSTM step of each running sentence (ONNX gates i, o, f, c; no peepholes).
    /// Sentence `b`'s input products (biases in) are the 4h values at `gate_rows[b]` ·
    /// `stride` in `gates` (this direction's), its hidden products row `b` of `hidden`
    /// ([·, 4h]); `h` is the hidden size. Updates the cell and hidden states (row `b` of
    /// `cell` and `state`) and stores the hidden state in row `rows[b]` of `out`, at
    /// `dir · h` ([rows, 2h]: both directions side by side).
    fn lstm_step(
        simd: Simd,
        gates: &[f32],
        stride: usize,
        gate_rows: &[usize],
        rows: &[usize],
        dir: usize,
        h: usize,
        hidden: &[f32],
        cell: &mut [f32],
        state: &mut [f32],
        out: &mut [f32]
    ) {
        for (b, (&row, &gate_row)) in rows.iter().zip(gate_rows).enumerate() {
            let gi = &gates[gate_row * stride..][..4 * h];
            let gh = &hidden[b * 4 * h..][..4 * h];
            let c = &mut cell[b * h..][..h];
            let s = &mut state[b * h..][..h];
            let o = &mut out[row * 2 * h + dir * h..][..h];
            // Each gate's slice of exactly h values, so that the loop has no bounds to check
            // and vectorizes whole.
            let (gi_i, gi_o, gi_f, gi_c) = (&gi[..h], &gi[h..2 * h], &gi[2 * h..3 * h], &gi[3 * h..]);
            let (gh_i, gh_o, gh_f, gh_c) = (&gh[..h], &gh[h..2 * h], &gh[2 * h..3 * h], &gh[3 * h..]);
            for j in 0..h {
                let i_g = sigmoid(gi_i[j] + gh_i[j]);
                let o_g = sigmoid(gi_o[j] + gh_o[j]);
                let f_g = sigmoid(gi_f[j] + gh_f[j]);
                let cand = tanh(gi_c[j] + gh_c[j]);
                let new_c = f_g * c[j] + i_g * cand;
                c[j] = new_c;
                let new_h = o_g * tanh(new_c);
                s[j] = new_h;
                o[j] = new_h;
            }
        }
    }
}

multiversion! {
    /// Quantizes each row of `k` values of `x` to u8 around 128 (`values`, as many as
    /// `x`) with its own scale (`scales`, one a row): the nearest of 255 steps of the
    /// row's largest magnitude / 127 (ties to even, the same with or without SIMD).
    fn quantize_rows(simd: Simd, x: &[f32], k: usize, values: &mut [u8], scales: &mut [f32]) {
        for ((row, out), scale) in x.chunks_exact(k).zip(values.chunks_exact_mut(k)).zip(scales.iter_mut()) {
            let max = row.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let s = if max > 0.0 { max / 127.0 } else { 1.0 };
            *scale = s;
            for (o, &v) in out.iter_mut().zip(row) {
                *o = ((v / s).round_ties_even().clamp(-127.0, 127.0) + 128.0) as u8;
            }
        }
    }
}

multiversion! {
    /// The integer products of u8 rows `x` ([rows, k]) and an int8 matrix packed as
    /// [`super::qgemm::QMatrix`] packs it ([k, n]: per 16 columns, per 4 rows, 16 × 4
    /// values): `acc[r][c] = Σ x[r][i] · w[i][c]`, exact.
    fn int8_sums(simd: Simd, x: &[u8], k: usize, n: usize, packed: &[i8], acc: &mut [i32]) {
        let quads = k / 4;
        for (xr, a) in x.chunks_exact(k).zip(acc.chunks_exact_mut(n)) {
            for (block, out) in packed.chunks_exact(quads * 64).zip(a.chunks_exact_mut(16)) {
                let mut s = [0i32; 16];
                for (wq, xq) in block.chunks_exact(64).zip(xr.chunks_exact(4)) {
                    for (sc, wc) in s.iter_mut().zip(wq.chunks_exact(4)) {
                        *sc += i32::from(xq[0]) * i32::from(wc[0])
                            + i32::from(xq[1]) * i32::from(wc[1])
                            + i32::from(xq[2]) * i32::from(wc[2])
                            + i32::from(xq[3]) * i32::from(wc[3]);
                    }
                }
                out.copy_from_slice(&s);
            }
        }
    }
}

/// `out[b] = h[b] · r` for the `k` rows of `h` [k, hd] and `r` [hd, n]: the hidden
/// products of every running sentence (a GRU's 3 · hd gates, an LSTM's 4 · hd), one pass
/// over `r` for several of them. Each output element is the sum over `i` in order, the
/// same for any `k`.
pub fn recurrent(simd: Simd, h: &[f32], k: usize, hd: usize, n: usize, r: &[f32], out: &mut [f32]) {
    product(simd, Operands { h, k, hd, n, r }, out, false);
}

/// The operands of a product: `k` rows of `h` [k, hd] by `r` [hd, n].
#[derive(Clone, Copy)]
pub struct Operands<'a> {
    /// The rows, `hd` values each.
    pub h: &'a [f32],
    /// How many rows.
    pub k: usize,
    /// Values in a row of `h`, rows of `r`.
    pub hd: usize,
    /// Columns of `r` and of the result.
    pub n: usize,
    /// The matrix, row-major.
    pub r: &'a [f32],
}

/// [`recurrent`] for any product of rows by a row-major matrix, added to what `out` holds
/// when `add` (each sum is finished first, then added, as `sgemm` with beta 1 does): the
/// network's position-wise layers, whose widths (56 to 392) are too narrow for a general
/// product's packing to pay.
pub fn product(simd: Simd, x: Operands, out: &mut [f32], add: bool) {
    let Operands { h, k, hd, n, r } = x;
    assert!(h.len() >= k * hd && r.len() >= hd * n && out.len() >= k * n);
    #[cfg(target_arch = "x86_64")]
    if simd != Simd::Base && n.is_multiple_of(8) {
        // SAFETY: `detect` gave AVX2 and FMA (and AVX-512 for that copy); the assert
        // above and the width checked keep every load and store inside the slices
        // (whole tiles of 96, 48 or 24 columns, then of 16 or 8).
        unsafe {
            if simd == Simd::Avx512 {
                recurrent_avx512(x, out, add)
            } else {
                recurrent_avx2(x, out, add)
            }
        };
        return;
    }
    let mut sum = vec![0.0f32; n];
    for b in 0..k {
        sum.fill(0.0);
        for i in 0..hd {
            let hv = h[b * hd + i];
            for (s, &w) in sum.iter_mut().zip(&r[i * n..][..n]) {
                *s += hv * w;
            }
        }
        for (o, &s) in out[b * n..][..n].iter_mut().zip(&sum) {
            *o = if add { *o + s } else { s };
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn recurrent_avx2(x: Operands, out: &mut [f32], add: bool) {
    use std::arch::x86_64::*;
    let Operands { h, k, hd, n, r } = x;
    let store = |o: *mut f32, v: __m256| {
        let v = if add {
            _mm256_add_ps(_mm256_loadu_ps(o), v)
        } else {
            v
        };
        _mm256_storeu_ps(o, v);
    };
    let (hp, rp, op) = (h.as_ptr(), r.as_ptr(), out.as_mut_ptr());
    // Four rows × 24 columns in 12 registers, then the rows left one at a time; columns
    // past the last whole 24 go 8 at a time.
    let mut b = 0;
    while b < k {
        let rows = if k - b >= 4 { 4 } else { 1 };
        let mut j0 = 0;
        while j0 + 24 <= n {
            let mut acc = [_mm256_setzero_ps(); 12];
            for i in 0..hd {
                let w = rp.add(i * n + j0);
                let (w0, w1, w2) = (
                    _mm256_loadu_ps(w),
                    _mm256_loadu_ps(w.add(8)),
                    _mm256_loadu_ps(w.add(16)),
                );
                for q in 0..rows {
                    let hv = _mm256_set1_ps(*hp.add((b + q) * hd + i));
                    acc[3 * q] = _mm256_fmadd_ps(hv, w0, acc[3 * q]);
                    acc[3 * q + 1] = _mm256_fmadd_ps(hv, w1, acc[3 * q + 1]);
                    acc[3 * q + 2] = _mm256_fmadd_ps(hv, w2, acc[3 * q + 2]);
                }
            }
            for q in 0..rows {
                let o = op.add((b + q) * n + j0);
                store(o, acc[3 * q]);
                store(o.add(8), acc[3 * q + 1]);
                store(o.add(16), acc[3 * q + 2]);
            }
            j0 += 24;
        }
        while j0 < n {
            for q in 0..rows {
                let mut acc = _mm256_setzero_ps();
                for i in 0..hd {
                    let hv = _mm256_set1_ps(*hp.add((b + q) * hd + i));
                    acc = _mm256_fmadd_ps(hv, _mm256_loadu_ps(rp.add(i * n + j0)), acc);
                }
                store(op.add((b + q) * n + j0), acc);
            }
            j0 += 8;
        }
        b += rows;
    }
}

/// [`recurrent_avx2`] with 16-lane registers: tiles of `R` rows × `C` registers, as many
/// as fit (8 rows, else 1 to 4; a row or two get wider tiles, for more independent sums),
/// the last 24 columns in 8-lane registers. Eight rows read `r` once for all of them: a
/// step is bound by reading `r` from the cache more than by the products. Every element
/// is the same sum in the same order.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
unsafe fn recurrent_avx512(x: Operands, out: &mut [f32], add: bool) {
    let Operands { h, k, hd, n, r } = x;
    let (hp, rp, op) = (h.as_ptr(), r.as_ptr(), out.as_mut_ptr());
    let mut b = 0;
    while b < k {
        let rows = match k - b {
            8.. => 8,
            left => left.min(4),
        };
        let hb = hp.add(b * hd);
        let ob = op.add(b * n);
        match rows {
            8 => columns512::<8>(hb, rp, ob, hd, n, add),
            4 => columns512::<4>(hb, rp, ob, hd, n, add),
            3 => columns512::<3>(hb, rp, ob, hd, n, add),
            2 => columns512::<2>(hb, rp, ob, hd, n, add),
            _ => columns512::<1>(hb, rp, ob, hd, n, add),
        }
        b += rows;
    }
}

/// All columns of `R` rows (see [`recurrent_avx512`]): tiles of 96 (one or two rows) or
/// 48 columns, then a tail of 24 in 8-lane registers, or of 16s and an 8.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
#[inline]
unsafe fn columns512<const R: usize>(
    h: *const f32,
    r: *const f32,
    out: *mut f32,
    hd: usize,
    n: usize,
    add: bool,
) {
    let mut j0 = 0;
    if R <= 2 {
        while j0 + 96 <= n {
            tile512::<R, 6>(h, r, out, hd, n, j0, add);
            j0 += 96;
        }
    }
    while j0 + 48 <= n {
        tile512::<R, 3>(h, r, out, hd, n, j0, add);
        j0 += 48;
    }
    if j0 + 24 == n {
        tile256::<R, 3>(h, r, out, hd, n, j0, add);
        return;
    }
    while j0 + 16 <= n {
        tile512::<R, 1>(h, r, out, hd, n, j0, add);
        j0 += 16;
    }
    if j0 < n {
        tile256::<R, 1>(h, r, out, hd, n, j0, add);
    }
}

/// `R` rows × `C` 16-lane registers of columns from `j0`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
#[inline]
unsafe fn tile512<const R: usize, const C: usize>(
    h: *const f32,
    r: *const f32,
    out: *mut f32,
    hd: usize,
    n: usize,
    j0: usize,
    add: bool,
) {
    use std::arch::x86_64::*;
    let mut acc = [[_mm512_setzero_ps(); C]; R];
    for i in 0..hd {
        let w = r.add(i * n + j0);
        let mut ws = [_mm512_setzero_ps(); C];
        for (c, wc) in ws.iter_mut().enumerate() {
            *wc = _mm512_loadu_ps(w.add(16 * c));
        }
        for (q, row) in acc.iter_mut().enumerate() {
            let hv = _mm512_set1_ps(*h.add(q * hd + i));
            for (a, &wc) in row.iter_mut().zip(&ws) {
                *a = _mm512_fmadd_ps(hv, wc, *a);
            }
        }
    }
    for (q, row) in acc.iter().enumerate() {
        for (c, &a) in row.iter().enumerate() {
            let o = out.add(q * n + j0 + 16 * c);
            let a = if add {
                _mm512_add_ps(_mm512_loadu_ps(o), a)
            } else {
                a
            };
            _mm512_storeu_ps(o, a);
        }
    }
}

/// `R` rows × `C` 8-lane registers of columns from `j0`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,avx512f,avx512vl")]
#[inline]
unsafe fn tile256<const R: usize, const C: usize>(
    h: *const f32,
    r: *const f32,
    out: *mut f32,
    hd: usize,
    n: usize,
    j0: usize,
    add: bool,
) {
    use std::arch::x86_64::*;
    let mut acc = [[_mm256_setzero_ps(); C]; R];
    for i in 0..hd {
        let w = r.add(i * n + j0);
        let mut ws = [_mm256_setzero_ps(); C];
        for (c, wc) in ws.iter_mut().enumerate() {
            *wc = _mm256_loadu_ps(w.add(8 * c));
        }
        for (q, row) in acc.iter_mut().enumerate() {
            let hv = _mm256_set1_ps(*h.add(q * hd + i));
            for (a, &wc) in row.iter_mut().zip(&ws) {
                *a = _mm256_fmadd_ps(hv, wc, *a);
            }
        }
    }
    for (q, row) in acc.iter().enumerate() {
        for (c, &a) in row.iter().enumerate() {
            let o = out.add(q * n + j0 + 8 * c);
            let a = if add {
                _mm256_add_ps(_mm256_loadu_ps(o), a)
            } else {
                a
            };
            _mm256_storeu_ps(o, a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_sigmoid_tanh_are_close_to_libm() {
        for i in -2000..=2000 {
            let x = i as f32 / 100.0;
            let e = exp(x);
            assert!((e - x.exp()).abs() <= 3e-7 * x.exp(), "exp {x}: {e}");
            assert!((tanh(x) - x.tanh()).abs() <= 3e-7, "tanh {x}");
            assert!(
                (sigmoid(x) - 1.0 / (1.0 + (-x).exp())).abs() <= 3e-7,
                "sigmoid {x}"
            );
        }
        assert_eq!(tanh(1e6), 1.0);
        assert_eq!(tanh(-1e6), -1.0);
        assert!((0.0..1e-37).contains(&sigmoid(-1e6)));
        assert_eq!(sigmoid(1e6), 1.0);
    }

    #[test]
    fn softmax_of_large_values_stays_finite() {
        let mut rows = [1000.0, 1000.0, f32::NEG_INFINITY, 0.0, 0.0, 0.0];
        softmax_rows(detect(), &mut rows, 3);
        assert_eq!(rows[..2], [0.5, 0.5]);
        assert!((0.0..1e-37).contains(&rows[2]));
        assert!(rows[3..].iter().all(|&v| (v - 1.0 / 3.0).abs() < 1e-7));
    }

    /// Rows [k, hd] and a matrix [hd, n] of assorted values.
    fn operands(k: usize, hd: usize, n: usize) -> (Vec<f32>, Vec<f32>) {
        let h = (0..k * hd)
            .map(|v| ((v * 13 % 29) as f32 - 14.0) / 9.0)
            .collect();
        let r = (0..hd * n)
            .map(|v| ((v * 37 % 101) as f32 - 50.0) / 70.0)
            .collect();
        (h, r)
    }

    /// Every copy of the loops this processor can run.
    fn levels() -> Vec<Simd> {
        let mut levels = vec![Simd::Base, detect()];
        if detect() == Simd::Avx512 {
            levels.push(Simd::Avx2);
        }
        levels
    }

    #[test]
    fn recurrent_rows_do_not_depend_on_their_neighbours() {
        // 72 columns: a 48-column tile and the 24-column tail; 120: two 48-column tiles
        // (four or eight rows) or a 96-column one (one to two rows), and the tail. Fifteen
        // rows: tiles of eight, four and three; each row alone: tiles of one. An LSTM's
        // 4 · hd columns: 96 (two 48-column tiles, or 24s) and 160 (three 48s and a
        // 16-column tail; six 24s and two 8s).
        for (hd, gates) in [(24, 3), (40, 3), (24, 4), (40, 4)] {
            let n = gates * hd;
            let k = 15;
            let (h, r) = operands(k, hd, n);
            let levels = levels();
            let mut fused = Vec::new();
            for simd in levels {
                let mut all = vec![0.0; k * n];
                recurrent(simd, &h, k, hd, n, &r, &mut all);
                if simd != Simd::Base {
                    fused.push(all.clone());
                }
                let mut two = vec![0.0; 2 * n];
                recurrent(simd, &h[hd..], 2, hd, n, &r, &mut two);
                assert_eq!(two, all[n..][..2 * n]);
                for b in 0..k {
                    let mut one = vec![0.0; n];
                    recurrent(simd, &h[b * hd..], 1, hd, n, &r, &mut one);
                    assert_eq!(one, all[b * n..][..n]);
                    for j in 0..n {
                        let want: f32 = (0..hd).map(|i| h[b * hd + i] * r[i * n + j]).sum();
                        assert!((one[j] - want).abs() < 1e-3);
                    }
                }
            }
            // AVX2 and AVX-512 sum alike.
            assert!(fused.windows(2).all(|w| w[0] == w[1]));
        }
    }

    #[test]
    fn products_of_any_multiple_of_eight_columns_add_their_sums_when_asked() {
        // The position-wise layers' widths: 56 (three 16s and an 8 with AVX-512), 168
        // (three 48s and a 24), 392, and 8 alone; 13 rows are tiles of eight, four and one.
        for n in [8, 56, 168, 392] {
            let (k, hd) = (13, 20);
            let (h, r) = operands(k, hd, n);
            let before: Vec<f32> = (0..k * n).map(|v| (v % 7) as f32 - 3.0).collect();
            let levels = levels();
            let x = Operands {
                h: &h,
                k,
                hd,
                n,
                r: &r,
            };
            for simd in levels {
                let mut sums = vec![0.0; k * n];
                product(simd, x, &mut sums, false);
                let mut added = before.clone();
                product(simd, x, &mut added, true);
                for (i, ((&a, &s), &b)) in added.iter().zip(&sums).zip(&before).enumerate() {
                    assert_eq!(a, b + s, "{simd:?}, {n} columns, element {i}");
                    let (row, col) = (i / n, i % n);
                    let want: f32 = (0..hd).map(|j| h[row * hd + j] * r[j * n + col]).sum();
                    assert!(
                        (s - want).abs() < 1e-3,
                        "{simd:?}, {n} columns, element {i}"
                    );
                }
            }
        }
    }
}

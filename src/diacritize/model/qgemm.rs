//! Products with int8 weights, for the second model (whose weights are int8 upstream):
//! each row of the input is quantized to u8 around 128 with its own scale, the products
//! are summed as integers, and the sum is scaled back. Integer sums are exact, so the
//! AVX-512 VNNI copy and the plain one give the same bits on every processor, and a row's
//! result does not depend on the other rows of a batch.

use super::scratch;

/// An int8 weight matrix [k, n] (k a multiple of 4, n of 16), packed for the products:
/// for each group of 16 columns, for each group of 4 rows, the 16 × 4 values column by
/// column (the layout `vpdpbusd` reads).
pub struct QMatrix {
    k: usize,
    n: usize,
    packed: Vec<i8>,
    /// The sum of each column's values (to take the inputs' 128 back out).
    col_sum: Vec<i32>,
    /// Each column's scale.
    col_scale: Vec<f32>,
    /// The values again as 16-bit integers for the AVX2 products (empty where they do
    /// not run): for each group of 8 columns, for each pair of rows, the 8 × 2 values
    /// column by column (the pairs `vpmaddwd` multiplies and adds).
    wide: Vec<i16>,
}

impl QMatrix {
    /// Packs `q` ([k, n] row-major, symmetric: zero point 0) with a scale per column.
    pub fn new(q: &[i8], k: usize, n: usize, col_scale: Vec<f32>) -> Result<QMatrix, String> {
        QMatrix::packed(q, k, n, col_scale, uses_wide())
    }

    /// [`QMatrix::new`], with the 16-bit copy or without.
    fn packed(
        q: &[i8],
        k: usize,
        n: usize,
        col_scale: Vec<f32>,
        with_wide: bool,
    ) -> Result<QMatrix, String> {
        if !k.is_multiple_of(4) || !n.is_multiple_of(16) || q.len() != k * n || col_scale.len() != n
        {
            return Err(format!("an int8 matrix of {k} × {n} cannot be packed"));
        }
        let mut packed = Vec::with_capacity(k * n);
        for cb in 0..n / 16 {
            for kq in 0..k / 4 {
                for c in 0..16 {
                    for j in 0..4 {
                        packed.push(q[(kq * 4 + j) * n + cb * 16 + c]);
                    }
                }
            }
        }
        let col_sum = (0..n)
            .map(|c| (0..k).map(|r| i32::from(q[r * n + c])).sum())
            .collect();
        let mut wide = Vec::new();
        if with_wide {
            wide.reserve(k * n);
            for cb in 0..n / 8 {
                for kp in 0..k / 2 {
                    for c in 0..8 {
                        for j in 0..2 {
                            wide.push(i16::from(q[(kp * 2 + j) * n + cb * 8 + c]));
                        }
                    }
                }
            }
        }
        Ok(QMatrix {
            k,
            n,
            packed,
            col_sum,
            col_scale,
            wide,
        })
    }
}

/// Rows quantized for [`matmul`]: u8 around 128, one scale per row.
pub struct QRows {
    k: usize,
    values: Vec<u8>,
    scales: Vec<f32>,
}

impl QRows {
    /// Quantizes the first `rows` rows of `x` ([rows, k], row-major): each to the nearest
    /// of 255 steps of its largest magnitude / 127, stored plus 128.
    pub fn new(x: &[f32], rows: usize, k: usize) -> QRows {
        let mut values = scratch::zeros(rows * k);
        let mut scales = scratch::zeros(rows);
        super::fast::quantize_rows(
            super::fast::detect(),
            &x[..rows * k],
            k,
            &mut values,
            &mut scales,
        );
        QRows { k, values, scales }
    }

    /// The rows named by `order`, in that order.
    pub fn gathered(&self, order: &[usize]) -> QRows {
        let k = self.k;
        let mut values = scratch::zeros(order.len() * k);
        let mut scales = scratch::zeros(order.len());
        for ((&r, v), s) in order
            .iter()
            .zip(values.chunks_exact_mut(k))
            .zip(&mut scales)
        {
            v.copy_from_slice(&self.values[r * k..][..k]);
            *s = self.scales[r];
        }
        QRows { k, values, scales }
    }

    /// `count` rows from `first` on, borrowed.
    fn rows(&self, first: usize, count: usize) -> QRowsRef<'_> {
        QRowsRef {
            values: &self.values[first * self.k..][..count * self.k],
            scales: &self.scales[first..][..count],
        }
    }
}

impl Drop for QRows {
    fn drop(&mut self) {
        scratch::keep(std::mem::take(&mut self.values));
        scratch::keep(std::mem::take(&mut self.scales));
    }
}

/// Some rows of a [`QRows`].
struct QRowsRef<'a> {
    values: &'a [u8],
    scales: &'a [f32],
}

/// `out[r][c] = beta · out[r][c] + x[r] · w[·][c]` (the row's and column's scales applied)
/// for every row of `x`; `out` is [rows, n].
pub fn matmul(x: &QRows, w: &QMatrix, beta: f32, out: &mut [f32]) {
    assert!(
        x.k == w.k && out.len() >= x.scales.len() * w.n,
        "matrix shapes do not agree"
    );
    let rows = x.scales.len();
    let mut acc = scratch::zeros::<i32>(BLOCK_ROWS.min(rows) * w.n);
    for r0 in (0..rows).step_by(BLOCK_ROWS) {
        let block = x.rows(r0, BLOCK_ROWS.min(rows - r0));
        let acc = &mut acc[..block.scales.len() * w.n];
        sums(&block, w, acc);
        for (r, a) in acc.chunks_exact(w.n).enumerate() {
            let o = &mut out[(r0 + r) * w.n..][..w.n];
            let s = block.scales[r];
            for (((o, &a), &cs), &ws) in o.iter_mut().zip(a).zip(&w.col_sum).zip(&w.col_scale) {
                *o = beta * *o + (a - 128 * cs) as f32 * s * ws;
            }
        }
    }
    scratch::keep(acc);
}

/// Rows per block of [`matmul`]: a whole batch's integer sums would be megabytes, fresh
/// pages from the system on every call; a block's stay in the cache until they are scaled.
const BLOCK_ROWS: usize = 16;

/// The integer sums `acc[r][c] = Σ x[r][i] · w[i][c]` (x as stored, plus 128).
fn sums(x: &QRowsRef, w: &QMatrix, acc: &mut [i32]) {
    #[cfg(target_arch = "x86_64")]
    if super::fast::vnni() {
        // SAFETY: the processor has the features; `QMatrix::new` and the assert of
        // `matmul` keep every read inside `packed`, `values` and `acc`.
        unsafe { sums_vnni(x, w, acc) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if super::fast::detect() != super::fast::Simd::Base && w.wide.len() == w.k * w.n {
        // SAFETY: as above, for AVX2 (which every copy but the baseline has) and the
        // 16-bit copy of the weights.
        unsafe { sums_avx2(x, w, acc) };
        return;
    }
    sums_plain(x, w, acc);
}

/// Whether [`sums`] takes the AVX2 copy here (which reads [`QMatrix`]'s 16-bit values).
fn uses_wide() -> bool {
    cfg!(target_arch = "x86_64")
        && !super::fast::vnni()
        && super::fast::detect() != super::fast::Simd::Base
}

/// [`sums`] with AVX2's `vpmaddwd` on 16-bit values (exact: 255 · 127 · 2 fits in 32
/// bits): each 32 bytes of the widened weights are 8 columns × a pair of rows, multiplied
/// by the row's pair of inputs repeated, so that each lane sums one column's two products
/// and no lane needs adding to another at the end. Tiles of up to 4 rows × 24 columns (12
/// sums in registers, enough independent ones to keep the multipliers busy); the columns
/// go outermost, so that a strip of weights stays in the first-level cache while every
/// row goes past it.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sums_avx2(x: &QRowsRef, w: &QMatrix, acc: &mut [i32]) {
    let rows = x.scales.len();
    // The inputs widened once, so that each pair is one 32-bit broadcast.
    let xw: Vec<i16> = x.values[..rows * w.k]
        .iter()
        .map(|&v| i16::from(v))
        .collect();
    let (k, n) = (w.k, w.n);
    let xp = xw.as_ptr();
    let ap = acc.as_mut_ptr();
    let mut cb = 0;
    while cb < n / 8 {
        let cn = (n / 8 - cb).min(3);
        let wb = w.wide.as_ptr().add(cb * k * 8);
        let mut r0 = 0;
        while r0 < rows {
            let rn = (rows - r0).min(4);
            let (xr, ar) = (xp.add(r0 * k), ap.add(r0 * n + cb * 8));
            match (rn, cn) {
                (4, 3) => tile_avx2::<4, 3>(xr, wb, ar, k, n),
                (4, 2) => tile_avx2::<4, 2>(xr, wb, ar, k, n),
                (4, _) => tile_avx2::<4, 1>(xr, wb, ar, k, n),
                (3, 3) => tile_avx2::<3, 3>(xr, wb, ar, k, n),
                (3, 2) => tile_avx2::<3, 2>(xr, wb, ar, k, n),
                (3, _) => tile_avx2::<3, 1>(xr, wb, ar, k, n),
                (2, 3) => tile_avx2::<2, 3>(xr, wb, ar, k, n),
                (2, 2) => tile_avx2::<2, 2>(xr, wb, ar, k, n),
                (2, _) => tile_avx2::<2, 1>(xr, wb, ar, k, n),
                (_, 3) => tile_avx2::<1, 3>(xr, wb, ar, k, n),
                (_, 2) => tile_avx2::<1, 2>(xr, wb, ar, k, n),
                _ => tile_avx2::<1, 1>(xr, wb, ar, k, n),
            }
            r0 += rn;
        }
        cb += cn;
    }
}

/// `R` rows (inputs `x`, [R, k] 16-bit) × `C` groups of 8 columns (widened weights from
/// `w`, group after group) into `acc` (row stride `n`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn tile_avx2<const R: usize, const C: usize>(
    x: *const i16,
    w: *const i16,
    acc: *mut i32,
    k: usize,
    n: usize,
) {
    use std::arch::x86_64::*;
    let mut a = [[_mm256_setzero_si256(); C]; R];
    for kp in 0..k / 2 {
        let mut ws = [_mm256_setzero_si256(); C];
        for (c, wv) in ws.iter_mut().enumerate() {
            *wv = _mm256_loadu_si256(w.add(c * k * 8 + kp * 16).cast());
        }
        for (q, aq) in a.iter_mut().enumerate() {
            let pair = x.add(q * k + 2 * kp).cast::<i32>().read_unaligned();
            let xv = _mm256_set1_epi32(pair);
            for (av, &wv) in aq.iter_mut().zip(&ws) {
                *av = _mm256_add_epi32(*av, _mm256_madd_epi16(wv, xv));
            }
        }
    }
    for (q, aq) in a.iter().enumerate() {
        for (c, av) in aq.iter().enumerate() {
            _mm256_storeu_si256(acc.add(q * n + c * 8).cast(), *av);
        }
    }
}

/// [`sums`] without special instructions (the same integers; the loops are compiled for
/// AVX2 and AVX-512 too, where the compiler vectorizes them).
fn sums_plain(x: &QRowsRef, w: &QMatrix, acc: &mut [i32]) {
    super::fast::int8_sums(super::fast::detect(), x.values, w.k, w.n, &w.packed, acc);
}

/// [`sums`] with `vpdpbusd`: tiles of up to four rows × four groups of 16 columns.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn sums_vnni(x: &QRowsRef, w: &QMatrix, acc: &mut [i32]) {
    use std::arch::x86_64::*;
    let rows = x.scales.len();
    let quads = w.k / 4;
    let blocks = w.n / 16;
    let xp = x.values.as_ptr();
    let wp = w.packed.as_ptr();
    let ap = acc.as_mut_ptr();
    let mut r0 = 0;
    while r0 < rows {
        let rn = (rows - r0).min(4);
        let mut cb0 = 0;
        while cb0 < blocks {
            let cn = (blocks - cb0).min(4);
            let mut a = [[_mm512_setzero_si512(); 4]; 4];
            for kq in 0..quads {
                let mut ws = [_mm512_setzero_si512(); 4];
                for (c, wv) in ws.iter_mut().enumerate().take(cn) {
                    *wv = _mm512_loadu_si512(wp.add(((cb0 + c) * quads + kq) * 64).cast());
                }
                for (r, ar) in a.iter_mut().enumerate().take(rn) {
                    let four = xp
                        .add((r0 + r) * w.k + kq * 4)
                        .cast::<i32>()
                        .read_unaligned();
                    let xb = _mm512_set1_epi32(four);
                    for (c, av) in ar.iter_mut().enumerate().take(cn) {
                        *av = _mm512_dpbusd_epi32(*av, xb, ws[c]);
                    }
                }
            }
            for (r, ar) in a.iter().enumerate().take(rn) {
                for (c, av) in ar.iter().enumerate().take(cn) {
                    _mm512_storeu_si512(ap.add((r0 + r) * w.n + (cb0 + c) * 16).cast(), *av);
                }
            }
            cb0 += cn;
        }
        r0 += rn;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_exact_and_the_same_on_every_path() {
        // The AVX2 copy's tiles: 48 columns are two of 24; 32 one of 24 and one of 8; 64
        // two of 24 and one of 16. Seven rows are tiles of 4 and 3, six of 4 and 2, five
        // of 4 and 1. 37 rows are three of `matmul`'s blocks, the last one short.
        for (n, rows) in [(48, 7), (32, 6), (64, 5), (48, 37)] {
            let k = 40;
            let q: Vec<i8> = (0..k * n)
                .map(|v| ((v * 37 % 255) as i32 - 127) as i8)
                .collect();
            let w = QMatrix::packed(&q, k, n, vec![0.5; n], true).unwrap();
            let xf: Vec<f32> = (0..rows * k)
                .map(|v| ((v * 13 % 29) as f32 - 14.0) / 9.0)
                .collect();
            let whole = QRows::new(&xf, rows, k);
            let x = whole.rows(0, rows);
            let mut fast = vec![0; rows * n];
            sums(&x, &w, &mut fast);
            let mut plain = vec![0; rows * n];
            sums_plain(&x, &w, &mut plain);
            assert_eq!(fast, plain);
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                let mut avx2 = vec![0; rows * n];
                // SAFETY: the processor has AVX2; the shapes are those `matmul` checks, and
                // the matrix has its 16-bit copy.
                unsafe { sums_avx2(&x, &w, &mut avx2) };
                assert_eq!(avx2, plain);
            }
            for r in 0..rows {
                for c in 0..n {
                    let want: i32 = (0..k)
                        .map(|i| i32::from(x.values[r * k + i]) * i32::from(q[i * n + c]))
                        .sum();
                    assert_eq!(fast[r * n + c], want);
                }
            }
            // The scaled result is the float product up to the inputs' rounding: each off by
            // at most half a step, times its weight.
            let mut out = vec![0.0; rows * n];
            matmul(&whole, &w, 0.0, &mut out);
            for r in 0..rows {
                for c in 0..n {
                    let want: f32 = (0..k)
                        .map(|i| xf[r * k + i] * f32::from(q[i * n + c]) * 0.5)
                        .sum();
                    let bound: f32 = (0..k)
                        .map(|i| 0.5 * x.scales[r] * f32::from(q[i * n + c]).abs() * 0.5)
                        .sum();
                    assert!((out[r * n + c] - want).abs() <= bound + 1e-3, "{r} {c}");
                }
            }
        }
        let (k, n) = (40, 48);
        let q: Vec<i8> = vec![1; k * n];
        assert!(QMatrix::new(&q, k, n - 1, vec![0.5; n - 1]).is_err());
    }
}

//! The few numeric kernels the network needs, on row-major f32 matrices. Products go to
//! `matrixmultiply` (SIMD, chosen at run time), except, with AVX-512, those of dense rows
//! by a weight matrix, which go to [`super::fast::product`]; the element-wise functions
//! are written to match what the ONNX graph computes, operation for operation (the
//! activations are in [`super::fast`]).

/// A row-major matrix view: `rows` rows of which the first `cols` values are used, each
/// `stride` values after the previous one.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// The values, from the first element on.
    pub data: &'a [f32],
    /// Number of rows.
    pub rows: usize,
    /// Values used in each row.
    pub cols: usize,
    /// Distance between the starts of two rows.
    pub stride: usize,
}

impl<'a> View<'a> {
    /// A contiguous `rows` × `cols` matrix.
    pub fn new(data: &'a [f32], rows: usize, cols: usize) -> View<'a> {
        View {
            data,
            rows,
            cols,
            stride: cols,
        }
    }

    /// Whether every element the view names lies inside its slice.
    fn fits(&self) -> bool {
        self.rows == 0
            || self.cols == 0
            || (self.rows - 1) * self.stride + self.cols <= self.data.len()
    }
}

/// `c[i][j] = beta * c[i][j] + sum_k a[i][k] * b[k][j]` with `b` transposed when
/// `b_transposed` (then `b` is stored as `n` rows of `k`). `c` has row stride `ldc`.
/// Panics only on a programming error (shapes that do not fit their slices): every shape
/// comes from the model's own checked sizes.
pub fn gemm(a: View, b: View, b_transposed: bool, beta: f32, c: &mut [f32], ldc: usize) {
    let (m, k) = (a.rows, a.cols);
    let n = if b_transposed { b.rows } else { b.cols };
    let kb = if b_transposed { b.cols } else { b.rows };
    assert!(
        kb == k && a.fits() && b.fits(),
        "matrix shapes do not agree"
    );
    assert!(
        m == 0 || n == 0 || (m - 1) * ldc + n <= c.len(),
        "output too small"
    );
    assert!(ldc >= n || m <= 1, "output rows overlap");
    if m == 0 || n == 0 {
        return;
    }
    // With AVX-512, rawi's own product beats `sgemm` on these narrow matrices (it packs
    // nothing); with AVX2 alone, `sgemm`'s kernel is the faster (both measured, README).
    let dense = a.stride == k && !b_transposed && b.stride == n && ldc == n;
    let simd = super::fast::detect();
    if simd == super::fast::Simd::Avx512
        && dense
        && n.is_multiple_of(8)
        && (beta == 0.0 || beta == 1.0)
    {
        let x = super::fast::Operands {
            h: a.data,
            k: m,
            hd: k,
            n,
            r: b.data,
        };
        super::fast::product(simd, x, c, beta == 1.0);
        return;
    }
    let (rsb, csb) = if b_transposed {
        (1, b.stride as isize)
    } else {
        (b.stride as isize, 1)
    };
    // SAFETY: the asserts above keep every element read or written inside the slices
    // (rows × strides bounded by the lengths), and `c` does not alias `a` or `b` (it is
    // borrowed mutably while they are borrowed shared).
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.data.as_ptr(),
            a.stride as isize,
            1,
            b.data.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            ldc as isize,
            1,
        );
    }
}

/// `out = x · w + bias` for `x` of `rows` × `w.rows`, `w` stored [in, out].
pub fn linear(x: View, w: View, bias: &[f32], out: &mut [f32]) {
    let n = w.cols;
    for row in out.chunks_exact_mut(n).take(x.rows) {
        row.copy_from_slice(bias);
    }
    gemm(x, w, false, 1.0, out, n);
}

/// Layer normalization over the last axis (eps 1e-5, as the graph's constant).
pub fn layer_norm(x: &[f32], dim: usize, weight: &[f32], bias: &[f32], out: &mut [f32]) {
    const EPS: f32 = 1e-5;
    for (row, o) in x.chunks_exact(dim).zip(out.chunks_exact_mut(dim)) {
        let mean = row.iter().sum::<f32>() / dim as f32;
        let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / dim as f32;
        let sd = (var + EPS).sqrt();
        for (((o, &v), &w), &b) in o.iter_mut().zip(row).zip(weight).zip(bias) {
            *o = (v - mean) / sd * w + b;
        }
    }
}

/// The index of the first largest value (ONNX ArgMax without `select_last_index`).
pub fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemm_agrees_with_a_plain_product() {
        let a: Vec<f32> = (0..6).map(|v| v as f32).collect(); // 2 × 3
        let b: Vec<f32> = (0..12).map(|v| (v as f32) * 0.5).collect(); // 3 × 4
        let mut c = vec![0.0; 8];
        gemm(
            View::new(&a, 2, 3),
            View::new(&b, 3, 4),
            false,
            0.0,
            &mut c,
            4,
        );
        for i in 0..2 {
            for j in 0..4 {
                let want: f32 = (0..3).map(|k| a[i * 3 + k] * b[k * 4 + j]).sum();
                assert_eq!(c[i * 4 + j], want);
            }
        }
        // The same product with b given as its transpose.
        let bt: Vec<f32> = (0..12).map(|x| b[(x % 3) * 4 + x / 3]).collect(); // 4 × 3
        let mut c2 = vec![0.0; 8];
        gemm(
            View::new(&a, 2, 3),
            View::new(&bt, 4, 3),
            true,
            0.0,
            &mut c2,
            4,
        );
        assert_eq!(c, c2);
    }

    #[test]
    fn argmax_takes_the_first_of_equals() {
        assert_eq!(argmax(&[0.1, 0.7, 0.7, 0.2]), 1);
    }
}

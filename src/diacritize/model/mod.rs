//! The neural diacritizer: libtashkeel's character model (MIT/Apache, from the
//! `libtashkeel_base` 1.5.0 crate), run by rawi's own forward pass of that one network.
//!
//! The model reads one line of characters (ids from `data/model_letters.tsv`) and the marks
//! already written on them (hints, ids from `data/model_marks.tsv`), and gives one mark
//! class per character. Its weights are `data/model.safetensors`, converted from the
//! upstream ONNX file by `tools/export-model.py` (which lists what the conversion folds).
//!
//! The network, per character stream of width 56: embeddings (with the dense layers and
//! the first convolution folded in) → three masked convolutions (kernels 3, 5, 7) → three
//! Conformer-like layers (half feed-forward, 8-head self-attention with sinusoidal
//! positions, a module of three bidirectional GRUs with a gated unit and BatchNorm, half
//! feed-forward, normalization and tanh) → a residual from the convolutions, a
//! normalization and the output classes.
//!
//! A batch is packed without padding: each sentence is a run of rows, position-wise layers
//! run over all rows at once, and the convolutions, the attention and the GRUs see each
//! sentence alone (zeros past its ends, no keys of other sentences, recurrences stopping
//! at its own length), which is what the graph's length masks compute. A sentence's
//! classes are therefore the same alone or in any batch.

mod fast;
pub mod lstm;
mod ops;
mod qgemm;
mod scratch;
mod weights;

use std::sync::OnceLock;

use ops::View;
use weights::{FeedForward, Gru, Layer, Net, CHARS, CLASSES, DIM, HEADS, HINTS};

const WEIGHTS: &[u8] = include_bytes!("../data/model.safetensors");

/// The longest sentence one call takes: the attention's memory grows with the square of
/// the length (the stage gives at most about 400 characters).
const MAX_LEN: usize = 4096;

/// The loaded network, or why it could not be loaded (reported on every call).
static NET: OnceLock<Result<Net, String>> = OnceLock::new();

fn net() -> Result<&'static Net, String> {
    NET.get_or_init(|| Net::load(WEIGHTS).map_err(|e| format!("the diacritization model: {e}")))
        .as_ref()
        .map_err(Clone::clone)
}

/// What the model says of one character.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    /// The likeliest class of `data/model_marks.tsv` (the first of equal logits, as ONNX
    /// ArgMax).
    pub class: u8,
    /// The probability of each class (a softmax of the logits): how sure the model is,
    /// which the stage weighs against the second model's.
    pub probs: [f32; CLASSES],
}

/// What the model says of each character id of one sentence (`hints` holds the written
/// marks' ids, same length): classes of `data/model_marks.tsv` with their probabilities.
// The stage sends batches; one sentence alone is the tests' way in.
#[cfg_attr(not(test), allow(dead_code))]
pub fn predict(ids: &[i64], hints: &[i64]) -> Result<Vec<Guess>, String> {
    Ok(predict_batch(&[(ids, hints)])?.pop().unwrap_or_default())
}

/// What the model says of each character of several sentences at once (faster than one
/// by one: the products run over all of them); each sentence's guesses are exactly those
/// it gets alone.
pub fn predict_batch(batch: &[(&[i64], &[i64])]) -> Result<Vec<Vec<Guess>>, String> {
    let net = net()?;
    for (ids, hints) in batch {
        if ids.len() > MAX_LEN {
            return Err(format!(
                "the diacritization model reads at most {MAX_LEN} characters at a time, not {}",
                ids.len()
            ));
        }
        if ids.len() != hints.len() {
            return Err(format!(
                "the diacritization model got {} characters and {} hints",
                ids.len(),
                hints.len()
            ));
        }
        let bad_id = ids
            .iter()
            .any(|&i| usize::try_from(i).map_or(true, |i| i >= CHARS));
        let bad_hint = hints
            .iter()
            .any(|&h| usize::try_from(h).map_or(true, |h| h >= HINTS));
        if bad_id || bad_hint {
            return Err("the diacritization model got an id outside its alphabet".into());
        }
    }
    // Longest first: the GRUs' active sentences at each step are then a prefix.
    let mut order: Vec<usize> = (0..batch.len())
        .filter(|&b| !batch[b].0.is_empty())
        .collect();
    order.sort_by_key(|&b| std::cmp::Reverse(batch[b].0.len()));
    let lens: Vec<usize> = order.iter().map(|&b| batch[b].0.len()).collect();
    // Checked above: every id and hint is a small non-negative index.
    let ids: Vec<usize> = order
        .iter()
        .flat_map(|&b| batch[b].0.iter().map(|&i| i as usize))
        .collect();
    let hints: Vec<usize> = order
        .iter()
        .flat_map(|&b| batch[b].1.iter().map(|&h| h as usize))
        .collect();
    let guesses = forward(net, &lens, &ids, &hints);
    let mut out = vec![Vec::new(); batch.len()];
    let mut at = 0;
    for (&b, &len) in order.iter().zip(&lens) {
        out[b] = guesses[at..at + len].to_vec();
        at += len;
    }
    Ok(out)
}

/// Sentences packed one after another: lengths (longest first) and first rows.
struct Packing {
    lens: Vec<usize>,
    starts: Vec<usize>,
    rows: usize,
}

impl Packing {
    fn new(lens: &[usize]) -> Packing {
        let mut starts = Vec::with_capacity(lens.len());
        let mut rows = 0;
        for &l in lens {
            starts.push(rows);
            rows += l;
        }
        Packing {
            lens: lens.to_vec(),
            starts,
            rows,
        }
    }

    fn sentences(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.starts.iter().copied().zip(self.lens.iter().copied())
    }

    /// How many sentences are still running at step `t` (longest first: they are a prefix).
    fn running(&self, t: usize) -> usize {
        self.lens.partition_point(|&len| len > t)
    }

    /// The row each running sentence reads at step `t` of direction `dir` (0 forward, 1
    /// backward).
    fn step_rows(&self, dir: usize, t: usize) -> impl Iterator<Item = usize> + '_ {
        self.sentences()
            .take(self.running(t))
            .map(move |(start, len)| start + if dir == 0 { t } else { len - 1 - t })
    }

    /// Every row, in the order the steps of direction `dir` read them.
    fn step_order(&self, dir: usize) -> Vec<usize> {
        let longest = self.lens.first().copied().unwrap_or(0);
        (0..longest).flat_map(|t| self.step_rows(dir, t)).collect()
    }
}

/// Buffers of one forward pass, sized once for its rows.
struct Work {
    /// Which copy of the hot loops runs ([`fast`]).
    simd: fast::Simd,
    normed: Vec<f32>,
    tmp: Vec<f32>,
    wide: Vec<f32>,
    qkv: Vec<f32>,
    scores: Vec<f32>,
    gru_a: Vec<f32>,
    gru_b: Vec<f32>,
    g: GruWork,
}

impl Drop for Work {
    fn drop(&mut self) {
        let g = &mut self.g;
        for v in [
            &mut self.normed,
            &mut self.tmp,
            &mut self.wide,
            &mut self.qkv,
            &mut self.scores,
            &mut self.gru_a,
            &mut self.gru_b,
            &mut g.gates,
        ] {
            scratch::keep(std::mem::take(v));
        }
    }
}

/// Buffers of the GRUs.
struct GruWork {
    simd: fast::Simd,
    /// Input products of every row, both directions.
    gates: Vec<f32>,
    /// Hidden state of each sentence.
    state: Vec<f32>,
    /// Hidden products of each sentence.
    state_gates: Vec<f32>,
    /// The row each running sentence is at.
    rows: Vec<usize>,
}

fn forward(net: &Net, lens: &[usize], ids: &[usize], hints: &[usize]) -> Vec<Guess> {
    let p = Packing::new(lens);
    let n = p.rows;
    let longest = lens.first().copied().unwrap_or(0);
    let k_max = weights::KERNELS[2];
    let mut w = Work {
        simd: fast::detect(),
        normed: scratch::zeros(n * DIM),
        tmp: scratch::zeros(n * DIM),
        wide: scratch::zeros(n * (k_max * DIM).max(4 * DIM)),
        qkv: scratch::zeros(n * 3 * DIM),
        scores: scratch::zeros(longest * longest),
        gru_a: scratch::zeros(n * 2 * DIM),
        gru_b: scratch::zeros(n * 2 * DIM),
        g: GruWork {
            simd: fast::detect(),
            gates: scratch::zeros(n * 12 * DIM),
            state: vec![0.0; lens.len() * 2 * DIM],
            state_gates: vec![0.0; lens.len() * 6 * DIM],
            rows: Vec::with_capacity(lens.len()),
        },
    };

    // Embeddings (dense layers and the kernel-1 convolution folded in).
    let mut x = scratch::zeros(n * DIM);
    for ((row, &c), &h) in x.chunks_exact_mut(DIM).zip(ids).zip(hints) {
        let ce = &net.embed_char.data[c * DIM..][..DIM];
        let he = &net.embed_hint.data[h * DIM..][..DIM];
        for (((o, &a), &b), &bias) in row.iter_mut().zip(ce).zip(he).zip(&net.embed_bias) {
            *o = a + b + bias;
        }
    }
    for (conv, &k) in net.conv.iter().zip(&weights::KERNELS) {
        convolve(&p, &x, conv, k, &mut w.wide, &mut w.tmp);
        std::mem::swap(&mut x, &mut w.tmp);
    }
    let residual = scratch::repeated(&x, 1);

    let pos = positions(net, longest);
    for layer in &net.layers {
        self::layer(layer, &p, &pos, &mut x, &mut w);
    }

    // Output: normalization of the last layer plus the convolutions, then the classes.
    for (o, r) in x.iter_mut().zip(&residual) {
        *o += r;
    }
    ops::layer_norm(
        &x,
        DIM,
        &net.out_norm.weight,
        &net.out_norm.bias,
        &mut w.normed,
    );
    let mut logits = scratch::zeros(n * CLASSES);
    ops::linear(
        View::new(&w.normed, n, DIM),
        net.out.weight.view(),
        &net.out.bias,
        &mut logits,
    );
    // The class is taken from the logits themselves, as the reference runtime takes it.
    let classes: Vec<u8> = logits
        .chunks_exact(CLASSES)
        .map(|row| ops::argmax(row) as u8)
        .collect();
    fast::softmax_rows(w.simd, &mut logits, CLASSES);
    let guesses = classes
        .into_iter()
        .zip(logits.chunks_exact(CLASSES))
        .map(|(class, row)| {
            let mut probs = [0.0; CLASSES];
            probs.copy_from_slice(row);
            Guess { class, probs }
        })
        .collect();
    for kept in [x, residual, logits] {
        scratch::keep(kept);
    }
    guesses
}

/// The sinusoidal position table [longest, DIM]: sines then cosines, scaled.
fn positions(net: &Net, longest: usize) -> Vec<f32> {
    let mut pos = Vec::with_capacity(longest * DIM);
    for t in 0..longest {
        let angles = net.pos_inv_freq.iter().map(|f| t as f32 * f);
        pos.extend(angles.clone().map(|a| a.sin() * net.pos_scale));
        pos.extend(angles.map(|a| a.cos() * net.pos_scale));
    }
    pos
}

/// A convolution over each sentence alone (zeros past its ends), bias included: the
/// `k` shifted rows side by side, times the [k · DIM, DIM] weights.
fn convolve(
    p: &Packing,
    x: &[f32],
    conv: &weights::Linear,
    k: usize,
    cols: &mut [f32],
    out: &mut [f32],
) {
    let half = k / 2;
    let width = k * DIM;
    for (start, len) in p.sentences() {
        for t in 0..len {
            let row = &mut cols[(start + t) * width..][..width];
            for j in 0..k {
                let dst = &mut row[j * DIM..][..DIM];
                match (t + j).checked_sub(half).filter(|&s| s < len) {
                    Some(s) => dst.copy_from_slice(&x[(start + s) * DIM..][..DIM]),
                    None => dst.fill(0.0),
                }
            }
        }
    }
    ops::linear(
        View::new(cols, p.rows, width),
        conv.weight.view(),
        &conv.bias,
        out,
    );
}

fn feed_forward(f: &FeedForward, rows: usize, x: &mut [f32], w: &mut Work) {
    ops::layer_norm(x, DIM, &f.norm.weight, &f.norm.bias, &mut w.normed);
    let wide = &mut w.wide[..rows * 4 * DIM];
    ops::linear(
        View::new(&w.normed, rows, DIM),
        f.up.weight.view(),
        &f.up.bias,
        wide,
    );
    fast::silu(w.simd, wide);
    ops::linear(
        View::new(wide, rows, 4 * DIM),
        f.down.weight.view(),
        &f.down.bias,
        &mut w.tmp,
    );
    for (o, d) in x.iter_mut().zip(&w.tmp) {
        *o += d;
    }
}

fn layer(l: &Layer, p: &Packing, pos: &[f32], x: &mut [f32], w: &mut Work) {
    let n = p.rows;
    feed_forward(&l.ffn1, n, x, w);

    // Self-attention, each sentence over its own characters.
    ops::layer_norm(
        x,
        DIM,
        &l.attn_norm.weight,
        &l.attn_norm.bias,
        &mut w.normed,
    );
    for (start, len) in p.sentences() {
        for (row, pe) in w.normed[start * DIM..][..len * DIM]
            .iter_mut()
            .zip(&pos[..len * DIM])
        {
            *row += pe;
        }
    }
    ops::gemm(
        View::new(&w.normed, n, DIM),
        l.qkv.view(),
        false,
        0.0,
        &mut w.qkv,
        3 * DIM,
    );
    let hd = DIM / HEADS;
    for (start, len) in p.sentences() {
        let rows = &w.qkv[start * 3 * DIM..][..len * 3 * DIM];
        for h in 0..HEADS {
            let q = View {
                data: &rows[h * hd..],
                rows: len,
                cols: hd,
                stride: 3 * DIM,
            };
            let k = View {
                data: &rows[DIM + h * hd..],
                rows: len,
                cols: hd,
                stride: 3 * DIM,
            };
            let v = View {
                data: &rows[2 * DIM + h * hd..],
                rows: len,
                cols: hd,
                stride: 3 * DIM,
            };
            let scores = &mut w.scores[..len * len];
            ops::gemm(q, k, true, 0.0, scores, len);
            fast::softmax_rows(w.simd, scores, len);
            let out = &mut w.tmp[start * DIM + h * hd..];
            ops::gemm(View::new(scores, len, len), v, false, 0.0, out, DIM);
        }
    }
    ops::gemm(
        View::new(&w.tmp, n, DIM),
        l.attn_out.view(),
        false,
        1.0,
        x,
        DIM,
    );

    // Convolution module: GRU, gated unit, GRU, BatchNorm, SiLU, GRU.
    ops::layer_norm(
        x,
        DIM,
        &l.conv_norm.weight,
        &l.conv_norm.bias,
        &mut w.normed,
    );
    gru(&l.gru[0], p, &w.normed, DIM, &mut w.g, &mut w.gru_a);
    fast::glu(w.simd, &w.gru_a[..n * 2 * DIM], &mut w.tmp, DIM);
    gru(&l.gru[1], p, &w.tmp, DIM, &mut w.g, &mut w.gru_b);
    for row in w.gru_b.chunks_exact_mut(2 * DIM) {
        for ((v, &s), &b) in row.iter_mut().zip(&l.bn_scale).zip(&l.bn_shift) {
            *v = *v * s + b;
        }
    }
    fast::silu(w.simd, &mut w.gru_b);
    gru(&l.gru[2], p, &w.gru_b, 2 * DIM, &mut w.g, &mut w.tmp);
    for (o, g) in x.iter_mut().zip(&w.tmp) {
        *o += g;
    }

    feed_forward(&l.ffn2, n, x, w);
    ops::layer_norm(
        x,
        DIM,
        &l.post_norm.weight,
        &l.post_norm.bias,
        &mut w.normed,
    );
    x.copy_from_slice(&w.normed[..n * DIM]);
    fast::tanh_all(w.simd, x);
}

/// A bidirectional GRU over each sentence to its own length; `out` [rows, hidden] gets
/// tanh(forward + backward), as the graph sums the two directions' halves.
fn gru(g: &Gru, p: &Packing, x: &[f32], input: usize, w: &mut GruWork, out: &mut [f32]) {
    let n = p.rows;
    let h = g.hidden;
    let simd = w.simd;
    let gates = &mut w.gates[..n * 6 * h];
    ops::linear(
        View::new(x, n, input),
        g.input.weight.view(),
        &g.input.bias,
        gates,
    );
    let out = &mut out[..n * h];
    let b_count = p.lens.len();
    let longest = p.lens.first().copied().unwrap_or(0);
    for dir in 0..2 {
        let state = &mut w.state[..b_count * h];
        state.fill(0.0);
        for t in 0..longest {
            let active = p.running(t);
            // One product for every sentence still running: h · R.
            let sg = &mut w.state_gates[..active * 3 * h];
            fast::recurrent(simd, state, active, h, 3 * h, &g.recurrent[dir].data, sg);
            w.rows.clear();
            w.rows.extend(p.step_rows(dir, t));
            fast::gru_step(
                simd,
                gates,
                &w.rows,
                dir,
                sg,
                &g.hidden_bias[dir],
                state,
                out,
                dir == 1,
            );
        }
    }
    fast::tanh_all(simd, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(predict(&[5, 6], &[1]).is_err());
        assert!(predict(&[5, 600], &[1, 1]).is_err());
        assert!(predict(&[5, -1], &[1, 1]).is_err());
        assert!(predict(&[5, 6], &[1, 99]).is_err());
        let long = vec![5; MAX_LEN + 1];
        assert!(predict(&long, &long).is_err());
        assert_eq!(predict(&[], &[]), Ok(Vec::new()));
        assert_eq!(predict_batch(&[]), Ok(Vec::new()));
    }

    #[test]
    fn batch_and_empty_sentences_keep_their_places() {
        let a: Vec<i64> = vec![24, 47, 45, 34, 24, 34, 1, 8];
        let b: Vec<i64> = vec![48, 34, 30, 25, 24, 1, 8];
        let (ha, hb) = (vec![1; a.len()], vec![1; b.len()]);
        let got = predict_batch(&[(&b, &hb), (&[], &[]), (&a, &ha)]).unwrap();
        assert_eq!(got[0], predict(&b, &hb).unwrap());
        assert!(got[1].is_empty());
        assert_eq!(got[2], predict(&a, &ha).unwrap());
        // The classes are the likeliest, and the probabilities a distribution.
        for g in got.iter().flatten() {
            let top = g.probs[usize::from(g.class)];
            assert!(g.probs.iter().all(|&p| p <= top));
            assert!((g.probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        }
    }
}

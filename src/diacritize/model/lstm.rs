//! The second diacritizer: the "rawi-v3" two-head BiLSTM of TigreGotico's `text2tashkeel`
//! 0.1.0 (Apache-2.0; no relation to this project despite its name), run by rawi's own
//! forward pass. Its weights are `data/v3.safetensors`, int8 with a scale and zero point
//! as the quantized upstream file has them (converted by `tools/export-v3.py`). They stay
//! int8 for the second layer's input products and both layers' recurrent products
//! ([`super::qgemm`]: as upstream, the inputs of those products are quantized on the fly);
//! the first layer's input products are a table by character id, computed once at load in
//! f32.
//!
//! The model reads one character id per base character of the NFD text (`data/v3_letters.tsv`)
//! and gives, per character, a "presence" logit (does a mark go here?) and the 75 logits
//! of which marks go there (`data/v3_marks.tsv`), hamza and dagger alef included.
//!
//! The network: embedding (236 × 128) → two bidirectional LSTMs of 256 per direction (the
//! second reads both directions of the first side by side) → the two heads on the 512
//! values of each character. A batch is packed without padding, as for the first model:
//! the recurrences stop at each sentence's own length, so a sentence's outputs are the
//! same alone or in any batch.

use std::sync::OnceLock;

use safetensors::{Dtype, SafeTensors};

use super::fast;
use super::ops::{self, View};
use super::qgemm::{self, QMatrix, QRows};
use super::scratch;
use super::weights::{Linear, Matrix};
use super::Packing;

const WEIGHTS: &[u8] = include_bytes!("../data/v3.safetensors");

/// Characters the model reads (`data/v3_letters.tsv`).
pub const CHARS: usize = 236;
/// Value classes (`data/v3_marks.tsv`).
pub const CLASSES: usize = 75;
const EMBED: usize = 128;
const HIDDEN: usize = 256;
/// The longest sentence one call takes (the stage gives at most about 400 characters).
const MAX_LEN: usize = 4096;

/// What the model says of one character.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    /// The presence head's logit: above 0, the model puts a mark here.
    pub presence: f32,
    /// The value head's probabilities of each class (a softmax of its logits).
    pub value: [f32; CLASSES],
}

impl Guess {
    /// The most likely value class (the first of equals, as ONNX ArgMax).
    pub fn top(&self) -> usize {
        ops::argmax(&self.value)
    }
}

/// One bidirectional LSTM layer.
struct Lstm {
    /// Input products of each direction: [in, 4 · HIDDEN], int8 as upstream (the first
    /// layer's table takes the dequantized values instead).
    input: [QMatrix; 2],
    /// Both directions' input bias plus hidden bias (they are simply added), forward first.
    bias: Vec<f32>,
    /// Hidden-to-hidden weights [HIDDEN, 4 · HIDDEN], forward then backward.
    recurrent: [QMatrix; 2],
}

struct Net {
    /// The first layer's input products (biases in) of each character id, [CHARS, 8h]:
    /// its input is the embedding of one id, so they are computed once, at load.
    first_gates: Vec<f32>,
    /// The first layer's hidden-to-hidden weights, forward then backward.
    first_recurrent: [QMatrix; 2],
    second: Lstm,
    presence: Linear,
    value: Linear,
}

static NET: OnceLock<Result<Net, String>> = OnceLock::new();

fn net() -> Result<&'static Net, String> {
    NET.get_or_init(|| {
        Net::load(WEIGHTS).map_err(|e| format!("the second diacritization model: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

struct Reader<'a>(SafeTensors<'a>);

impl Reader<'_> {
    fn raw(&self, name: &str, dtype: Dtype, shape: &[usize]) -> Result<Vec<u8>, String> {
        let t = self
            .0
            .tensor(name)
            .map_err(|e| format!("tensor {name}: {e}"))?;
        if t.dtype() != dtype || t.shape() != shape {
            return Err(format!(
                "tensor {name} is {:?} {:?}, expected {dtype:?} {shape:?}",
                t.dtype(),
                t.shape()
            ));
        }
        Ok(t.data().to_vec())
    }

    fn f32s(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        Ok(self
            .raw(name, Dtype::F32, shape)?
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    /// An int8 tensor `name.q` as f32: `(q - zero) · scale`, with one scale and zero
    /// point per slice of its first axis (`groups` of them).
    fn dequantized(
        &self,
        name: &str,
        dtype: Dtype,
        shape: &[usize],
        groups: usize,
    ) -> Result<Vec<f32>, String> {
        let q = self.raw(&format!("{name}.q"), dtype, shape)?;
        let scale = self.f32s(&format!("{name}.scale"), &[groups])?;
        let zero = self.f32s(&format!("{name}.zero"), &[groups])?;
        let per = q.len() / groups;
        Ok(q.iter()
            .enumerate()
            .map(|(k, &b)| {
                let v = if dtype == Dtype::I8 {
                    f32::from(b as i8)
                } else {
                    f32::from(b)
                };
                (v - zero[k / per]) * scale[k / per]
            })
            .collect())
    }

    /// An int8 tensor `name.q` as it is, with its scale per slice of the first axis
    /// (`groups`); its zero points must be 0 (symmetric, as upstream).
    fn int8(
        &self,
        name: &str,
        shape: &[usize],
        groups: usize,
    ) -> Result<(Vec<i8>, Vec<f32>), String> {
        let q = self.raw(&format!("{name}.q"), Dtype::I8, shape)?;
        let scale = self.f32s(&format!("{name}.scale"), &[groups])?;
        if self
            .f32s(&format!("{name}.zero"), &[groups])?
            .iter()
            .any(|&z| z != 0.0)
        {
            return Err(format!(
                "tensor {name} is not symmetric (a zero point is not 0)"
            ));
        }
        Ok((q.into_iter().map(|b| b as i8).collect(), scale))
    }

    /// Layer `k` (`input` values a character), and the f32 values of its input weights
    /// [in, 8h] (both directions side by side).
    fn lstm(&self, k: usize, input: usize) -> Result<(Lstm, Vec<f32>), String> {
        let g = 4 * HIDDEN;
        let (w, w_scale) = self.int8(&format!("lstm{k}.input"), &[2, input, g], 2)?;
        let (r, r_scale) = self.int8(&format!("lstm{k}.recurrent"), &[2, HIDDEN, g], 2)?;
        let b = self.f32s(&format!("lstm{k}.bias"), &[2, 2 * g])?;
        // Both directions' input products in one [in, 8h] matrix: row i is the forward
        // row then the backward row.
        let mut both = Vec::with_capacity(input * 2 * g);
        for i in 0..input {
            both.extend_from_slice(&w[i * g..][..g]);
            both.extend_from_slice(&w[(input + i) * g..][..g]);
        }
        let col_scale: Vec<f32> = (0..2 * g).map(|j| w_scale[j / g]).collect();
        let dequantized = both
            .iter()
            .zip(col_scale.iter().cycle())
            .map(|(&q, &s)| f32::from(q) * s)
            .collect();
        let bias = (0..2)
            .flat_map(|d| (0..g).map(move |j| (d, j)))
            .map(|(d, j)| b[d * 2 * g + j] + b[d * 2 * g + g + j])
            .collect();
        let (fwd, bwd) = r.split_at(HIDDEN * g);
        let (w_fwd, w_bwd) = w.split_at(input * g);
        let lstm = Lstm {
            input: [
                QMatrix::new(w_fwd, input, g, vec![w_scale[0]; g])?,
                QMatrix::new(w_bwd, input, g, vec![w_scale[1]; g])?,
            ],
            bias,
            recurrent: [
                QMatrix::new(fwd, HIDDEN, g, vec![r_scale[0]; g])?,
                QMatrix::new(bwd, HIDDEN, g, vec![r_scale[1]; g])?,
            ],
        };
        Ok((lstm, dequantized))
    }

    fn head(&self, name: &str, out: usize) -> Result<Linear, String> {
        Ok(Linear {
            weight: Matrix {
                data: self.dequantized(name, Dtype::I8, &[2 * HIDDEN, out], 1)?,
                rows: 2 * HIDDEN,
                cols: out,
            },
            bias: self.f32s(&format!("{name}.bias"), &[out])?,
        })
    }
}

impl Net {
    fn load(bytes: &[u8]) -> Result<Net, String> {
        let r = Reader(SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?);
        let embed = r.dequantized("embed", Dtype::U8, &[CHARS, EMBED], 1)?;
        let (first, first_input) = r.lstm(0, EMBED)?;
        let mut first_gates = vec![0.0; CHARS * 8 * HIDDEN];
        ops::linear(
            View::new(&embed, CHARS, EMBED),
            View::new(&first_input, EMBED, 8 * HIDDEN),
            &first.bias,
            &mut first_gates,
        );
        Ok(Net {
            first_gates,
            first_recurrent: first.recurrent,
            second: r.lstm(1, 2 * HIDDEN)?.0,
            presence: r.head("presence", 1)?,
            value: r.head("value", CLASSES)?,
        })
    }
}

/// What the model says of each character of each sentence (ids of `data/v3_letters.tsv`).
pub fn predict_batch(batch: &[&[i64]]) -> Result<Vec<Vec<Guess>>, String> {
    let net = net()?;
    for ids in batch {
        if ids.len() > MAX_LEN {
            return Err(format!(
                "the second diacritization model reads at most {MAX_LEN} characters at a time, not {}",
                ids.len()
            ));
        }
        if ids
            .iter()
            .any(|&i| usize::try_from(i).map_or(true, |i| i >= CHARS))
        {
            return Err("the second diacritization model got an id outside its alphabet".into());
        }
    }
    let mut order: Vec<usize> = (0..batch.len()).filter(|&b| !batch[b].is_empty()).collect();
    order.sort_by_key(|&b| std::cmp::Reverse(batch[b].len()));
    let lens: Vec<usize> = order.iter().map(|&b| batch[b].len()).collect();
    // Checked above: every id is a small non-negative index.
    let ids: Vec<usize> = order
        .iter()
        .flat_map(|&b| batch[b].iter().map(|&i| i as usize))
        .collect();
    let guesses = forward(net, &Packing::new(&lens), &ids);
    let mut out = vec![Vec::new(); batch.len()];
    let mut rest = guesses.into_iter();
    for (&b, &len) in order.iter().zip(&lens) {
        out[b] = rest.by_ref().take(len).collect();
    }
    Ok(out)
}

fn forward(net: &Net, p: &Packing, ids: &[usize]) -> Vec<Guess> {
    let n = p.rows;
    let simd = fast::detect();
    let g = 4 * HIDDEN;
    // The first layer reads its input products straight from the table, by character id.
    let mut first = scratch::zeros(n * 2 * HIDDEN);
    let table = Gates::Table {
        table: &net.first_gates,
        ids,
    };
    bilstm(&net.first_recurrent, p, &table, simd, &mut first);
    // The second layer's input products, each direction's rows in the order its steps
    // read them: a step reads one block of rows, not rows strewn over megabytes.
    let second = &net.second;
    let quantized = QRows::new(&first, n, 2 * HIDDEN);
    let in_steps = [0, 1].map(|dir| {
        let mut gates = scratch::repeated(&second.bias[dir * g..][..g], n);
        let rows = quantized.gathered(&p.step_order(dir));
        qgemm::matmul(&rows, &second.input[dir], 1.0, &mut gates);
        gates
    });
    drop(quantized);
    scratch::keep(first);
    let mut x = scratch::zeros(n * 2 * HIDDEN);
    let steps = Gates::InSteps([&in_steps[0], &in_steps[1]]);
    bilstm(&second.recurrent, p, &steps, simd, &mut x);
    for kept in in_steps {
        scratch::keep(kept);
    }
    let mut presence = vec![0.0; n];
    ops::linear(
        View::new(&x, n, 2 * HIDDEN),
        net.presence.weight.view(),
        &net.presence.bias,
        &mut presence,
    );
    let mut value = scratch::zeros(n * CLASSES);
    ops::linear(
        View::new(&x, n, 2 * HIDDEN),
        net.value.weight.view(),
        &net.value.bias,
        &mut value,
    );
    fast::softmax_rows(simd, &mut value, CLASSES);
    let guesses = presence
        .into_iter()
        .zip(value.chunks_exact(CLASSES))
        .map(|(presence, v)| {
            let mut value = [0.0; CLASSES];
            value.copy_from_slice(v);
            Guess { presence, value }
        })
        .collect();
    scratch::keep(x);
    scratch::keep(value);
    guesses
}

/// Where a layer's input products (biases in) come from.
enum Gates<'a> {
    /// A table [·, 8h] by character id (both directions side by side): row `ids[row]` is
    /// row `row`'s.
    Table { table: &'a [f32], ids: &'a [usize] },
    /// Each direction's [rows, 4h], its rows in the order that direction's steps read them
    /// ([`Packing::step_order`]).
    InSteps([&'a [f32]; 2]),
}

/// Both directions of one LSTM layer over each sentence to its own length, from the
/// input products `gates` and the `recurrent` weights of each direction; `out` [rows, 2h]
/// gets forward then backward.
fn bilstm(recurrent: &[QMatrix; 2], p: &Packing, gates: &Gates, simd: fast::Simd, out: &mut [f32]) {
    let count = p.lens.len();
    let longest = p.lens.first().copied().unwrap_or(0);
    let mut state = vec![0.0; count * HIDDEN];
    let mut cell = vec![0.0; count * HIDDEN];
    let mut hidden = vec![0.0; count * 4 * HIDDEN];
    let mut rows = Vec::with_capacity(count);
    let mut gate_rows = Vec::with_capacity(count);
    for (dir, weights) in recurrent.iter().enumerate() {
        state.fill(0.0);
        cell.fill(0.0);
        let (dir_gates, stride) = match gates {
            Gates::Table { table, .. } => (&table[dir * 4 * HIDDEN..], 8 * HIDDEN),
            Gates::InSteps(in_steps) => (in_steps[dir], 4 * HIDDEN),
        };
        let mut read = 0;
        for t in 0..longest {
            let active = p.running(t);
            let hg = &mut hidden[..active * 4 * HIDDEN];
            qgemm::matmul(&QRows::new(&state, active, HIDDEN), weights, 0.0, hg);
            rows.clear();
            rows.extend(p.step_rows(dir, t));
            gate_rows.clear();
            match gates {
                Gates::Table { ids, .. } => gate_rows.extend(rows.iter().map(|&r| ids[r])),
                Gates::InSteps(_) => gate_rows.extend(read..read + active),
            }
            read += active;
            fast::lstm_step(
                simd,
                dir_gates,
                stride,
                &gate_rows,
                &rows,
                dir,
                HIDDEN,
                hg,
                &mut cell[..active * HIDDEN],
                &mut state[..active * HIDDEN],
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(predict_batch(&[&[5, 600]]).is_err());
        assert!(predict_batch(&[&[5, -1]]).is_err());
        let long = vec![5; MAX_LEN + 1];
        assert!(predict_batch(&[&long]).is_err());
        assert_eq!(predict_batch(&[]), Ok(Vec::new()));
        assert_eq!(predict_batch(&[&[]]), Ok(vec![Vec::new()]));
    }
}

//! The network's weights, read once from `data/model.safetensors` (written by
//! `tools/export-model.py`, which documents what each tensor is and what it folds), with
//! every shape checked so that the forward pass can trust them.

use safetensors::{Dtype, SafeTensors};

/// Width of the character stream between the layers.
pub const DIM: usize = 56;
/// Attention heads (of `DIM / HEADS` values each).
pub const HEADS: usize = 8;
/// Output classes (`data/model_marks.tsv`).
pub const CLASSES: usize = 15;
/// Conformer-like layers.
pub const LAYERS: usize = 3;
/// Characters the model reads (`data/model_letters.tsv`).
pub const CHARS: usize = 54;
/// Hint ids (`data/model_marks.tsv`, with 15 for a shadda alone).
pub const HINTS: usize = 16;
/// Kernel sizes of the convolutions after the embedding's (kernel 1, folded into it).
pub const KERNELS: [usize; 3] = [3, 5, 7];

/// A weight matrix stored [in, out].
pub struct Matrix {
    /// The values, row after row.
    pub data: Vec<f32>,
    /// Inputs.
    pub rows: usize,
    /// Outputs.
    pub cols: usize,
}

impl Matrix {
    /// The whole matrix as a view.
    pub fn view(&self) -> super::ops::View<'_> {
        super::ops::View::new(&self.data, self.rows, self.cols)
    }
}

/// A linear layer: `x · weight + bias`.
pub struct Linear {
    /// [in, out].
    pub weight: Matrix,
    /// One per output.
    pub bias: Vec<f32>,
}

/// A layer normalization's scale and shift.
pub struct Norm {
    /// Scale per channel.
    pub weight: Vec<f32>,
    /// Shift per channel.
    pub bias: Vec<f32>,
}

/// A bidirectional GRU (ONNX gate order z, r, h; `linear_before_reset`).
pub struct Gru {
    /// Hidden size of each direction.
    pub hidden: usize,
    /// Input products of both directions: [in, 6 · hidden], forward gates first.
    pub input: Linear,
    /// Hidden-to-hidden weights [hidden, 3 · hidden], forward then backward.
    pub recurrent: [Matrix; 2],
    /// The h gate's hidden bias of each direction (applied before r multiplies it).
    pub hidden_bias: [Vec<f32>; 2],
}

/// Half-step feed-forward module (its 0.5 folded into `down`).
pub struct FeedForward {
    /// Normalization of its input.
    pub norm: Norm,
    /// DIM → 4 · DIM, then SiLU.
    pub up: Linear,
    /// 4 · DIM → DIM (halved).
    pub down: Linear,
}

/// One Conformer-like layer.
pub struct Layer {
    /// The first half-step feed-forward module.
    pub ffn1: FeedForward,
    /// Normalization before the attention.
    pub attn_norm: Norm,
    /// Query, key and value projections side by side [DIM, 3 · DIM] (scale folded).
    pub qkv: Matrix,
    /// The attention's output projection (no bias).
    pub attn_out: Matrix,
    /// Normalization before the GRU module.
    pub conv_norm: Norm,
    /// DIM → 2 · DIM (then the gated unit), DIM → 2 · DIM, 2 · DIM → DIM.
    pub gru: [Gru; 3],
    /// BatchNorm after the second GRU, as a scale…
    pub bn_scale: Vec<f32>,
    /// …and a shift per channel.
    pub bn_shift: Vec<f32>,
    /// The second half-step feed-forward module.
    pub ffn2: FeedForward,
    /// Normalization before the layer's closing tanh.
    pub post_norm: Norm,
}

/// The whole network.
pub struct Net {
    /// Row per character id: its embedding through the dense layers and conv.0.
    pub embed_char: Matrix,
    /// Row per hint id, likewise.
    pub embed_hint: Matrix,
    /// The folded biases of the dense layers and conv.0.
    pub embed_bias: Vec<f32>,
    /// The convolutions of [`KERNELS`], as [k · DIM, DIM] products of shifted rows.
    pub conv: [Linear; 3],
    /// Frequencies of the sinusoidal positions (DIM / 2).
    pub pos_inv_freq: Vec<f32>,
    /// Scale of the positions.
    pub pos_scale: f32,
    /// The Conformer-like layers.
    pub layers: Vec<Layer>,
    /// Normalization of the last layer plus the convolutions' output.
    pub out_norm: Norm,
    /// DIM → the classes.
    pub out: Linear,
}

struct Reader<'a>(SafeTensors<'a>);

impl Reader<'_> {
    fn tensor(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        let t = self
            .0
            .tensor(name)
            .map_err(|e| format!("tensor {name}: {e}"))?;
        if t.dtype() != Dtype::F32 || t.shape() != shape {
            return Err(format!(
                "tensor {name} is {:?} {:?}, expected F32 {shape:?}",
                t.dtype(),
                t.shape()
            ));
        }
        // The file's bytes carry no alignment guarantee: copy them out as f32.
        Ok(t.data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Matrix, String> {
        Ok(Matrix {
            data: self.tensor(name, &[rows, cols])?,
            rows,
            cols,
        })
    }

    fn linear(&self, name: &str, rows: usize, cols: usize) -> Result<Linear, String> {
        Ok(Linear {
            weight: self.matrix(&format!("{name}.weight"), rows, cols)?,
            bias: self.tensor(&format!("{name}.bias"), &[cols])?,
        })
    }

    fn norm(&self, name: &str) -> Result<Norm, String> {
        Ok(Norm {
            weight: self.tensor(&format!("{name}.weight"), &[DIM])?,
            bias: self.tensor(&format!("{name}.bias"), &[DIM])?,
        })
    }

    fn ffn(&self, name: &str) -> Result<FeedForward, String> {
        Ok(FeedForward {
            norm: self.norm(&format!("{name}.norm"))?,
            up: self.linear(&format!("{name}.up"), DIM, 4 * DIM)?,
            down: self.linear(&format!("{name}.down"), 4 * DIM, DIM)?,
        })
    }

    fn gru(&self, name: &str, input: usize, hidden: usize) -> Result<Gru, String> {
        let bias = self.tensor(&format!("{name}.hidden_bias"), &[2 * hidden])?;
        Ok(Gru {
            hidden,
            input: self.linear(&format!("{name}.input"), input, 6 * hidden)?,
            recurrent: [
                self.matrix(&format!("{name}.forward.weight"), hidden, 3 * hidden)?,
                self.matrix(&format!("{name}.backward.weight"), hidden, 3 * hidden)?,
            ],
            hidden_bias: [bias[..hidden].to_vec(), bias[hidden..].to_vec()],
        })
    }

    fn layer(&self, i: usize) -> Result<Layer, String> {
        let p = format!("layers.{i}");
        Ok(Layer {
            ffn1: self.ffn(&format!("{p}.ffm1"))?,
            attn_norm: self.norm(&format!("{p}.attn.norm"))?,
            qkv: self.matrix(&format!("{p}.attn.qkv.weight"), DIM, 3 * DIM)?,
            attn_out: self.matrix(&format!("{p}.attn.out.weight"), DIM, DIM)?,
            conv_norm: self.norm(&format!("{p}.conv.norm"))?,
            gru: [
                self.gru(&format!("{p}.conv.gru1"), DIM, 2 * DIM)?,
                self.gru(&format!("{p}.conv.gru2"), DIM, 2 * DIM)?,
                self.gru(&format!("{p}.conv.gru3"), 2 * DIM, DIM)?,
            ],
            bn_scale: self.tensor(&format!("{p}.conv.batchnorm.scale"), &[2 * DIM])?,
            bn_shift: self.tensor(&format!("{p}.conv.batchnorm.shift"), &[2 * DIM])?,
            ffn2: self.ffn(&format!("{p}.ffm2"))?,
            post_norm: self.norm(&format!("{p}.post_norm"))?,
        })
    }
}

impl Net {
    /// Reads and checks every tensor of a safetensors file.
    pub fn load(bytes: &[u8]) -> Result<Net, String> {
        let r = Reader(SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?);
        let [k1, k2, k3] = KERNELS;
        Ok(Net {
            embed_char: r.matrix("embed.char", CHARS, DIM)?,
            embed_hint: r.matrix("embed.hint", HINTS, DIM)?,
            embed_bias: r.tensor("embed.bias", &[DIM])?,
            conv: [
                r.linear("conv.1", k1 * DIM, DIM)?,
                r.linear("conv.2", k2 * DIM, DIM)?,
                r.linear("conv.3", k3 * DIM, DIM)?,
            ],
            pos_inv_freq: r.tensor("pos.inv_freq", &[DIM / 2])?,
            pos_scale: r.tensor("pos.scale", &[1])?[0],
            layers: (0..LAYERS).map(|i| r.layer(i)).collect::<Result<_, _>>()?,
            out_norm: r.norm("out.norm")?,
            out: r.linear("out", DIM, CLASSES)?,
        })
    }
}

//! The neural diacritizer: libtashkeel's character model (`data/model.onnx`, MIT/Apache,
//! from the `libtashkeel_base` 1.5.0 crate) run by tract, a pure-Rust ONNX runtime.
//!
//! The model reads one line of characters (ids from `data/model_letters.tsv`) and the marks
//! already written on them (hints, ids from `data/model_marks.tsv`), and gives one mark
//! class per character. Two edits of the parsed graph let tract run it without changing
//! what it computes (see `../shared/notes/libtashkeel-in-pure-rust.md`):
//! 1. the `GRU` nodes read their `sequence_lens` from a runtime value, which tract refuses;
//!    one unpadded sentence per call covers the whole sequence, so the input is dropped;
//! 2. the `TopK` nodes sort the lengths (for the GRUs' packing) read through casts that
//!    tract turns into a symbolic dimension, which then fails at run time; they sort the
//!    int64 `input_lengths` input directly instead, which holds the same values.
//!
//! The model is parsed and optimized once per process, for a symbolic length.

use std::sync::{Arc, OnceLock};

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

const MODEL: &[u8] = include_bytes!("data/model.onnx");

type Plan = Arc<TypedRunnableModel>;

/// The loaded model, or why it could not be loaded (reported once per call).
static PLAN: OnceLock<Result<Plan, String>> = OnceLock::new();

fn plan() -> Result<&'static Plan, String> {
    PLAN.get_or_init(|| load().map_err(|e| format!("the diacritization model: {e:#}")))
        .as_ref()
        .map_err(Clone::clone)
}

/// Applies the two graph edits described in the module documentation.
fn edit(proto: &mut ModelProto) -> TractResult<()> {
    let graph = proto
        .graph
        .as_mut()
        .ok_or_else(|| TractError::msg("the model has no graph"))?;
    let lengths = graph
        .input
        .get(2)
        .map(|i| i.name.clone())
        .ok_or_else(|| TractError::msg("the model has no length input"))?;
    let (mut grus, mut topks) = (0, 0);
    for node in graph.node.iter_mut() {
        match node.op_type.as_str() {
            "GRU" if node.input.len() > 4 => {
                node.input[4].clear();
                grus += 1;
            }
            // Input 0 is the data sorted (the lengths, through a Cast); input 1 is K.
            "TopK" if !node.input.is_empty() => {
                node.input[0] = lengths.clone();
                topks += 1;
            }
            _ => {}
        }
    }
    if grus == 0 || topks == 0 {
        return Err(TractError::msg(format!(
            "unexpected graph ({grus} GRU, {topks} TopK nodes)"
        )));
    }
    Ok(())
}

fn load() -> TractResult<Plan> {
    let onnx = tract_onnx::onnx();
    let mut proto = onnx.proto_model_for_read(&mut &MODEL[..])?;
    edit(&mut proto)?;
    let mut model = onnx.model_for_proto_model(&proto)?;
    let s = model.symbols.sym("S");
    model.set_input_fact(0, i64::fact([TDim::from(1), TDim::from(s.clone())]).into())?;
    model.set_input_fact(1, i64::fact([TDim::from(1), TDim::from(s)]).into())?;
    model.set_input_fact(2, i64::fact([1]).into())?;
    model.into_optimized()?.into_runnable()
}

/// Predicts one mark class per character id (`hints` holds the written marks' ids, same
/// length). Returns classes of `data/model_marks.tsv`.
pub fn predict(ids: &[i64], hints: &[i64]) -> Result<Vec<u8>, String> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let plan = plan()?;
    let run = || -> TractResult<Vec<u8>> {
        let n = ids.len();
        let ids = tract_ndarray::Array2::from_shape_vec((1, n), ids.to_vec())?;
        let hints = tract_ndarray::Array2::from_shape_vec((1, n), hints.to_vec())?;
        let len = tract_ndarray::Array1::from_vec(vec![n as i64]);
        let out = plan.run(tvec!(
            Tensor::from(ids).into(),
            Tensor::from(hints).into(),
            Tensor::from(len).into()
        ))?;
        let classes = out
            .first()
            .ok_or_else(|| TractError::msg("no output"))?
            .cast_to::<i64>()?
            .to_plain_array_view::<i64>()?
            .iter()
            .map(|&c| u8::try_from(c).unwrap_or(0))
            .collect::<Vec<u8>>();
        Ok(classes)
    };
    let classes = run().map_err(|e| format!("the diacritization model failed: {e:#}"))?;
    if classes.len() != ids.len() {
        return Err(format!(
            "the diacritization model gave {} marks for {} characters",
            classes.len(),
            ids.len()
        ));
    }
    Ok(classes)
}

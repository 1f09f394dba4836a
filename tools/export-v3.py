#!/usr/bin/env python3
"""Converts the "rawi-v3" two-head BiLSTM diacritizer of TigreGotico's text2tashkeel
(no relation to this project despite the name) into the weights rawi's own engine reads
(`src/diacritize/model/lstm.rs`), and writes the engine's reference predictions.

Run once by hand, from the repository root, when the model changes:

    python3 tools/export-v3.py WHEEL_DIR
        writes src/diacritize/data/v3.safetensors, v3_letters.tsv and v3_marks.tsv
    python3 tools/export-v3.py WHEEL_DIR --reference
        also runs the ORIGINAL int8 model with onnxruntime (one thread) over the sentences
        of tools/model-reference-sentences.txt and writes
        tests/data/diacritize/v3_reference.tsv (what the Rust engine must agree with)

WHEEL_DIR is the unpacked wheel: `pip download --no-deps text2tashkeel==0.1.0`, then
`unzip text2tashkeel-0.1.0-py3-none-any.whl -d WHEEL_DIR`. The files used are
`text2tashkeel/models/rawi_v3.int8.onnx` and `text2tashkeel/models/rawi_v2.vocab.json`
(the vocabulary the package's own code pairs with that model). Needs
`pip install onnx numpy` (and `onnxruntime` for --reference).

The network: a character embedding (236 × 128), two bidirectional LSTM layers of 256 per
direction (ONNX gate order i, o, f, c; the second reads both directions of the first side
by side), then two heads on the 512 values of each character: "presence" (one logit: does
the letter carry a mark?) and "value" (75 logits: which marks). Nothing is folded: the
weights stay int8 with their scale and zero point (as the quantized file has them), so
the repository carries 2.4 MB, not 9.5 MB, and the engine multiplies most of them as int8.
Like onnxruntime (DynamicQuantizeLSTM, MatMulInteger) it quantizes the inputs of those
products on the fly, but per row rather than per tensor, and keeps the heads in f32: a
near-tie may flip.
"""

import importlib.util
import json
import sys
import unicodedata

import numpy as np
import onnx
from onnx import numpy_helper

OUT = "src/diacritize/data/v3.safetensors"
LETTERS = "src/diacritize/data/v3_letters.tsv"
MARKS = "src/diacritize/data/v3_marks.tsv"
SENTENCES = "tools/model-reference-sentences.txt"
REFERENCE = "tests/data/diacritize/v3_reference.tsv"
MODEL = "text2tashkeel/models/rawi_v3.int8.onnx"
VOCAB = "text2tashkeel/models/rawi_v2.vocab.json"


def quantized_lstm_inputs(graph):
    """The weight names of each DynamicQuantizeLSTM node, in graph order."""
    out = []
    for n in graph.node:
        if n.op_type == "DynamicQuantizeLSTM":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
            assert attrs["direction"] == b"bidirectional" and attrs["hidden_size"] == 256, attrs
            x, w, r, b = n.input[:4]
            out.append({"w": w, "r": r, "b": b, "w_scale": n.input[8], "w_zero": n.input[9],
                        "r_scale": n.input[10], "r_zero": n.input[11]})
    return out


def export(wheel):
    g = onnx.load(f"{wheel}/{MODEL}").graph
    init = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    t = {}

    def q(dst, values, scale, zero):
        t[f"{dst}.q"] = values
        t[f"{dst}.scale"] = np.atleast_1d(scale).astype("<f4")
        t[f"{dst}.zero"] = np.atleast_1d(zero).astype("<f4")

    q("embed", init["embedding.weight_quantized"], init["embedding.weight_scale"],
      init["embedding.weight_zero_point"])
    lstms = quantized_lstm_inputs(g)
    assert len(lstms) == 2
    for k, l in enumerate(lstms):
        # W [2, in, 4h] and R [2, h, 4h]: stored [in, out] per direction, as the engine reads.
        q(f"lstm{k}.input", init[l["w"]], init[l["w_scale"]], init[l["w_zero"]])
        q(f"lstm{k}.recurrent", init[l["r"]], init[l["r_scale"]], init[l["r_zero"]])
        t[f"lstm{k}.bias"] = init[l["b"]].astype("<f4")  # [2, 8h]: Wb then Rb
    # The heads' MatMulInteger weights [512, out] and their Add biases.
    for head, matmul in (("presence", "405"), ("value", "406")):
        q(head, init[f"onnx::MatMul_{matmul}_quantized"], init[f"onnx::MatMul_{matmul}_scale"],
          init[f"onnx::MatMul_{matmul}_zero_point"])
        t[f"{head}.bias"] = init[f"{head}_head.bias"].astype("<f4")
    write_safetensors(OUT, t)
    print(f"wrote {OUT}: {len(t)} tensors")
    write_tables(wheel)


def write_safetensors(path, tensors):
    """Written by tools/export-model.py's writer (int8 and uint8 kept as they are)."""
    spec = importlib.util.spec_from_file_location("export_model", "tools/export-model.py")
    export_model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(export_model)
    export_model.write_safetensors(path, tensors, {
        "source": "text2tashkeel 0.1.0 (PyPI) text2tashkeel/models/rawi_v3.int8.onnx, "
                  "converted by tools/export-v3.py",
        "license": "Apache-2.0",
    })


def cp(s):
    return " ".join(f"U+{ord(c):04X}" for c in s)


def write_tables(wheel):
    v = json.load(open(f"{wheel}/{VOCAB}", encoding="utf-8"))
    with open(LETTERS, "w", encoding="utf-8") as f:
        f.write("# Input alphabet of the rawi-v3 model of text2tashkeel 0.1.0 (its\n"
                "# models/rawi_v2.vocab.json, char_to_idx). id<TAB>character as U+XXXX; 0 is\n"
                "# padding, 1 any character not listed (both written as their names).\n")
        for c, i in sorted(v["char_to_idx"].items(), key=lambda kv: kv[1]):
            f.write(f"{i}\t{c}\n" if c.startswith("<") else f"{i}\t{cp(c)}\n")
    with open(MARKS, "w", encoding="utf-8") as f:
        f.write("# Output classes of the value head of the rawi-v3 model (diac_to_idx of the same\n"
                "# file): id<TAB>the marks put after the letter, as code points (empty: none).\n")
        for m, i in sorted(v["diac_to_idx"].items(), key=lambda kv: kv[1]):
            f.write(f"{i}\t{cp(m)}\n")
    print(f"wrote {LETTERS}, {MARKS}")


def encode(text, c2i):
    """The package's own input: NFD, symbols (category So) and combining marks dropped,
    each character its id or <UNK>."""
    bare = [c for c in unicodedata.normalize("NFD", text)
            if unicodedata.category(c) not in ("So", "Mn")]
    return [c2i.get(c, c2i["<UNK>"]) for c in bare]


def reference(wheel):
    import onnxruntime as ort

    c2i = json.load(open(f"{wheel}/{VOCAB}", encoding="utf-8"))["char_to_idx"]
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    session = ort.InferenceSession(f"{wheel}/{MODEL}", so, providers=["CPUExecutionProvider"])
    rows = []
    for line in open(SENTENCES, encoding="utf-8"):
        text = line.rstrip("\n")
        if not text or text.startswith("#"):
            continue
        ids = encode(text, c2i)
        presence, value = session.run(["presence", "value"], {"input": np.array([ids], np.int64)})
        marked = [int(p > 0) for p in presence[0]]
        rows.append((text, ids, marked, [int(c) for c in value[0].argmax(-1)]))
    with open(REFERENCE, "w", encoding="utf-8") as f:
        f.write(
            "# The rawi-v3 model of text2tashkeel run by onnxruntime (tools/export-v3.py\n"
            "# --reference) on sentences written for rawi: text<TAB>input ids<TAB>presence\n"
            "# (1: logit above 0, a mark goes here)<TAB>value class per character\n"
        )
        for text, ids, marked, value in rows:
            f.write("\t".join([text, " ".join(map(str, ids)), " ".join(map(str, marked)),
                               " ".join(map(str, value))]) + "\n")
    print(f"wrote {REFERENCE}: {len(rows)} sentences, {sum(len(r[1]) for r in rows)} characters")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit("usage: tools/export-v3.py WHEEL_DIR [--reference]")
    export(args[0])
    if "--reference" in sys.argv:
        reference(args[0])

#!/usr/bin/env python3
"""Converts libtashkeel's diacritization model (ONNX) into the weights rawi's own engine
reads (`src/diacritize/model/`), and writes the engine's reference predictions.

Run once by hand, from the repository root, when the model changes:

    python3 tools/export-model.py PATH/TO/model.onnx
        writes src/diacritize/data/model.safetensors
    python3 tools/export-model.py PATH/TO/model.onnx --reference
        also runs the ORIGINAL model with onnxruntime (one thread) over the sentences of
        tools/model-reference-sentences.txt and writes
        tests/data/diacritize/model_reference.tsv (what the Rust engine must agree with)

Needs `pip install onnx numpy` (and `onnxruntime` for --reference). The model is the file
`data/ort/model.onnx` of the `libtashkeel_base` 1.5.0 crate on crates.io (MIT or
Apache-2.0; sha256 52c40d42ca094ff9ff07a091d0a1eafd7baa5cf2388e60a9cc89bacd8e5e955f):
download https://crates.io/api/v1/crates/libtashkeel_base/1.5.0/download (a .tar.gz)
and unpack it, or take it from ~/.cargo/registry if a build ever fetched the crate.

What the conversion folds (in float64, stored as float32), so that the engine does less
work per character and carries no graph:
- the character and hint embeddings, their constant multipliers (16, and `hint_scale`
  2 for hints), the three dense layers (no activation between them) and the first
  convolution (kernel 1) are all linear per character: they become two lookup tables
  (`embed.char`, `embed.hint`) and one bias;
- the macaron feed-forward halves (x 0.5) go into the second linear layer of each FFN;
- the attention scale 1/sqrt(head size) is split as in the graph, sqrt of it on the
  query and on the key weights;
- BatchNorm (inference mode) becomes a scale and a shift per channel;
- each bidirectional GRU's two input biases for the z and r gates are summed (only the
  h gate's hidden bias stays apart: `linear_before_reset` = 1 multiplies it by r).
Everything else is named for what it is; every weight matrix is stored [in, out].
"""

import json
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper

OUT = "src/diacritize/data/model.safetensors"
SENTENCES = "tools/model-reference-sentences.txt"
REFERENCE = "tests/data/diacritize/model_reference.tsv"
LAYERS = 3
HEADS = 8


def load(path):
    model = onnx.load(path)
    g = model.graph
    init = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in g.initializer}
    const = {}
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    const[n.output[0]] = numpy_helper.to_array(a.t)
    nodes = {n.name: n for n in g.node}

    def value(name):
        if name in init:
            return init[name]
        return const[name].astype(np.float64)

    def inp(node, k):
        return value(nodes[node].input[k])

    def attr(node, name):
        for a in nodes[node].attribute:
            if a.name == name:
                return onnx.helper.get_attribute_value(a)
        raise KeyError(f"{node}: no attribute {name}")

    return init, const, nodes, value, inp, attr


def export(path):
    init, const, nodes, value, inp, attr = load(path)
    t = {}

    # Embeddings, dense 56-256-128-56 and conv.0 (kernel 1): one linear map per character.
    char_scale = float(value("/Constant_5_output_0"))
    hint_scale = float(init["hint_scale"][0]) * float(value("/Constant_6_output_0"))
    w = np.eye(56)
    b = np.zeros(56)
    for k in range(3):
        mm = f"/dense/dense.{k}/MatMul"
        wk = inp(mm, 1)
        bk = init[f"dense.{k}.bias"]
        w, b = w @ wk, b @ wk + bk
    c0 = init[nodes["/conv.0/conv/Conv"].input[1]][:, :, 0].T  # [in, out]
    w, b = w @ c0, b @ c0 + init["conv.0.conv.bias"]
    t["embed.char"] = (init["char_emb.weight"] * char_scale) @ w
    t["embed.hint"] = (init["diac_emb.weight"] * hint_scale) @ w
    t["embed.bias"] = b

    # conv.1..3: [k * in, out], row j * in + c is tap j (offset j - k/2) of channel c.
    for k in (1, 2, 3):
        cw = init[nodes[f"/conv.{k}/conv/Conv"].input[1]]  # [out, in, k]
        pads = attr(f"/conv.{k}/conv/Conv", "pads")
        assert pads[0] == pads[1] == cw.shape[2] // 2
        t[f"conv.{k}.weight"] = cw.transpose(2, 1, 0).reshape(-1, cw.shape[0])
        t[f"conv.{k}.bias"] = init[f"conv.{k}.conv.bias"]

    t["pos.inv_freq"] = value("/pos_enc/Constant_3_output_0")
    t["pos.scale"] = init["pos_enc.scale"]

    for i in range(LAYERS):
        p = f"/attn_layers.{i}"
        n = f"attn_layers.{i}"
        r = f"layers.{i}"

        def norm(dst, src, eps_node):
            t[f"{dst}.weight"] = init[f"{src}.weight"]
            t[f"{dst}.bias"] = init[f"{src}.bias"]
            assert abs(float(value(eps_node)) - 1e-5) < 1e-9, eps_node

        for f in ("ffm1", "ffm2"):
            half = float(value(f"{p}/Constant_output_0" if f == "ffm1" else f"{p}/Constant_1_output_0"))
            norm(f"{r}.{f}.norm", f"{n}.{f}.ffm.0", f"{p}/{f}/ffm/ffm.0/Constant_1_output_0")
            t[f"{r}.{f}.up.weight"] = inp(f"{p}/{f}/ffm/ffm.1/MatMul", 1)
            t[f"{r}.{f}.up.bias"] = init[f"{n}.{f}.ffm.1.bias"]
            t[f"{r}.{f}.down.weight"] = inp(f"{p}/{f}/ffm/ffm.4/MatMul", 1) * half
            t[f"{r}.{f}.down.bias"] = init[f"{n}.{f}.ffm.4.bias"] * half

        norm(f"{r}.attn.norm", f"{n}.attn.layernorm", f"{p}/attn/layernorm/Constant_1_output_0")
        q = inp(f"{p}/attn/attn/q_proj/MatMul", 1)
        k_ = inp(f"{p}/attn/attn/k_proj/MatMul", 1)
        v = inp(f"{p}/attn/attn/v_proj/MatMul", 1)
        head = q.shape[1] // HEADS
        assert int(value(f"{p}/attn/attn/Constant_2_output_0")[0]) == HEADS
        scale = float(value(f"{p}/attn/attn/Constant_10_output_0")[0]) / np.sqrt(head)
        t[f"{r}.attn.qkv.weight"] = np.concatenate(
            [q * np.sqrt(scale), k_ * np.sqrt(scale), v], axis=1
        )
        t[f"{r}.attn.out.weight"] = inp(f"{p}/attn/attn/o_proj/MatMul", 1)

        norm(f"{r}.conv.norm", f"{n}.ccm.layernorm", f"{p}/ccm/layernorm/Constant_1_output_0")
        for g in ("gru1", "gru2", "gru3"):
            node = f"{p}/ccm/{g}/gru/GRU"
            assert attr(node, "linear_before_reset") == 1
            assert attr(node, "direction") == b"bidirectional"
            hs = attr(node, "hidden_size")
            W, R, B = inp(node, 1), inp(node, 2), inp(node, 3)  # [2,3H,in] [2,3H,H] [2,6H]
            wb, rb = B[:, : 3 * hs], B[:, 3 * hs :]
            bias = wb.copy()
            bias[:, : 2 * hs] += rb[:, : 2 * hs]
            # Gates in ONNX order z, r, h; forward then backward.
            t[f"{r}.conv.{g}.input.weight"] = np.concatenate([W[0].T, W[1].T], axis=1)
            t[f"{r}.conv.{g}.input.bias"] = np.concatenate([bias[0], bias[1]])
            t[f"{r}.conv.{g}.forward.weight"] = R[0].T
            t[f"{r}.conv.{g}.backward.weight"] = R[1].T
            t[f"{r}.conv.{g}.hidden_bias"] = np.concatenate([rb[0, 2 * hs :], rb[1, 2 * hs :]])
        bn = f"{p}/ccm/batchnorm/BatchNormalization"
        eps = attr(bn, "epsilon")
        gamma, beta, mean, var = (inp(bn, k) for k in (1, 2, 3, 4))
        s = gamma / np.sqrt(var + np.float64(np.float32(eps)))
        t[f"{r}.conv.batchnorm.scale"] = s
        t[f"{r}.conv.batchnorm.shift"] = beta - mean * s

        norm(f"{r}.post_norm", f"{n}.post_norm", f"{p}/post_norm/Constant_1_output_0")

    t["out.norm.weight"] = init["res_layernorm.weight"]
    t["out.norm.bias"] = init["res_layernorm.bias"]
    t["out.weight"] = inp("/fc_out/MatMul", 1)
    t["out.bias"] = init["fc_out.bias"]
    write_safetensors(OUT, t)
    print(f"wrote {OUT}: {len(t)} tensors, {sum(v.size for v in t.values())} weights")


SAFETENSORS_DTYPES = {np.dtype("<f4"): "F32", np.dtype("int8"): "I8", np.dtype("uint8"): "U8"}


def write_safetensors(path, tensors, metadata=None):
    """The safetensors layout: u64 header size, JSON header, then the raw data. Floats are
    stored as float32, int8 and uint8 as they are (tools/export-v3.py uses this too)."""
    header, blobs, at = {}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name])
        if data.dtype.kind == "f":
            data = data.astype("<f4")
        raw = data.tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[data.dtype], "shape": list(data.shape),
                        "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    header["__metadata__"] = metadata or {
        "source": "libtashkeel_base 1.5.0 data/ort/model.onnx, converted by tools/export-model.py",
        "license": "MIT OR Apache-2.0",
    }
    h = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for raw in blobs:
            f.write(raw)


# --- Reference predictions -------------------------------------------------------------
# The encoding below is rawi's (src/diacritize/mod.rs, `encode`): characters the model does
# not know are dropped, digits read as one id, runs of spaces count once, trailing spaces
# go, and " ." is appended so that the model marks the last letter too.


def code_point(s):
    return chr(int(s[2:], 16))


def tables():
    letters, marks = {}, {}
    for line in open("src/diacritize/data/model_letters.tsv", encoding="utf-8"):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if int(f[0]) != 0:
            letters[code_point(f[1])] = int(f[0])
    for line in open("src/diacritize/data/model_marks.tsv", encoding="utf-8"):
        if line.startswith("#"):
            continue
        i, m = line.rstrip("\n").split("\t")
        if m == "PAD":
            continue
        marks[frozenset_marks("".join(code_point(x) for x in m.split()))] = int(i)
    return letters, marks


def is_mark(c):
    o = ord(c)
    return 0x610 <= o <= 0x61A or 0x64B <= o <= 0x65F or o in (0x670, 0x640) or 0x6D6 <= o <= 0x6ED


def frozenset_marks(s):
    """(shadda, vowel) of a run of marks, as rawi reads written marks."""
    shadda, vowel = False, None
    for c in s:
        if c == "\u0651":
            shadda = True
        elif "\u064b" <= c <= "\u0652":
            vowel = c
    return (shadda, vowel)


def encode(text, letters, marks):
    units = []
    for c in text:
        if is_mark(c) and units:
            units[-1][1] += c
        else:
            units.append([c, ""])
    ids, hints = [], []
    for c, written in units:
        if "0" <= c <= "9" or "\u0660" <= c <= "\u0669":
            i = 2
        else:
            i = letters.get(" " if c == "\t" else c)
        if i is None:
            continue
        if i == 1 and (not ids or ids[-1] == 1):
            continue
        ids.append(i)
        hints.append(marks.get(frozenset_marks(written), 1))
    while ids and ids[-1] == 1:
        ids.pop()
        hints.pop()
    return ids + [1, 8], hints + [1, 1]


def reference(path):
    import onnxruntime as ort

    letters, marks = tables()
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    session = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    rows = []
    for line in open(SENTENCES, encoding="utf-8"):
        text = line.rstrip("\n")
        if not text or text.startswith("#"):
            continue
        ids, hints = encode(text, letters, marks)
        feed = {
            "char_inputs": np.array([ids], np.int64),
            "diac_inputs": np.array([hints], np.int64),
            "input_lengths": np.array([len(ids)], np.int64),
        }
        pred = session.run(None, feed)[0][0]
        rows.append((text, ids, hints, [int(c) for c in pred]))
    with open(REFERENCE, "w", encoding="utf-8") as f:
        f.write(
            "# libtashkeel's model run by onnxruntime (tools/export-model.py --reference) on\n"
            "# sentences written for rawi: text<TAB>input ids<TAB>hint ids<TAB>predicted classes\n"
        )
        for text, ids, hints, pred in rows:
            f.write("\t".join([text, " ".join(map(str, ids)), " ".join(map(str, hints)), " ".join(map(str, pred))]) + "\n")
    print(f"wrote {REFERENCE}: {len(rows)} sentences, {sum(len(r[1]) for r in rows)} characters")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit("usage: tools/export-model.py PATH/TO/model.onnx [--reference]")
    export(args[0])
    if "--reference" in sys.argv:
        reference(args[0])

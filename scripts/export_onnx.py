#!/usr/bin/env python3
"""Writes <model_dir>/onnx/model.onnx (fp32) and onnx/model_quantized.onnx (dynamic int8, as
Hugging Face's exports name them) for the transformers.js twin and the benchmark, from the
model's own model.safetensors: the BERT graph is built op by op with onnx.helper, so no
PyTorch is needed. Inputs input_ids / attention_mask / token_type_ids, output
last_hidden_state, as transformers.js expects of a feature-extraction model.

    pip install numpy safetensors onnx onnxruntime
    python3 scripts/export_onnx.py [model_dir]
"""
import json
import math
import pathlib
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL_DIR = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".cache/models/all-MiniLM-L6-v2"


class Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, kind, inputs, **attrs):
        self.count += 1
        out = f"{kind.lower()}_{self.count}"
        self.nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out


def build(cfg, w):
    g = Graph()
    h, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    d, eps = h // heads, cfg["layer_norm_eps"]
    for name, value in w.items():
        if value.dtype == np.float32:
            g.const(name, value)
    transposed = {}

    def linear(x, name):
        if name not in transposed:
            transposed[name] = g.const(name + ".T", np.ascontiguousarray(w[name + ".weight"].T))
        return g.op("Add", [g.op("MatMul", [x, transposed[name]]), name + ".bias"])

    def norm(x, name):
        return g.op("LayerNormalization", [x, name + ".weight", name + ".bias"], axis=-1, epsilon=eps)

    # positions 0..T-1 sliced from a constant range
    seq = g.op("Gather", [g.op("Shape", ["input_ids"]), g.const("one", np.array(1))], axis=0)
    seq = g.op("Unsqueeze", [seq, g.const("axes0", np.array([0]))])
    positions = g.op("Slice", [g.const("range", np.arange(cfg["max_position_embeddings"])),
                               g.const("zero1", np.array([0])), seq])
    x = g.op("Add", [g.op("Gather", ["embeddings.word_embeddings.weight", "input_ids"]),
                     g.op("Gather", ["embeddings.position_embeddings.weight", positions])])
    x = g.op("Add", [x, g.op("Gather", ["embeddings.token_type_embeddings.weight", "token_type_ids"])])
    x = norm(x, "embeddings.LayerNorm")
    # additive mask [B, 1, 1, T]: 0 for tokens, -1e9 for padding
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask = g.op("Mul", [g.op("Sub", [g.const("f1", np.float32(1)), mask]), g.const("big", np.float32(-1e9))])
    mask = g.op("Unsqueeze", [mask, g.const("axes12", np.array([1, 2]))])
    split = g.const("split_shape", np.array([0, 0, heads, d]))
    merge = g.const("merge_shape", np.array([0, 0, h]))
    scale = g.const("scale", np.float32(1 / math.sqrt(d)))
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def heads_of(name, perm):
            return g.op("Transpose", [g.op("Reshape", [linear(x, p + name), split])], perm=perm)

        q = heads_of("attention.self.query", [0, 2, 1, 3])
        k = heads_of("attention.self.key", [0, 2, 3, 1])
        v = heads_of("attention.self.value", [0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask])
        ctx = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), merge])
        x = norm(g.op("Add", [linear(ctx, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        f = linear(x, p + "intermediate.dense")
        erf = g.op("Erf", [g.op("Mul", [f, g.const(f"rsqrt2_{i}", np.float32(1 / math.sqrt(2)))])])
        f = g.op("Mul", [g.op("Mul", [f, g.op("Add", [erf, g.const(f"one_{i}", np.float32(1))])]),
                         g.const(f"half_{i}", np.float32(0.5))])
        x = norm(g.op("Add", [linear(f, p + "output.dense"), x]), p + "output.LayerNorm")
    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    ids = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"])
           for n in ("input_ids", "attention_mask", "token_type_ids")]
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", h])
    # raw .weight matrices are only used transposed
    used = {i for n in g.nodes for i in n.input}
    inits = [t for t in g.inits if t.name in used]
    graph = helper.make_graph(g.nodes, "bert", ids, [out], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def main():
    cfg = json.loads((MODEL_DIR / "config.json").read_text())
    out = MODEL_DIR / "onnx"
    out.mkdir(exist_ok=True)
    model = build(cfg, load_file(str(MODEL_DIR / "model.safetensors")))
    onnx.checker.check_model(model)
    onnx.save(model, str(out / "model.onnx"))
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(out / "model.onnx"), str(out / "model_quantized.onnx"), weight_type=QuantType.QInt8)
    print(f"wrote {out}/model.onnx and model_quantized.onnx")


if __name__ == "__main__":
    main()

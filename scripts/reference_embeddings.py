#!/usr/bin/env python3
"""Writes tests/fixtures/embeddings-reference.json: token ids, offsets and embeddings of
all-MiniLM-L6-v2 for a fixed set of texts, computed independently of our Rust kernel.

Tokenization: the Hugging Face `tokenizers` package reading the model's own tokenizer.json.
Encoder: a plain numpy BERT in float64 reading model.safetensors (sentence-transformers would
pull PyTorch, ~2 GB, for the same arithmetic). Mean pooling over real tokens, L2 normalize,
truncation at sentence_bert_config.json's max_seq_length, as sentence-transformers does.

Run once after changing the texts or the model (CI does not run it; the fixture is committed):
    pip install numpy tokenizers safetensors
    python3 scripts/reference_embeddings.py [model_dir]
    deno fmt tests/fixtures/embeddings-reference.json   # the repo's format check covers JSON
"""
import base64
import json
import math
import pathlib
import sys

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL_DIR = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".cache/models/all-MiniLM-L6-v2"
OUT = ROOT / "tests/fixtures/embeddings-reference.json"

WORDS = ("the memory of a small server is a budget every request spends carefully while "
         "documents arrive chunk by chunk and each vector lands in the store").split()

TEXTS = [
    "",
    "Hello world",
    "How much memory does the server use?",
    "The quick brown fox jumps over the lazy dog.",
    "A man is eating food.",
    "A man is riding a horse.",
    "Retrieval-augmented generation grounds answers in your own documents.",
    "Rust kernels do the heavy lifting; TypeScript wires them together.",
    "Email me at someone@example.com or call +1 (555) 010-9999!",
    "It's 3.14159 — roughly π, isn't it?",
    "Don't panic: unwinding out of extern \"C\" aborts the process.",
    "UPPER CASE and MiXeD CaSe words",
    "Tabs\tand\nnewlines\r\nand  double  spaces",
    "   leading and trailing whitespace   ",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism",
    "x" * 120,
    "emoji 😀 and symbols ©®™ and arrows → ← ↑",
    "control\u0000chars\u0007and\u200bzero width\ufeff",
    "¿Dónde está la biblioteca?",
    "El niño comió paella en Valencia.",
    "La memoria del servidor es limitada, así que cada consulta cuenta.",
    "Muéstrame los documentos sobre la reunión del miércoles.",
    "¡Qué día tan bonito hace hoy en Madrid!",
    "Los vectores se normalizan antes de guardarse en la base de datos.",
    "Pingüino, cigüeña y vergüenza llevan diéresis.",
    "Él está aquí; ella, allá.",
    "Café, crème brûlée et naïveté.",
    "Straße, Größe, Übung, Äpfel",
    "Ελληνικά γράμματα και τόνοι",
    "Привет, как дела?",
    "我喜欢在北京吃饺子。",
    "机器学习模型把文本变成向量。",
    "今日は良い天気ですね。",
    "東京タワーは赤いです",
    "한국어 문장도 테스트합니다.",
    "中文English混合mixed文本",
    "مرحبا بالعالم",
    "नमस्ते दुनिया",
    "Vietnamese: Tiếng Việt có dấu",
    "ﬁ ligature and full-width ＡＢＣ１２３",
    "a",
    ".",
    "[CLS] [SEP] [MASK] literal special tokens",
    "https://example.org/path?query=1&x=y#frag",
    "def embed(texts: list[str]) -> np.ndarray: ...",
    "1234567890 9876543210 3.5e-7",
    "co-operate, re-enter, e-mail; well-known",
    "A" + "b" * 99 + " " + "C" + "d" * 100,
    " ".join(WORDS[i % len(WORDS)] for i in range(1000)),
    " ".join(("palabra número %d de un texto largo en español" % i) for i in range(40)),
]


def gelu(x):
    erf = np.frompyfunc(math.erf, 1, 1)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)).astype(np.float64))


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def encode(weights, cfg, ids):
    t = {k: v.astype(np.float64) for k, v in weights.items() if v.dtype != np.int64}
    n = len(ids)
    x = (t["embeddings.word_embeddings.weight"][ids]
         + t["embeddings.position_embeddings.weight"][:n]
         + t["embeddings.token_type_embeddings.weight"][0])
    eps = cfg["layer_norm_eps"]
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)
    heads = cfg["num_attention_heads"]
    hd = cfg["hidden_size"] // heads
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def lin(name, v):
            return v @ t[p + name + ".weight"].T + t[p + name + ".bias"]

        q = lin("attention.self.query", x).reshape(n, heads, hd).transpose(1, 0, 2)
        k = lin("attention.self.key", x).reshape(n, heads, hd).transpose(1, 0, 2)
        v = lin("attention.self.value", x).reshape(n, heads, hd).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(n, heads * hd)
        a = lin("attention.output.dense", ctx)
        x = layer_norm(a + x, t[p + "attention.output.LayerNorm.weight"],
                       t[p + "attention.output.LayerNorm.bias"], eps)
        h = gelu(lin("intermediate.dense", x))
        o = lin("output.dense", h)
        x = layer_norm(o + x, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], eps)
    pooled = x.mean(0)
    return pooled / max(np.linalg.norm(pooled), 1e-12)


def main():
    cfg = json.loads((MODEL_DIR / "config.json").read_text())
    max_len = json.loads((MODEL_DIR / "sentence_bert_config.json").read_text())["max_seq_length"]
    tok = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_len)
    weights = load_file(str(MODEL_DIR / "model.safetensors"))
    cases = []
    for text in TEXTS:
        enc = tok.encode(text)
        full = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
        full.no_truncation()
        full.no_padding()
        untruncated = len(full.encode(text).ids)
        vec = encode(weights, cfg, enc.ids).astype(np.float32)
        cases.append({
            "text": text,
            "ids": enc.ids,
            # [start, end) in Unicode code points of `text`, special tokens excluded
            "offsets": [list(o) for o, s in zip(enc.offsets, enc.special_tokens_mask) if not s],
            "truncated": untruncated > max_len,
            "embedding": base64.b64encode(vec.tobytes()).decode(),
        })
        print(f"{len(enc.ids):4d} tokens  {text[:50]!r}", file=sys.stderr)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "maxTokens": max_len,
        "note": "written by scripts/reference_embeddings.py; embedding = base64 little-endian f32",
        "cases": cases,
    }, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""numpy baseline for bench/similarity.ts: the seed stack's scoring (store @ query, then
argpartition for the top k). Timing does not depend on the values, so the data is random
normalized float32 generated here instead of shipped from Deno.

usage: python3 similarity_numpy.py DIMS K QUERIES N [N ...]  → one JSON line per N
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    dims, k, queries, *sizes = (int(a) for a in sys.argv[1:])
    rng = np.random.default_rng(7)
    for n in sizes:
        store = rng.standard_normal((n, dims), dtype=np.float32)
        store /= np.linalg.norm(store, axis=1, keepdims=True)
        qs = store[rng.integers(0, n, queries)] + 0.1
        times = []
        for q in qs:
            start = time.perf_counter()
            scores = store @ q
            top = np.argpartition(-scores, k)[:k]
            top = top[np.argsort(-scores[top])]
            times.append((time.perf_counter() - start) * 1e3)
        print(json.dumps({"n": n, "median_ms": float(np.median(times)), "best_ms": min(times)}))
        del store


if __name__ == "__main__":
    main()

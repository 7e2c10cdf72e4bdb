import assert from "node:assert/strict";
import { runConformance } from "../../plugins/similarity/conformance.ts";
import { KernelError } from "../ffi.ts";
import { allocateCodes } from "../../plugins/similarity/types.ts";
import { NONBLOCKING_BYTES, RustSimilarity } from "./mod.ts";

const libraryDir = Deno.env.get("LIGERO_KERNELS__LIBRARY_DIR") ?? "";

runConformance("rust", () => new RustSimilarity(libraryDir));

Deno.test("a panic inside the Rust kernel comes back as an error; the process lives on", () => {
  const kernel = new RustSimilarity(libraryDir);
  try {
    assert.throws(() => kernel.testPanic(), (e: unknown) => {
      assert.ok(e instanceof KernelError);
      assert.equal(e.code, "panic");
      assert.match(e.message, /test-only panic requested/);
      return true;
    });
    const v = new Float32Array([1, 2, 3]);
    assert.equal(kernel.dot(v, v), 14);
  } finally {
    kernel.close();
  }
});

Deno.test("rust similarity: big scans run off the event loop with their own error buffer", async () => {
  const kernel = new RustSimilarity(libraryDir);
  try {
    const dims = 256;
    const n = Math.ceil(NONBLOCKING_BYTES / (dims * 4)) + 1;
    const vectors = new Float32Array(n * dims);
    vectors[5 * dims] = 1;
    const query = new Float32Array(dims);
    query[0] = 1;
    const store = { vectors, dims, codes: allocateCodes(n, dims) };
    kernel.encode(vectors, dims, store.codes);
    // a settled promise wins a race against a later-settled sentinel; one in flight does not
    const small = { vectors: vectors.subarray(0, 10 * dims), dims };
    const first = await Promise.race([
      kernel.search(small, query, 3),
      Promise.resolve("in flight"),
    ]);
    assert.notEqual(first, "in flight", "small scans finish on the calling thread");
    const pending = kernel.search(store, query, 3);
    assert.equal(await Promise.race([pending, Promise.resolve("in flight")]), "in flight");
    const top = await pending;
    assert.equal(top.rows[0], 5);
    const bad = { vectors, dims, codes: { ...store.codes, bits: store.codes.bits.subarray(1) } };
    await assert.rejects(kernel.search(bad, query, 3, { mode: "cascade" }), /codes are not sized/);
  } finally {
    kernel.close();
  }
});

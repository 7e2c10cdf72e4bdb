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

/** The `VmFlags` line of the mapping holding `address`, from /proc/self/smaps. */
function vmFlags(address: bigint): string[] {
  let inside = false;
  for (const line of Deno.readTextFileSync("/proc/self/smaps").split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) {
      inside = BigInt(`0x${range[1]}`) <= address && address < BigInt(`0x${range[2]}`);
    } else if (inside && line.startsWith("VmFlags:")) return line.split(/\s+/).slice(1);
  }
  return [];
}

Deno.test({
  name: "rust similarity: hugePages flags a buffer and the capacity it reserved for growth",
  ignore: Deno.build.os !== "linux" ||
    Deno.readTextFileSync("/sys/kernel/mm/transparent_hugepage/enabled").includes("[never]"),
  fn: () => {
    const kernel = new RustSimilarity(libraryDir);
    try {
      const MiB = 1n << 20n;
      const buffer = new ArrayBuffer(8 << 20, { maxByteLength: 256 << 20 });
      const start = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
      assert.ok(!vmFlags(start + 4n * MiB).includes("hg"));
      assert.equal(kernel.hugePages(buffer, buffer.maxByteLength, true), true);
      assert.ok(vmFlags(start + 4n * MiB).includes("hg"), "committed part");
      assert.ok(vmFlags(start + 200n * MiB).includes("hg"), "reserved part");
      assert.equal(kernel.hugePages(new ArrayBuffer(0), 0, false), false);
    } finally {
      kernel.close();
    }
  },
});

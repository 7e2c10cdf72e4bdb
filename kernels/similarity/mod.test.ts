import assert from "node:assert/strict";
import { KernelError } from "../ffi.ts";
import { RustSimilarity } from "./mod.ts";

Deno.test("a panic inside the Rust kernel comes back as an error; the process lives on", () => {
  const kernel = new RustSimilarity();
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

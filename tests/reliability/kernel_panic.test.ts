/**
 * A panic inside a Rust kernel is caught by its guard and becomes an error for that one
 * call: the process lives, the library keeps working, and over HTTP the request gets a
 * 500 kernel_error JSON body while the next request is served.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { KernelError, KernelLibrary } from "../../kernels/ffi.ts";
import { onError } from "../../server/errors.ts";

const KERNELS = ["similarity", "pdf", "embeddings"];

for (const name of KERNELS) {
  Deno.test(`${name} kernel: a forced panic is an error for that call, and the host lives`, () => {
    const lib = new KernelLibrary(name, {});
    try {
      for (let i = 0; i < 200; i++) {
        assert.throws(() => lib.testPanic(), (e) => e instanceof KernelError && e.code === "panic");
      }
      // the library still loads and answers after the panics: no poisoned state
      const again = new KernelLibrary(name, {});
      assert.ok(again.info.length > 0);
      again.close();
    } finally {
      lib.close();
    }
  });
}

Deno.test("over HTTP a kernel panic is a 500 kernel_error and the next request is served", async () => {
  const lib = new KernelLibrary("similarity", {});
  const app = new Hono();
  app.onError(onError);
  app.get("/panic", (c) => {
    lib.testPanic();
    return c.text("unreachable");
  });
  app.get("/ok", (c) => c.json({ info: lib.info }));
  try {
    const res = await app.request("/panic");
    assert.equal(res.status, 500);
    assert.equal((await res.json()).error.code, "kernel_error");
    assert.equal((await app.request("/ok")).status, 200);
  } finally {
    lib.close();
  }
});

import assert from "node:assert/strict";
import { libraryFileName } from "../kernels/ffi.ts";
import { startServer } from "./support/server.ts";

/** Deterministic vectors, so both servers see the same request. */
function request(n: number, dims: number) {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  const vectors = Array.from({ length: n }, () => Array.from({ length: dims }, next));
  const query = Array.from({ length: dims }, next);
  return { query, vectors, k: 7 };
}

async function topK(url: string, body: unknown) {
  const res = await fetch(`${url}/similarity`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return await res.json();
}

Deno.test("the same request gives the same answer with the Rust kernel and the TS twin", async () => {
  const body = request(300, 33);
  const rust = await startServer({ env: { LIGERO_KERNELS__SIMILARITY: "rust" } });
  const ts = await startServer({ env: { LIGERO_KERNELS__SIMILARITY: "ts" } });
  try {
    const a = await topK(rust.url, body);
    const b = await topK(ts.url, body);
    assert.match(a.implementation, /^rust\(/);
    assert.equal(b.implementation, "ts");
    assert.equal(a.results.length, 7);
    assert.deepEqual(
      a.results.map((r: { index: number }) => r.index),
      b.results.map((r: { index: number }) => r.index),
    );
    a.results.forEach((r: { score: number }, i: number) => {
      assert.ok(Math.abs(r.score - b.results[i].score) < 1e-5, `score ${i}`);
    });
    // and the answer is right: the best row really has the highest dot product
    const dot = (v: number[]) => v.reduce((s, x, i) => s + x * body.query[i], 0);
    const best = body.vectors.map(dot).reduce((bi, s, i, all) => (s > all[bi] ? i : bi), 0);
    assert.equal(a.results[0].index, best);
  } finally {
    await Promise.all([rust.stop(), ts.stop()]);
  }
});

Deno.test('"auto" falls back to the TS twin when the library is missing', async () => {
  // a library directory with every kernel but the similarity one
  const empty = await Deno.makeTempDir();
  const built = new URL("../kernels/target/release/", import.meta.url).pathname;
  for (const name of ["embeddings", "pdf"]) {
    await Deno.copyFile(`${built}${libraryFileName(name)}`, `${empty}/${libraryFileName(name)}`);
  }
  const server = await startServer({
    env: { LIGERO_KERNELS__SIMILARITY: "auto", LIGERO_KERNELS__LIBRARY_DIR: empty },
  });
  try {
    const ready = await (await fetch(`${server.url}/ready`)).json();
    assert.equal(ready.kernels.similarity, "ts");
    assert.ok(server.logs().some((l) => l.includes("kernel unavailable, falling back")));
  } finally {
    await server.stop();
    await Deno.remove(empty, { recursive: true });
  }
});

/**
 * The Rust kernel against the independent reference (scripts/reference_embeddings.py):
 * token ids and offsets identical, f32 cosine ≥ 0.9999 and int8 ≥ 0.995 per text.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../config/load.ts";
import { fetchModel } from "../../scripts/fetch-model.ts";
import { RustEmbeddings } from "./mod.ts";

interface Case {
  text: string;
  ids: number[];
  offsets: [number, number][];
  truncated: boolean;
  embedding: string;
}
const fixture: { model: string; maxTokens: number; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(
    new URL("../../tests/fixtures/embeddings-reference.json", import.meta.url),
  ),
);
const reference = (c: Case) =>
  new Float32Array(Uint8Array.from(atob(c.embedding), (ch) => ch.charCodeAt(0)).buffer);

const config = loadConfig();
const modelDir = await fetchModel(config);
const open = (int8: boolean) =>
  RustEmbeddings.open({
    modelDir,
    modelId: fixture.model,
    int8,
    threads: 0,
    batchSize: 16,
    libraryDir: config.kernels.libraryDir,
  });

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** Code-point offsets (Python's) of UTF-16 offsets (ours). */
function codePoints(text: string, utf16: number): number {
  return [...text.slice(0, utf16)].length;
}

for (const [name, int8, threshold] of [["f32", false, 0.9999], ["int8", true, 0.995]] as const) {
  Deno.test(`embeddings kernel (${name}) matches the reference`, async () => {
    const kernel = await open(int8);
    try {
      assert.equal(kernel.dims, 384);
      assert.equal(kernel.maxTokens, fixture.maxTokens);
      const texts = fixture.cases.map((c) => c.text);
      const { vectors, tokens, truncated } = await kernel.encode(texts);
      fixture.cases.forEach((c, i) => {
        const got = vectors.subarray(i * 384, (i + 1) * 384);
        const cos = cosine(got, reference(c));
        assert.ok(cos >= threshold, `${JSON.stringify(c.text.slice(0, 40))}: cosine ${cos}`);
        assert.equal(
          tokens[i],
          c.ids.length,
          `token count of ${JSON.stringify(c.text.slice(0, 40))}`,
        );
        assert.equal(truncated[i], c.truncated ? 1 : 0);
      });
    } finally {
      kernel.close();
    }
  });
}

Deno.test("embeddings kernel tokenizes exactly like the reference", async () => {
  const kernel = await open(false);
  try {
    for (const c of fixture.cases) {
      const offsets = kernel.tokenOffsets(c.text);
      const content = c.ids.length - 2;
      if (!c.truncated) assert.equal(offsets.length / 2, content, JSON.stringify(c.text));
      assert.equal(kernel.countTokens(c.text), offsets.length / 2);
      const got = Array.from({ length: content }, (_, i) => [
        codePoints(c.text, offsets[2 * i]),
        codePoints(c.text, offsets[2 * i + 1]),
      ]);
      assert.deepEqual(got, c.offsets, JSON.stringify(c.text.slice(0, 40)));
    }
  } finally {
    kernel.close();
  }
});

Deno.test("embeddings kernel: batches split across calls give the same vectors", async () => {
  const kernel = await open(false);
  try {
    const texts = fixture.cases.slice(0, 20).map((c) => c.text);
    const whole = await kernel.embed(texts);
    const single = await Promise.all(texts.map((t) => kernel.embed([t])));
    single.forEach((v, i) =>
      assert.ok(cosine(v, whole.subarray(i * 384, (i + 1) * 384)) > 0.99999)
    );
  } finally {
    kernel.close();
  }
});

/**
 * The embeddings conformance suite: any EmbeddingKernel against the independent reference
 * (tests/fixtures/embeddings-reference.json, written by scripts/reference_embeddings.py).
 * Token counts and offsets must be identical; vectors within `minCosine` per text.
 */
import assert from "node:assert/strict";
import type { EmbeddingKernel } from "./types.ts";

interface Case {
  text: string;
  ids: number[];
  /** [start, end) in code points, special tokens excluded. */
  offsets: [number, number][];
  truncated: boolean;
  embedding: string;
}

export const fixture: { model: string; maxTokens: number; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(
    new URL("../../tests/fixtures/embeddings-reference.json", import.meta.url),
  ),
);

const reference = (c: Case) =>
  new Float32Array(Uint8Array.from(atob(c.embedding), (ch) => ch.charCodeAt(0)).buffer);

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

const label = (text: string) => JSON.stringify(text.slice(0, 40));

/** Registers the suite's tests for one implementation. */
export function embeddingConformance(
  name: string,
  open: () => Promise<EmbeddingKernel>,
  { minCosine, batchCosine = 0.99999, exactOffsets = true, ignore = false }: {
    minCosine: number;
    /** How close a text embedded inside a padded batch stays to the text alone. */
    batchCosine?: number;
    exactOffsets?: boolean;
    ignore?: boolean;
  },
): void {
  const test = (title: string, fn: (k: EmbeddingKernel) => Promise<void> | void) =>
    Deno.test({
      name: `embeddings ${name}: ${title}`,
      ignore,
      async fn() {
        const kernel = await open();
        try {
          await fn(kernel);
        } finally {
          kernel.close();
        }
      },
    });

  test(`vectors within cosine ${minCosine} of the reference`, async (kernel) => {
    assert.equal(kernel.maxTokens, fixture.maxTokens);
    const { vectors, tokens, truncated } = await kernel.encode(fixture.cases.map((c) => c.text));
    const dims = kernel.dims;
    fixture.cases.forEach((c, i) => {
      const cos = cosine(vectors.subarray(i * dims, (i + 1) * dims), reference(c));
      assert.ok(cos >= minCosine, `${label(c.text)}: cosine ${cos}`);
      assert.equal(tokens[i], c.ids.length, `tokens of ${label(c.text)}`);
      assert.equal(truncated[i], c.truncated ? 1 : 0, `truncated ${label(c.text)}`);
    });
  });

  test("token counts and offsets as the reference tokenizer's", (kernel) => {
    for (const c of fixture.cases) {
      const offsets = kernel.tokenOffsets(c.text);
      const count = offsets.length / 2;
      assert.equal(kernel.countTokens(c.text), count);
      if (!c.truncated) assert.equal(count, c.ids.length - 2, label(c.text));
      if (!exactOffsets) continue;
      const points = (utf16: number) => [...c.text.slice(0, utf16)].length;
      const got = c.offsets.map((_, i) => [points(offsets[2 * i]), points(offsets[2 * i + 1])]);
      assert.deepEqual(got, c.offsets, label(c.text));
    }
  });

  test("a batch equals its texts embedded one by one", async (kernel) => {
    const texts = fixture.cases.slice(0, 12).map((c) => c.text);
    const whole = await kernel.embed(texts);
    const dims = kernel.dims;
    for (const [i, text] of texts.entries()) {
      const single = await kernel.embed([text]);
      const cos = cosine(single, whole.subarray(i * dims, (i + 1) * dims));
      assert.ok(cos >= batchCosine, `${label(text)}: ${cos}`);
    }
    assert.equal((await kernel.embed([])).length, 0);
  });
}

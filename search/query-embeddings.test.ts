import assert from "node:assert/strict";
import type { EmbeddingKernel } from "../plugins/embeddings/types.ts";
import { metrics } from "../server/metrics.ts";
import { QueryEmbeddings } from "./query-embeddings.ts";

/** A 2-dim encoder that counts the texts it was asked for. */
function fakeKernel(): EmbeddingKernel & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    implementation: "fake",
    modelId: "fake-model",
    dims: 2,
    maxTokens: 16,
    modelBytes: 0,
    embed(texts: string[]): Promise<Float32Array> {
      asked.push(...texts);
      return Promise.resolve(new Float32Array(texts.flatMap((t) => [t.length, 1])));
    },
  } as unknown as EmbeddingKernel & { asked: string[] };
}

const hits = () =>
  Number(
    /ligero_query_embedding_cache_total\{result="hit"\} (\d+)/.exec(
      metrics.render(),
    )?.[1] ?? 0,
  );

Deno.test("a repeated query is embedded once; whitespace does not make it new", async () => {
  const kernel = fakeKernel();
  const cache = new QueryEmbeddings(kernel, 8);
  const before = hits();
  const first = await cache.embed("how do I plot");
  assert.deepEqual(await cache.embed("  how do   I plot\n"), first);
  assert.deepEqual(kernel.asked, ["how do I plot"]);
  assert.equal(hits() - before, 1);
  assert.equal(cache.bytes, ("fake-model\nhow do I plot".length * 2) + 8);
});

Deno.test("the least recently used query leaves first; bytes follow", async () => {
  const kernel = fakeKernel();
  const cache = new QueryEmbeddings(kernel, 2);
  await cache.embed("a");
  await cache.embed("b");
  await cache.embed("a"); // a is now the most recent
  await cache.embed("c"); // evicts b
  assert.equal(cache.size, 2);
  await cache.embed("a");
  await cache.embed("b");
  assert.deepEqual(kernel.asked, ["a", "b", "c", "b"]);
  assert.equal(cache.bytes, 2 * (("fake-model\na".length * 2) + 8));
});

Deno.test("identical queries in flight share one encoder call; capacity 0 keeps nothing", async () => {
  const kernel = fakeKernel();
  const cache = new QueryEmbeddings(kernel, 0);
  const [x, y] = await Promise.all([cache.embed("same"), cache.embed("same")]);
  assert.deepEqual(x, y);
  assert.deepEqual(kernel.asked, ["same"]);
  await cache.embed("same");
  assert.deepEqual(kernel.asked, ["same", "same"]);
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
});

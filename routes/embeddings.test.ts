/** `POST /v1/embeddings` over a stub encoder: OpenAI's wire format in and out. */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { configSchema } from "../config/schema.ts";
import * as v from "valibot";
import type { EmbeddingKernel, Encoded } from "../plugins/embeddings/types.ts";
import { onError } from "../server/errors.ts";
import { MemoryGovernor } from "../server/governor.ts";
import type { Services } from "../server/runtime.ts";
import { embeddingsRoutes } from "./embeddings.ts";

/** 2-d vectors: [length of the text, 1], token count = length + 2. */
const stub: EmbeddingKernel = {
  implementation: "stub",
  modelId: "stub/model",
  dims: 2,
  maxTokens: 8,
  modelBytes: 0,
  embed: async (texts) => (await stub.encode(texts)).vectors,
  encode: (texts): Promise<Encoded> =>
    Promise.resolve({
      vectors: Float32Array.from(texts.flatMap((t) => [t.length, 1])),
      tokens: Uint32Array.from(texts, (t) => t.length + 2),
      truncated: new Uint8Array(texts.length),
    }),
  countTokens: (t) => t.length,
  tokenOffsets: () => new Uint32Array(),
  hold: (work) => work(),
  close: () => {},
};

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const config = v.parse(configSchema, { memory: { ceiling: "64GiB" } });
  const governor = new MemoryGovernor(config.memory);
  try {
    const services = { config, governor, plugins: { embeddings: stub } } as unknown as Services;
    const app = new Hono();
    app.onError(onError);
    app.route("/", embeddingsRoutes(services));
    const res = await app.request("/v1/embeddings", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  } finally {
    governor.close();
  }
}

Deno.test("/v1/embeddings: a string gives one float embedding and its usage", async () => {
  const { status, json } = await post({ input: "hello", model: "text-embedding-3-small" });
  assert.equal(status, 200);
  assert.deepEqual(json, {
    object: "list",
    data: [{ object: "embedding", index: 0, embedding: [5, 1] }],
    model: "stub/model",
    usage: { prompt_tokens: 7, total_tokens: 7 },
  });
});

Deno.test("/v1/embeddings: an array in order, base64 as little-endian f32", async () => {
  const { json } = await post({ input: ["a", "abc"], encoding_format: "base64" });
  const data = json.data as { index: number; embedding: string }[];
  assert.deepEqual(data.map((d) => d.index), [0, 1]);
  const bytes = Uint8Array.from(atob(data[1].embedding), (c) => c.charCodeAt(0));
  assert.deepEqual(Array.from(new Float32Array(bytes.buffer)), [3, 1]);
  assert.deepEqual(json.usage, { prompt_tokens: 8, total_tokens: 8 });
});

Deno.test("/v1/embeddings: token ids, wrong dimensions and empty arrays are 400", async () => {
  for (const body of [{ input: [1, 2, 3] }, { input: "x", dimensions: 3 }, { input: [] }]) {
    const { status, json } = await post(body);
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal((json.error as { code: string }).code, "invalid_request");
  }
});

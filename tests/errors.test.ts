import assert from "node:assert/strict";
import { startServer } from "./support/server.ts";

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.equal(typeof body.error?.code, "string");
  assert.equal(typeof body.error?.message, "string");
  return body.error;
}

Deno.test("errors are JSON with a fitting status", async (t) => {
  const server = await startServer({ env: { LIGERO_SERVER__JSON_BODY_LIMIT: "2KiB" } });
  const post = (body: BodyInit, type = "application/json") =>
    fetch(`${server.url}/similarity`, {
      method: "POST",
      headers: { "content-type": type },
      body,
    });
  try {
    await t.step("unknown route → 404 not_found", async () => {
      const res = await fetch(`${server.url}/no/such/route`);
      assert.equal(res.status, 404);
      assert.equal((await errorOf(res)).code, "not_found");
    });

    await t.step("malformed JSON → 400 invalid_json", async () => {
      const res = await post('{"query": [1, 2');
      assert.equal(res.status, 400);
      assert.equal((await errorOf(res)).code, "invalid_json");
    });

    await t.step("schema violation → 400 invalid_request naming the field", async () => {
      const res = await post(JSON.stringify({ query: [1, 0], vectors: [[1, 0]], k: -3 }));
      assert.equal(res.status, 400);
      const error = await errorOf(res);
      assert.equal(error.code, "invalid_request");
      assert.match(error.message, /^k:/);
    });

    await t.step("wrong content type → 415", async () => {
      const res = await post("query=1", "application/x-www-form-urlencoded");
      assert.equal(res.status, 415);
      assert.equal((await errorOf(res)).code, "unsupported_media_type");
    });

    await t.step("body over the limit → 413, with and without Content-Length", async () => {
      const big = JSON.stringify({ query: [1], vectors: Array(2000).fill([0.5]) });
      const res = await post(big);
      assert.equal(res.status, 413);
      assert.equal((await errorOf(res)).code, "payload_too_large");

      const stream = new Blob([big]).stream(); // chunked: no Content-Length
      const chunked = await fetch(`${server.url}/similarity`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
      });
      assert.equal(chunked.status, 413);
      assert.equal((await errorOf(chunked)).code, "payload_too_large");
    });

    await t.step("the server is still healthy afterwards", async () => {
      const res = await fetch(`${server.url}/health`);
      assert.equal(res.status, 200);
      await res.body?.cancel();
    });
  } finally {
    await server.stop();
  }
});

/**
 * `kill -9` of the server in the middle of a streamed chat and in the middle of a delete;
 * after a restart on the same data directory the state is consistent: no half answer, a
 * document either whole or gone (with its file), no stray upload files, and the server
 * serves normally. (tests/documents_resume.test.ts kills during ingest.)
 */
import assert from "node:assert/strict";
import { call, type Client, search, settle, uploadText } from "../support/api.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { readSse } from "../support/sse.ts";
import { startOpenAiFake } from "../fakes/openai_fake.ts";

function uploadFiles(server: TestServer): string[] {
  return [...Deno.readDirSync(`${server.dataDir}/uploads`)].map((e) => e.name);
}

/** Every stored upload belongs to a document the store knows; no temp files are left. */
async function assertNoStrayFiles(server: TestServer, client: Client) {
  for (const name of uploadFiles(server)) {
    assert.ok(!name.startsWith("incoming-"), `temp file left: ${name}`);
    assert.equal((await call(client, "GET", `/documents/${name}`)).status, 200, `stray ${name}`);
  }
}

Deno.test("kill -9 during a streamed chat: no half answer after restart", async () => {
  const fake = startOpenAiFake();
  const dataDir = await Deno.makeTempDir({ prefix: "ligero-kill9-chat-" });
  const env = {
    LIGERO_LLM__PROVIDER: "openai",
    LIGERO_LLM__OPENAI__BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: "sk-kill9",
  };
  let server = await startServer({ dataDir, env });
  try {
    const client = { url: server.url };
    await settle(
      client,
      (await uploadText(client, "Boats", "Boats sail at dawn.")).body.document.id,
    );
    fake.script({ tokens: ["Boats", " sail"], end: "endless", chunkDelayMs: 50 });
    const res = await fetch(`${server.url}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "When do boats sail?" }),
    });
    await readSse(res, (e) => e.event === "token");
    await server.stop("SIGKILL");

    server = await startServer({ dataDir, env });
    const after = { url: server.url };
    const list = await call(after, "GET", "/conversations");
    for (const c of list.body.conversations) {
      const { body } = await call(after, "GET", `/conversations/${c.id}`);
      const assistant = body.messages.filter((m: { role: string }) => m.role === "assistant");
      for (const m of assistant) assert.doesNotMatch(m.content, /sail sail/, "a half answer");
    }
    fake.script({ tokens: ["At dawn [1]."] });
    const again = await call(after, "POST", "/chat", { message: "When?", stream: false });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    await assertNoStrayFiles(server, after);
  } finally {
    await server.stop();
    await fake.close();
  }
});

Deno.test("kill -9 during a delete: the document is whole or gone, with its file", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "ligero-kill9-delete-" });
  let server = await startServer({ dataDir });
  try {
    const client = { url: server.url };
    const body = Array.from(
      { length: 400 },
      (_, i) => `Paragraph ${i} tells of the lighthouse keeper Ismael and his lamp.`,
    ).join("\n\n");
    const keep = (await uploadText(client, "Keep", "The harbour opens at eight.")).body.document;
    await settle(client, keep.id);
    const doc = (await uploadText(client, "Lighthouse", body)).body.document;
    await settle(client, doc.id);
    // the delete is in flight when the process dies
    const pending = fetch(`${server.url}/documents/${doc.id}`, { method: "DELETE" })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 5));
    await server.stop("SIGKILL");
    await pending;

    server = await startServer({ dataDir });
    const after = { url: server.url };
    const now = await call(after, "GET", `/documents/${doc.id}`);
    const hits = await search(after, "lighthouse keeper Ismael", { mode: "text" });
    if (now.status === 200) {
      assert.equal(now.body.document.status, "ready");
      assert.ok(hits.some((h) => h.documentId === doc.id), "whole: still searchable");
      assert.ok((uploadFiles(server)).includes(doc.id), "whole: its file is there");
    } else {
      assert.equal(now.status, 404);
      assert.ok(hits.every((h) => h.documentId !== doc.id), "gone: no chunks left");
    }
    assert.equal((await call(after, "GET", `/documents/${keep.id}`)).body.document.status, "ready");
    await assertNoStrayFiles(server, after);
  } finally {
    await server.stop();
  }
});

import assert from "node:assert/strict";
import { call, CORPUS, search, settle, uploadFile } from "./support/api.ts";
import { startServer } from "./support/server.ts";

const FILE = `${CORPUS}r-intro.pdf`; // 113 pages: long enough to kill mid-way

async function waitForProgress(url: string, id: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { body } = await call({ url }, "GET", `/documents/${id}`);
    const { status, progress } = body.document;
    if (status === "ready") throw new Error("finished before it could be interrupted");
    if ((status === "extracting" || status === "embedding") && progress.pagesDone > 0) {
      return status;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no progress within 60 s");
}

Deno.test("a server killed mid-ingest resumes the job after restart; nothing half-done shows", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "ligero-resume-" });
  let server = await startServer({ dataDir });
  const upload = await uploadFile({ url: server.url }, FILE);
  assert.equal(upload.status, 202);
  const id = upload.body.document.id;
  const phase = await waitForProgress(server.url, id);
  await server.stop("SIGKILL");

  server = await startServer({ dataDir });
  try {
    // before it finishes, a search must not return chunks of the unfinished document
    const early = await search({ url: server.url }, "linear models lm function", { mode: "text" });
    const doc0 = (await call({ url: server.url }, "GET", `/documents/${id}`)).body.document;
    if (doc0.status !== "ready") assert.ok(early.every((r) => r.documentId !== id));

    const doc = await settle({ url: server.url }, id);
    assert.equal(doc.status, "ready", `killed while ${phase}; ${JSON.stringify(doc.error)}`);
    assert.equal(doc.pages, 113);
    assert.ok(server.logs().some((l) => l.includes("resuming unfinished ingestion")));

    // the resumed document has exactly the chunks an uninterrupted ingest makes
    const reference = await startServer();
    try {
      const again = await uploadFile({ url: reference.url }, FILE);
      const whole = await settle({ url: reference.url }, again.body.document.id);
      assert.equal(doc.chunks, whole.chunks);
    } finally {
      await reference.stop();
    }
    const hits = await search({ url: server.url }, "How do I fit a linear model?");
    assert.ok(hits.some((r) => r.documentId === id));
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

/**
 * The crash case: a child process ingesting in batches is killed with SIGKILL, the database
 * reopened. A document is either ready with every chunk and vector, or unfinished with whole
 * batches only, listed for resume, invisible to search, and finishes when resumed.
 */
import assert from "node:assert/strict";
import { type Backend, type Case, collect, makeChunks, unitVector } from "./conformance.ts";
import { BATCH, CHUNKS, DIMS } from "./crash-child.ts";

const CHILD = new URL("./crash-child.ts", import.meta.url).pathname;

async function killMidIngest(backend: Backend, location: string, batches: number): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, backend.name, location],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let seen = 0;
  const lines = child.stdout.pipeThrough(new TextDecoderStream());
  for await (const text of lines) {
    seen += text.split("\n").filter((l) => l.startsWith("batch") || l.startsWith("ready")).length;
    if (seen >= batches) break;
  }
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", "the child was still ingesting when killed");
}

export const crashCases: Case[] = [
  ["kill -9 mid-ingest: no half document shown as ready, the rest resumes", async (backend) => {
    const location = await backend.newLocation();
    // Past two whole documents, inside the third or later, at a random batch.
    await killMidIngest(backend, location, 2 * CHUNKS / BATCH + 1 + Math.floor(Math.random() * 8));
    const store = await backend.open(location);
    try {
      const { items } = await store.listDocuments("crash", { limit: 1000 });
      const ready = items.filter((d) => d.status === "ready");
      assert.ok(ready.length >= 2, `${ready.length} ready documents`);
      const vectors = await collect(store, "m", 64);
      for (const doc of ready) {
        assert.equal(doc.chunkCount, CHUNKS);
        assert.equal((await store.resumePoint(doc.id)).nextOrdinal, CHUNKS);
        const ids = vectors.ids.filter((_, i) => vectors.docs[i] === doc.id);
        assert.equal(ids.length, CHUNKS, `vectors of ready document ${doc.title}`);
        const chunks = await store.getChunks(ids);
        for (const [i, chunk] of chunks.entries()) {
          assert.deepEqual(vectors.vectors[vectors.ids.indexOf(ids[i])], [
            ...unitVector(DIMS, chunk.ordinal),
          ]);
        }
      }
      const unfinished = await store.listUnfinished();
      assert.deepEqual(
        unfinished.map((d) => d.id).sort(),
        items.filter((d) => d.status !== "ready").map((d) => d.id).sort(),
      );
      assert.ok(unfinished.length <= 1, "only the document being ingested is unfinished");
      for (const doc of unfinished) {
        const { nextOrdinal } = await store.resumePoint(doc.id);
        assert.equal(nextOrdinal % BATCH, 0, "batches are all-or-nothing");
        const streamed = vectors.docs.filter((id) => id === doc.id).length;
        assert.equal(streamed, nextOrdinal, "the vectors of the committed batches, no more");
        const hits = await store.searchText({ ownerId: "crash", query: "crash", k: 1000 });
        assert.ok(!hits.some((h) => h.documentId === doc.id), "full text skips unfinished ones");
        for (let from = nextOrdinal; from < CHUNKS; from += BATCH) {
          await store.writeChunks({
            documentId: doc.id,
            model: "m",
            chunks: makeChunks(from, BATCH, DIMS, "crash words"),
            final: from + BATCH >= CHUNKS,
          });
        }
        const resumed = (await store.getDocument(doc.id))!;
        assert.deepEqual([resumed.status, resumed.chunkCount], ["ready", CHUNKS]);
      }
    } finally {
      await store.close();
    }
  }],
];

/**
 * The pgvector plugin on a real PostgreSQL, when the extension is installed (Debian:
 * `postgresql-15-pgvector`); otherwise ignored, saying why. Where it runs, its ranking is
 * checked against an exact scan.
 */
import assert from "node:assert/strict";
import { startPostgres } from "../../tests/support/postgres.ts";
import { PgvectorSearch, PgvectorUnavailableError } from "./postgres-pgvector.ts";
import { PostgresStore } from "./postgres.ts";

const BIN = Deno.env.get("LIGERO_PG_BIN") ?? "/usr/lib/postgresql/15/bin";

function pgvectorMissing(): string | null {
  try {
    const out = new Deno.Command(`${BIN}/pg_config`, { args: ["--sharedir"] }).outputSync();
    const dir = new TextDecoder().decode(out.stdout).trim();
    Deno.statSync(`${dir}/extension/vector.control`);
    return null;
  } catch {
    return `pgvector is not installed for the PostgreSQL in ${BIN} (no extension/vector.control)`;
  }
}

const missing = pgvectorMissing();
if (missing) console.warn(`skipping the pgvector plugin test: ${missing}`);

const DIMS = 16;

function unit(seed: number): Float32Array {
  const v = Float32Array.from({ length: DIMS }, (_, i) => Math.sin(seed * 7.3 + i * 1.7));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

Deno.test({
  name: "pgvector plugin: HNSW ranks like an exact scan, per owner, ready documents only",
  ignore: missing !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const cluster = await startPostgres();
    const url = await cluster.createDatabase();
    const store = await PostgresStore.open(url, 2);
    let search: PgvectorSearch | undefined;
    try {
      search = await PgvectorSearch.open(url, "m", DIMS);
      const vectors = new Map<number, Float32Array>();
      const docs: Record<string, string> = {};
      for (const owner of ["alice", "bob"]) {
        const doc = await store.createDocument({
          ownerId: owner,
          title: owner,
          mime: "text/plain",
          sha256: owner,
          bytes: 1,
        });
        docs[owner] = doc.id;
        const chunks = Array.from({ length: 40 }, (_, i) => ({
          ordinal: i,
          pageStart: 1,
          pageEnd: 1,
          text: `${owner} ${i}`,
          tokenCount: 2,
          vector: unit(i + (owner === "bob" ? 100 : 0)),
        }));
        await store.writeChunks({ documentId: doc.id, model: "m", chunks, final: true });
      }
      const pending = await store.createDocument({
        ownerId: "alice",
        title: "pending",
        mime: "text/plain",
        sha256: "p",
        bytes: 1,
      });
      await store.writeChunks({
        documentId: pending.id,
        model: "m",
        chunks: [{
          ordinal: 0,
          pageStart: 1,
          pageEnd: 1,
          text: "p",
          tokenCount: 1,
          vector: unit(3),
        }],
      });
      assert.equal(await search.sync(), 81);
      assert.equal(await search.sync(), 0, "a second sync copies nothing");
      for await (const batch of store.streamVectors("m", 1000)) {
        batch.chunkIds.forEach((id, i) =>
          batch.documentIds[i] === docs.alice &&
          vectors.set(id, batch.vectors.slice(i * DIMS, (i + 1) * DIMS))
        );
      }

      const query = unit(3.2);
      const hits = await search.search(query, 5, "alice");
      const exact = [...vectors].sort((x, y) => dot(y[1], query) - dot(x[1], query))
        .slice(0, 5).map(([id]) => id);
      assert.deepEqual(hits.map((h) => h.chunkId), exact);
      assert.ok(hits.every((h) => h.documentId === docs.alice), "owner filter, pending hidden");
      assert.ok(Math.abs(hits[0].score - dot(vectors.get(exact[0])!, query)) < 1e-5);
      assert.deepEqual(await search.search(query, 5, "alice", [docs.bob]), []);

      await store.deleteDocument(docs.alice);
      assert.deepEqual(await search.search(query, 5, "alice"), [], "deletes cascade");
    } catch (e) {
      if (e instanceof PgvectorUnavailableError) throw new Error(`${missing}: ${e.message}`);
      throw e;
    } finally {
      await search?.close();
      await store.close();
      await cluster.stop();
    }
  },
});

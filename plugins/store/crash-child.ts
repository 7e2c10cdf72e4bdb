/**
 * The process the crash test kills: ingests documents of CHUNKS chunks in batches, forever,
 * printing a line after each committed batch. Usage: crash-child.ts sqlite|postgres <location>
 */
import { makeChunks } from "./conformance.ts";
import { PostgresStore } from "./postgres.ts";
import { SqliteStore } from "./sqlite.ts";

export const CHUNKS = 100, BATCH = 20, DIMS = 16, PAGES = 5;

if (import.meta.main) {
  const [backend, location] = Deno.args;
  const store = backend === "sqlite"
    ? SqliteStore.open(location)
    : await PostgresStore.open(location, 2);
  for (let n = 0; n < 10_000; n++) {
    const doc = await store.createDocument({
      ownerId: "crash",
      title: `doc ${n}`,
      mime: "text/plain",
      sha256: crypto.randomUUID(),
      bytes: 1,
      language: "en",
      pagesTotal: PAGES,
    });
    await store.updateDocument(doc.id, { status: "extracting" });
    await store.writePages(
      doc.id,
      Array.from({ length: PAGES }, (_, i) => ({ pageNumber: i + 1, text: `page ${i + 1}` })),
    );
    await store.updateDocument(doc.id, { status: "embedding", pageCount: PAGES });
    for (let from = 0; from < CHUNKS; from += BATCH) {
      const final = from + BATCH >= CHUNKS;
      await store.writeChunks({
        documentId: doc.id,
        model: "m",
        chunks: makeChunks(from, BATCH, DIMS, "crash words"),
        pagesDone: PAGES,
        final,
      });
      console.log(final ? `ready ${doc.id}` : `batch ${doc.id}`);
    }
  }
}

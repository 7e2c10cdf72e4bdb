/** Conformance cases for full-text search: stemming per language, CJK, ranking, filters. */
import assert from "node:assert/strict";
import { type Case, withStore } from "./conformance.ts";
import type { Language, Store } from "./types.ts";

async function addDoc(
  store: Store,
  ownerId: string,
  language: Language,
  texts: string[],
  title = "doc",
): Promise<string> {
  const d = await store.createDocument({
    ownerId,
    title,
    mime: "text/plain",
    sha256: crypto.randomUUID(),
    bytes: 1,
    language,
  });
  await store.writeChunks({
    documentId: d.id,
    model: "m",
    final: true,
    chunks: texts.map((text, i) => ({
      ordinal: i,
      pageStart: i + 1,
      pageEnd: i + 1,
      text,
      tokenCount: 10,
    })),
  });
  return d.id;
}

const texts = async (store: Store, ids: number[]) =>
  (await store.getChunks(ids)).map((c) => c.text);

export const searchCases: Case[] = [
  [
    "full text in Spanish: stemming finds inflected forms, ranks the better match first",
    (b) =>
      withStore(b, async (store) => {
        await addDoc(store, "alice", "es", [
          "El clima de la montaña es frío en invierno.",
          "Una base de dato guarda registros.",
          "Las bases de datos relacionales guardan tablas; cada base de datos tiene índices.",
        ]);
        const hits = await store.searchText({ ownerId: "alice", query: "bases de datos", k: 5 });
        assert.deepEqual(await texts(store, hits.map((h) => h.chunkId)), [
          "Las bases de datos relacionales guardan tablas; cada base de datos tiene índices.",
          "Una base de dato guarda registros.",
        ]);
        assert.ok(hits[0].score > hits[1].score);
        assert.equal(hits[1].pageStart, 2);
        const [top] = await store.getChunks([hits[0].chunkId]);
        assert.equal(top.documentLanguage, "es", "snippets highlight by the document's language");
        const accent = await store.searchText({ ownerId: "alice", query: "indice", k: 5 });
        assert.equal(accent.length, 1, "accents fold: 'indice' finds 'índices'");
      }),
  ],

  [
    "full text in English: stemming and ranking",
    (b) =>
      withStore(b, async (store) => {
        await addDoc(store, "alice", "en", [
          "Weather reports for the mountains.",
          "Indexing a database makes queries fast: indexed databases answer queries quickly.",
          "One query against a database.",
        ]);
        const hits = await store.searchText({ ownerId: "alice", query: "database queries", k: 5 });
        assert.deepEqual(await texts(store, hits.map((h) => h.chunkId)), [
          "Indexing a database makes queries fast: indexed databases answer queries quickly.",
          "One query against a database.",
        ]);
        assert.equal(hits[1].pageStart, 3);
      }),
  ],

  ["full text in CJK: bigrams find words inside a clause", (b) =>
    withStore(b, async (store) => {
      await addDoc(store, "alice", "other", ["我们的数据库很快，而且很稳定。", "今天天气很好。"]);
      const hits = await store.searchText({ ownerId: "alice", query: "数据库", k: 5 });
      assert.deepEqual(await texts(store, hits.map((h) => h.chunkId)), [
        "我们的数据库很快，而且很稳定。",
      ]);
    })],

  [
    "full text is isolated per owner and filtered by document ids",
    (b) =>
      withStore(b, async (store) => {
        const a1 = await addDoc(store, "alice", "en", ["secret plans of alice"]);
        const a2 = await addDoc(store, "alice", "en", ["more plans"]);
        await addDoc(store, "bob", "en", ["plans of bob"]);
        const all = await store.searchText({ ownerId: "alice", query: "plans", k: 10 });
        assert.deepEqual(new Set(all.map((h) => h.documentId)), new Set([a1, a2]));
        const one = await store.searchText({
          ownerId: "alice",
          query: "plans",
          k: 10,
          documentIds: [a2],
        });
        assert.deepEqual(one.map((h) => h.documentId), [a2]);
        assert.deepEqual(await store.searchText({ ownerId: "carol", query: "plans", k: 10 }), []);
        const none = await store.searchText({
          ownerId: "alice",
          query: "plans",
          k: 10,
          documentIds: [],
        });
        assert.deepEqual(none, []);
        assert.deepEqual(await store.searchText({ ownerId: "alice", query: "?!", k: 10 }), []);
        assert.equal(
          (await store.searchText({ ownerId: "alice", query: "plans", k: 1 })).length,
          1,
        );
      }),
  ],

  ["full text skips documents that are not ready", (b) =>
    withStore(b, async (store) => {
      const d = await store.createDocument({
        ownerId: "alice",
        title: "t",
        mime: "text/plain",
        sha256: "x",
        bytes: 1,
        language: "en",
      });
      await store.writeChunks({
        documentId: d.id,
        model: "m",
        chunks: [{ ordinal: 0, pageStart: 1, pageEnd: 1, text: "pending words", tokenCount: 2 }],
      });
      assert.deepEqual(await store.searchText({ ownerId: "alice", query: "pending", k: 5 }), []);
      // the better-ranked chunks of the unfinished document must not crowd out a ready one
      await store.writeChunks({
        documentId: d.id,
        model: "m",
        chunks: [1, 2].map((i) => ({
          ordinal: i,
          pageStart: 1,
          pageEnd: 1,
          text: "pending pending",
          tokenCount: 2,
        })),
      });
      const ready = await addDoc(store, "alice", "en", ["one pending word among many others here"]);
      const hits = await store.searchText({ ownerId: "alice", query: "pending", k: 2 });
      assert.deepEqual(hits.map((h) => h.documentId), [ready]);
    })],
];

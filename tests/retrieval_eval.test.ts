/**
 * A bounded slice of the retrieval evaluation (bench/retrieval.ts runs all of it): two small dev
 * PDFs, one English and one Spanish (RC4-encrypted, empty password), through the real upload
 * path, then every question written for them asked of hybrid search. The expected page must
 * come back in the top 5 for nearly all of them, and hybrid must answer at least as many as
 * either list alone.
 */
import assert from "node:assert/strict";
import { askModes } from "../bench/support/retrieval-run.ts";
import { loadQuestions, metrics } from "../bench/support/retrieval-score.ts";
import { CORPUS, settle, uploadFile } from "./support/api.ts";
import { startServer } from "./support/server.ts";

const FILES = ["llncsdoc.pdf", "enc-rc4-128-l2tabu-es.pdf"];
const MIN_RECALL = 0.8;

Deno.test("hybrid search finds the page that answers each question in the top 5", async () => {
  const questions = loadQuestions().filter((q) => FILES.includes(q.file));
  assert.ok(questions.length >= 10);
  const server = await startServer();
  const client = { url: server.url };
  try {
    const docs = new Map<string, string>();
    for (const file of FILES) {
      const res = await uploadFile(client, CORPUS + file);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const doc = await settle(client, res.body.document.id, 50_000);
      assert.equal(doc.status, "ready", JSON.stringify(doc));
      docs.set(file, doc.id);
    }
    const ranks = await askModes(client, questions, (file) => docs.get(file)!, 5);
    const misses = questions.filter((_, i) => ranks.hybrid[i] === null).map((q) => q.id);
    const recall = (mode: "vector" | "text" | "hybrid") => metrics(ranks[mode], 5).recall;
    assert.ok(recall("hybrid") >= MIN_RECALL, `hybrid missed ${misses.join(", ")}`);
    assert.ok(recall("hybrid") >= recall("text"), `hybrid ${recall("hybrid")} < text`);
    assert.ok(recall("hybrid") >= recall("vector"), `hybrid ${recall("hybrid")} < vector`);
  } finally {
    await server.stop();
  }
});

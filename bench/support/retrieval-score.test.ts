import assert from "node:assert/strict";
import { CORPUS } from "../../tests/support/api.ts";
import { answerRank, loadQuestions, metrics } from "./retrieval-score.ts";

Deno.test("answerRank: same document and an overlapping page range", () => {
  const hits = [
    { documentId: "b", pageStart: 4, pageEnd: 4 },
    { documentId: "a", pageStart: 1, pageEnd: 2 },
    { documentId: "a", pageStart: 3, pageEnd: 5 },
  ];
  assert.equal(answerRank(hits, "a", [4]), 3);
  assert.equal(answerRank(hits, "a", [2, 9]), 2);
  assert.equal(answerRank(hits, "a", [6]), null);
  assert.equal(answerRank(hits, "c", [4]), null);
});

Deno.test("metrics: recall and MRR at k ignore answers ranked below k", () => {
  const m = metrics([1, 2, null, 6], 5);
  assert.equal(m.questions, 4);
  assert.equal(m.recall, 0.5);
  assert.equal(m.mrr, (1 + 1 / 2) / 4);
  assert.deepEqual(metrics([], 5), { questions: 0, recall: 0, mrr: 0 });
});

Deno.test("the question set: 40+ questions, 15+ in Spanish, unique ids, pages that have text", () => {
  const questions = loadQuestions();
  assert.ok(questions.length >= 40);
  assert.ok(questions.filter((q) => q.lang === "es").length >= 15);
  assert.equal(new Set(questions.map((q) => q.id)).size, questions.length);
  const pages = new Map<string, string[]>();
  for (const q of questions) {
    if (!pages.has(q.file)) {
      // the reference text: a form feed after each page
      const text = Deno.readTextFileSync(CORPUS + q.file.replace(/\.pdf$/, ".pdftotext.txt"));
      pages.set(q.file, text.split("\f"));
    }
    for (const p of q.pages) {
      assert.ok(Number.isInteger(p) && pages.get(q.file)![p - 1]?.trim(), `${q.id}: page ${p}`);
    }
  }
});

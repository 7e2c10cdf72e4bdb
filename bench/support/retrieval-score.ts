/**
 * Scoring for the retrieval evaluation: a question is answered when a returned chunk comes from
 * the question's document and its page range touches one of the pages that answer it.
 * recall@k counts questions answered in the top k; MRR@k averages 1 / rank of the first answer
 * (0 when none is in the top k).
 */

export interface Question {
  id: string;
  lang: "en" | "es";
  /** A PDF of the dev corpus (shared/corpus/pdf/dev). */
  file: string;
  question: string;
  /** 1-based pages, any of which answers the question. */
  pages: number[];
}

/** What scoring needs of a search result. */
export interface Hit {
  documentId: string;
  pageStart: number;
  pageEnd: number;
}

export interface Metrics {
  questions: number;
  recall: number;
  mrr: number;
}

export const QUESTIONS_PATH =
  new URL("../../tests/fixtures/retrieval-questions.jsonl", import.meta.url).pathname;

export function loadQuestions(path = QUESTIONS_PATH): Question[] {
  return Deno.readTextFileSync(path).split("\n").filter((l) => l.trim()).map((line, i) => {
    const q = JSON.parse(line) as Question;
    if (!q.id || !q.file || !q.question || !Array.isArray(q.pages) || q.pages.length === 0) {
      throw new Error(`${path}:${i + 1}: a question needs id, file, question and pages`);
    }
    return q;
  });
}

/** 1-based rank of the first hit that answers the question, or null. */
export function answerRank(
  hits: readonly Hit[],
  documentId: string,
  pages: readonly number[],
): number | null {
  const i = hits.findIndex((h) =>
    h.documentId === documentId && pages.some((p) => p >= h.pageStart && p <= h.pageEnd)
  );
  return i < 0 ? null : i + 1;
}

/** recall@k and MRR@k over the answer ranks of a set of questions. */
export function metrics(ranks: readonly (number | null)[], k: number): Metrics {
  const found = ranks.filter((r): r is number => r !== null && r <= k);
  const n = ranks.length;
  return {
    questions: n,
    recall: n ? found.length / n : 0,
    mrr: n ? found.reduce((sum, r) => sum + 1 / r, 0) / n : 0,
  };
}

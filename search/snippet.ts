/**
 * The highlighted snippet of a search result: the window of the chunk with the most matched
 * words, matches in `<mark>`. Made by the service for the fused top k only (both store
 * backends return ids and ranks), so no work goes into candidates that fusion drops.
 * Matching uses the index's own terms, so "datos" is marked for the query "dato".
 */
import { WORD, wordTerms } from "../plugins/store/terms.ts";
import type { Language } from "../plugins/store/types.ts";

const WINDOW_WORDS = 32;

export function snippet(text: string, language: Language, queryTerms: ReadonlySet<string>): string {
  const words = [...text.matchAll(WORD)];
  if (words.length === 0) return "";
  // a chunk repeats its words: each distinct one is stemmed once (70–110 → 27–29 µs a chunk on the corpus)
  const seen = new Map<string, number>();
  const hit = new Uint8Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const word = words[i][0];
    let matched = seen.get(word);
    if (matched === undefined) {
      matched = wordTerms(word.toLowerCase(), language).some((t) => queryTerms.has(t)) ? 1 : 0;
      seen.set(word, matched);
    }
    hit[i] = matched;
  }
  let best = 0, count = 0, bestCount = -1;
  for (let i = 0; i < words.length; i++) {
    count += hit[i];
    if (i >= WINDOW_WORDS) count -= hit[i - WINDOW_WORDS];
    const start = Math.max(0, i - WINDOW_WORDS + 1);
    if (count > bestCount) [bestCount, best] = [count, start];
  }
  const last = Math.min(words.length, best + WINDOW_WORDS) - 1;
  const from = best === 0 ? 0 : words[best].index;
  const to = last === words.length - 1 ? text.length : words[last].index + words[last][0].length;
  let out = from > 0 ? "…" : "";
  let cursor = from;
  for (let i = best; i <= last; i++) {
    if (!hit[i]) continue;
    const m = words[i];
    out += escapeHtml(text.slice(cursor, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
    cursor = m.index + m[0].length;
  }
  out += escapeHtml(text.slice(cursor, to));
  return (to < text.length ? out + "…" : out).replace(/\s+/g, " ").trim();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[c]};`);
}

/**
 * Picks the sentences of the sources that best answer a question, for the offline provider.
 * Sentences score by the question terms they share (rarer terms weigh more); each pick halves
 * the weight of the terms it covered, so the next pick adds something new.
 */
import { STOPWORDS } from "../../text/language.ts";
import type { LlmSource } from "./types.ts";

export interface Pick {
  n: number;
  text: string;
}

const MAX_PICKS = 3;
const MAX_CHARS = 700;
/** Longer "sentences" (PDF text without periods) are cut into windows this long. */
const WINDOW = 280;

interface Candidate extends Pick {
  stems: Set<string>;
}

export function pickSentences(question: string, sources: readonly LlmSource[]): Pick[] {
  const wanted = new Set(stems(question));
  if (wanted.size === 0) return [];
  const candidates = sources.flatMap((source) =>
    sentences(source.text).map((text) => ({ n: source.n, text, stems: new Set(stems(text)) }))
  );
  const weight = idf(wanted, candidates);
  const picks: Candidate[] = [];
  let chars = 0;
  let first = 0;
  while (picks.length < MAX_PICKS) {
    let best: Candidate | undefined;
    let bestScore = 0;
    for (const c of candidates) {
      if (picks.includes(c) || chars + c.text.length > MAX_CHARS) continue;
      let score = 0;
      for (const s of c.stems) score += weight.get(s) ?? 0;
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    // Stop at weak matches: a third of the first pick's score adds noise, not answer.
    if (!best || bestScore < first / 3) break;
    first ||= bestScore;
    picks.push(best);
    chars += best.text.length;
    for (const s of best.stems) if (weight.has(s)) weight.set(s, weight.get(s)! / 2);
  }
  return picks.map(({ n, text }) => ({ n, text }));
}

/** The first sentence of a source: what the offline answer quotes when nothing matches. */
export function firstSentence(text: string): string {
  return sentences(text)[0] ?? "";
}

function idf(wanted: Set<string>, candidates: Candidate[]): Map<string, number> {
  const weight = new Map<string, number>();
  for (const term of wanted) {
    const df = candidates.filter((c) => c.stems.has(term)).length;
    if (df > 0) weight.set(term, Math.log(1 + candidates.length / df));
  }
  return weight;
}

/**
 * Lowercased, accent-free words minus function words, cut to five letters: a crude stemmer
 * that lets "documentos" meet "documento" and "regulation" meet "regulations".
 */
export function stems(text: string): string[] {
  const words = text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().match(/[\p{L}\p{N}]+/gu);
  return (words ?? [])
    .filter((w) => !STOPWORDS.has(w) && (w.length >= 3 || /^\d+$/.test(w)))
    .map((w) => w.slice(0, 5));
}

function sentences(text: string): string[] {
  const out: string[] = [];
  const clean = text.replace(/\s+/g, " ").trim();
  for (const sentence of clean.split(/(?<=[.!?;:])\s+(?=[\p{Lu}\p{N}¿¡"«(])/u)) {
    if (sentence.length <= WINDOW * 1.5) {
      if (sentence.length >= 15) out.push(sentence);
      continue;
    }
    for (let at = 0; at < sentence.length;) {
      const space = sentence.lastIndexOf(" ", at + WINDOW);
      const end = at + WINDOW >= sentence.length
        ? sentence.length
        : space > at
        ? space
        : at + WINDOW;
      const cut = end < sentence.length ? "…" : "";
      out.push(`${at > 0 ? "…" : ""}${sentence.slice(at, end).trim()}${cut}`);
      at = end;
    }
  }
  return out;
}

/**
 * Full-text terms, made the same way when indexing and when querying. SQLite's FTS5 has no
 * Spanish stemmer and its `unicode61` tokenizer keeps a whole CJK clause as one token, so
 * both are done here before indexing: Snowball stems for Spanish and English, overlapping
 * character bigrams for CJK runs. PostgreSQL stems with its own `spanish`/`english`
 * configurations and gets only the CJK bigrams from here.
 */
import { stemmer as stemEnglish } from "@orama/stemmers/english";
import { stemmer as stemSpanish } from "@orama/stemmers/spanish";
import { STOPWORDS } from "../../text/language.ts";
import type { Language } from "./types.ts";

export const WORD = /[\p{L}\p{N}]+/gu;
const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]+/gu;
const HAS_CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;

/** Words repeat a lot (Zipf), so stems are cached; the cap bounds memory on odd corpora. */
const CACHE_LIMIT = 50_000;
const caches: Record<Language, Map<string, string>> = {
  es: new Map(),
  en: new Map(),
  other: new Map(),
};

/** A lowercase word's stem in `language`, without diacritics ("other": just folded). */
export function stem(word: string, language: Language): string {
  const cache = caches[language];
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    const base = language === "es"
      ? stemSpanish(word)
      : language === "en"
      ? stemEnglish(word)
      : word;
    stemmed = base.normalize("NFD").replace(/\p{M}/gu, "");
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, stemmed);
  }
  return stemmed;
}

/** Overlapping bigrams of a CJK run ("数据库" → "数据 据库"); a lone character stays. */
export function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

/** The space-separated terms FTS5 indexes for a chunk in `language`. */
export function indexTerms(text: string, language: Language): string {
  const out: string[] = [];
  for (const [word] of text.toLowerCase().matchAll(WORD)) out.push(...wordTerms(word, language));
  return out.join(" ");
}

/** CJK bigrams of a text, for PostgreSQL to index beside its own stemmed words. */
export function cjkTerms(text: string): string {
  if (!HAS_CJK.test(text)) return "";
  const out: string[] = [];
  for (const [run] of text.matchAll(CJK)) out.push(...bigrams(run));
  return out.join(" ");
}

/**
 * A query's terms: each word stemmed as Spanish, as English and as is, since a query's
 * language is unknown and the documents it should find may be in either. Function words are
 * dropped unless nothing else is left.
 */
export function queryTerms(query: string): string[] {
  const words = [...query.toLowerCase().matchAll(WORD)].map((m) => m[0]);
  const content = words.filter((w) => !STOPWORDS.has(w));
  const terms = new Set<string>();
  for (const word of content.length > 0 ? content : words) {
    for (const language of ["es", "en", "other"] as const) {
      for (const term of wordTerms(word, language)) terms.add(term);
    }
  }
  return [...terms];
}

/** The plain words of a query (no stemming), for PostgreSQL's `to_tsquery` per config. */
export function queryWords(query: string): string[] {
  const words = [...new Set([...query.toLowerCase().matchAll(WORD)].map((m) => m[0]))];
  const content = words.filter((w) => !STOPWORDS.has(w));
  return content.length > 0 ? content : words;
}

/** The terms of one lowercase word: its stem, or CJK bigrams and the stems around them. */
export function wordTerms(word: string, language: Language): string[] {
  if (!HAS_CJK.test(word)) return [stem(word, language)];
  const out: string[] = [];
  // A token mixing scripts ("sql数据库"): the non-CJK parts are words of their own.
  let last = 0;
  for (const m of word.matchAll(CJK)) {
    if (m.index > last) out.push(stem(word.slice(last, m.index), language));
    out.push(...bigrams(m[0]));
    last = m.index + m[0].length;
  }
  if (last < word.length) out.push(stem(word.slice(last), language));
  return out;
}

/**
 * Spanish, English or neither, told from function words: no dependency, no model. Documents
 * pick their full-text configuration by it; questions pick the answer's language and prompt.
 */

/** Function words of each language (articles, prepositions, pronouns, common verbs). */
const SPANISH = new Set(
  ("de la que el en y a los se del las un por con no una su para es al lo como más pero sus " +
    "le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien " +
    "desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes " +
    "algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco " +
    "ella estar estas algunas algo nosotros son está han ser fue era puede cada unas están " +
    "cómo cuál cuáles cuándo dónde quién cuánto cuántos según mi tiene tienen pueden debe " +
    "deben hace hacer").split(" "),
);

const ENGLISH = new Set(
  ("the of and to in a is that for it as was with be by on not he this are or his from at " +
    "which but have an they you were her she there one all we their been has would when who " +
    "will more if no out so said what up its about into than them can only other new some " +
    "could these two may then do first any my now such like our over man me even most made " +
    "after also did many before must through back where much your way well should because " +
    "each just those how whom whose why does without had says say").split(" "),
);

/** Both languages' function words: dropped from queries and from answer-term matching. */
export const STOPWORDS: ReadonlySet<string> = new Set([...SPANISH, ...ENGLISH]);

/** A document's language from its first `sampleWords` words; "other" below 3 % function words. */
export function documentLanguage(text: string, sampleWords = 2000): "es" | "en" | "other" {
  let words = 0, es = 0, en = 0;
  for (const match of text.toLowerCase().matchAll(/\p{L}+/gu)) {
    words++;
    if (SPANISH.has(match[0])) es++;
    if (ENGLISH.has(match[0])) en++;
    if (words >= sampleWords) break;
  }
  if (words === 0 || Math.max(es, en) < words * 0.03) return "other";
  return es > en ? "es" : "en";
}

/** The languages ligero answers in (prompt templates, offline phrasing). */
export type ReplyLanguage = "es" | "en";

/** The language to answer a question in: Spanish marks and words count; else English. */
export function questionLanguage(text: string): ReplyLanguage {
  if (/[¿¡ñ]/i.test(text)) return "es";
  let es = /[áéíóú]/i.test(text) ? 1 : 0;
  let en = 0;
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    if (SPANISH.has(word)) es++;
    if (ENGLISH.has(word)) en++;
  }
  return es > en ? "es" : "en";
}

/**
 * Which language to index a document in for full text: Spanish, English or "other"
 * (unstemmed). Counting the most frequent function words of each language is enough to
 * separate two languages on a page of text, costs no dependency and no model.
 */
import type { Language } from "./types.ts";

const SPANISH = new Set(
  ("de la que el en y a los se del las un por con no una su para es al lo como más pero sus " +
    "le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien " +
    "desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes " +
    "algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco " +
    "ella estar estas algunas algo nosotros son está han ser fue era puede cada").split(" "),
);

const ENGLISH = new Set(
  ("the of and to in a is that for it as was with be by on not he this are or his from at " +
    "which but have an they you were her she there one all we their been has would when who " +
    "will more if no out so said what up its about into than them can only other new some " +
    "could these two may then do first any my now such like our over man me even most made " +
    "after also did many before must through back where much your way well should because " +
    "each just those how").split(" "),
);

export const STOPWORDS: ReadonlySet<string> = new Set([...SPANISH, ...ENGLISH]);

/** Looks at the first `sampleWords` words; needs 3 % of them to be function words. */
export function detectLanguage(text: string, sampleWords = 2000): Language {
  let words = 0, es = 0, en = 0;
  for (const match of text.toLowerCase().matchAll(/\p{L}+/gu)) {
    const word = match[0];
    words++;
    if (SPANISH.has(word)) es++;
    if (ENGLISH.has(word)) en++;
    if (words >= sampleWords) break;
  }
  if (words === 0 || Math.max(es, en) < words * 0.03) return "other";
  return es > en ? "es" : "en";
}

/**
 * Spanish or English, told from function words: enough to pick a prompt template and the
 * offline answer's phrasing. Anything that looks like neither is answered in English.
 */
export type Language = "es" | "en";

const SPANISH = new Set(
  ("el la los las un una unos unas de del al y o que qué en es son está están por para con " +
    "sin se su sus lo le les como cómo cuál cuáles cuándo dónde quién quiénes cuánto cuántos " +
    "por qué porque pero más muy este esta estos estas ese esa hay ser fue era sobre entre " +
    "también según donde cuando mi me nos tiene tienen puede pueden debe deben hace hacer").split(
      " ",
    ),
);

const ENGLISH = new Set(
  ("the a an of and or to in on at is are was were be been it its this that these those " +
    "what which who whom whose when where why how does do did can could should would will " +
    "with without for from by about into than then there their they them his her our your " +
    "not no but if has have had may must says say").split(" "),
);

/** Both languages' function words, for term extraction. */
export const STOPWORDS: ReadonlySet<string> = new Set([...SPANISH, ...ENGLISH]);

export function detectLanguage(text: string): Language {
  if (/[¿¡ñ]/i.test(text)) return "es";
  let es = 0;
  let en = 0;
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    if (SPANISH.has(word)) es++;
    if (ENGLISH.has(word)) en++;
  }
  if (/[áéíóú]/i.test(text)) es++;
  return es > en ? "es" : "en";
}

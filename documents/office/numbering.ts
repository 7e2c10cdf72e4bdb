/**
 * Word's list markers. numbering.xml says, for each list (w:num, an instance of a
 * w:abstractNum) and level, whether items are bulleted or numbered, from which number and how
 * the marker reads ("%1.%2."); the reader counts as Word does, so "step 3" of a procedure keeps
 * its number in the text. Lists of one abstract definition continue each other's count.
 */
import type { ZipArchive } from "../zip.ts";
import { parsePart } from "./xml.ts";

interface Level {
  format: string;
  text: string;
  start: number;
}

/** A level's number as its format writes it; formats we do not know are decimal. */
const FORMATS: Record<string, (n: number) => string> = {
  lowerLetter: (n) => letters(n),
  upperLetter: (n) => letters(n).toUpperCase(),
  lowerRoman: (n) => roman(n).toLowerCase(),
  upperRoman: (n) => roman(n),
};

export class Numbering {
  readonly #abstractOf = new Map<string, string>();
  readonly #levels = new Map<string, Level[]>();
  readonly #counters = new Map<string, number[]>();

  static async read(zip: ZipArchive, part: string): Promise<Numbering> {
    const numbering = new Numbering();
    if (!zip.has(part)) return numbering;
    let abstract: Level[] | undefined;
    let level: Level | undefined;
    let num: string | undefined;
    await parsePart(zip, part, {
      onopentag(name, attrs) {
        const val = attrs["w:val"] ?? "";
        if (name === "w:abstractNum") {
          abstract = [];
          numbering.#levels.set(attrs["w:abstractNumId"], abstract);
        } else if (name === "w:lvl" && abstract) {
          const at = Number(attrs["w:ilvl"]);
          level = { format: "decimal", text: "", start: 1 };
          if (at >= 0 && at < 9) abstract[at] = level;
        } else if (name === "w:num") num = attrs["w:numId"];
        else if (name === "w:abstractNumId" && num) numbering.#abstractOf.set(num, val);
        else if (!level) return;
        else if (name === "w:numFmt") level.format = val;
        else if (name === "w:lvlText") level.text = val;
        else if (name === "w:start") level.start = Number(val) || 0;
      },
      onclosetag(name) {
        if (name === "w:lvl") level = undefined;
        else if (name === "w:abstractNum") abstract = undefined;
        else if (name === "w:num") num = undefined;
      },
    });
    return numbering;
  }

  /** The next item's marker in list `numId` at `level`: "3.", "b)", "-" for a bullet. */
  next(numId: string, level: number): string {
    const abstract = this.#abstractOf.get(numId) ?? numId;
    const levels = this.#levels.get(abstract) ?? [];
    const at = Math.min(Math.max(level, 0), 8);
    const own = levels[at];
    if (!own || own.format === "bullet" || own.format === "none") return "-";
    let counters = this.#counters.get(abstract);
    if (!counters) this.#counters.set(abstract, counters = []);
    counters[at] = (counters[at] ?? (levels[at]?.start ?? 1) - 1) + 1;
    counters.length = at + 1; // deeper levels start again
    const marker = own.text.replace(/%([1-9])/g, (_, k: string) => {
      const i = Number(k) - 1;
      const n = counters[i] ?? levels[i]?.start ?? 1;
      return (FORMATS[levels[i]?.format ?? ""] ?? String)(n);
    });
    return marker.trim() || "-";
  }
}

function letters(n: number): string {
  if (n < 1) return String(n);
  const letter = String.fromCharCode(97 + (n - 1) % 26);
  return letter.repeat(Math.ceil(n / 26)); // Word's "aa" after "z"
}

function roman(n: number): string {
  if (n < 1 || n > 3999) return String(n);
  const numerals: [number, string][] = [
    [1000, "M"],
    [900, "CM"],
    [500, "D"],
    [400, "CD"],
    [100, "C"],
    [90, "XC"],
    [50, "L"],
    [40, "XL"],
    [10, "X"],
    [9, "IX"],
    [5, "V"],
    [4, "IV"],
    [1, "I"],
  ];
  let out = "";
  for (const [value, numeral] of numerals) {
    for (; n >= value; n -= value) out += numeral;
  }
  return out;
}

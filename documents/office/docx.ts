/**
 * Text of a Word document (DOCX): the main part's paragraphs in order, headings and list
 * items as blocks of their own, table rows as "cell | cell" lines, tabs and line breaks kept,
 * footnotes and endnotes at the end of the page that cites them. Pages are approximate: Word
 * records where its last layout started each page (`w:lastRenderedPageBreak`) besides the
 * author's page breaks (a break character, "page break before" on a paragraph); a document
 * saved by a tool that does no layout has only the latter.
 */
import type { ZipArchive } from "../zip.ts";
import { Numbering } from "./numbering.ts";
import { type OfficeText, PageWriter } from "./pages.ts";
import { contentTypes, coreTitle, parsePart } from "./xml.ts";

export const WORD_TYPES = [
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
  "application/vnd.ms-word.document.macroenabled.main+xml",
  "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
];

/**
 * mc:Fallback repeats mc:Choice's content for older readers; w:moveFrom is text a tracked
 * move took elsewhere (its w:moveTo copy is read); w:pPrChange holds replaced formatting;
 * w:rt is a ruby annotation (furigana), which would split the word it reads.
 */
const SKIPPED = new Set(["mc:Fallback", "w:moveFrom", "w:pPrChange", "w:rt"]);

interface StyleInfo {
  /** 0 for a title, 1… for headings. */
  heading?: number;
  /** The list a paragraph of this style is an item of ("0": none). */
  numId?: string;
  level?: number;
}

interface Paragraph {
  depth: number;
  style?: StyleInfo;
  numId?: string;
  level?: number;
  text: string;
}

export async function readDocx(zip: ZipArchive): Promise<OfficeText> {
  const types = await contentTypes(zip);
  const main = [...types].find(([, type]) => WORD_TYPES.includes(type))?.[0] ??
    "word/document.xml";
  const folder = main.slice(0, main.lastIndexOf("/") + 1);
  const styles = await readStyles(zip, `${folder}styles.xml`);
  const notes = new Map([
    ...await readNotes(zip, `${folder}footnotes.xml`, "f"),
    ...await readNotes(zip, `${folder}endnotes.xml`, "e"),
  ]);
  const writer = new PageWriter();
  let headingTitle: string | undefined;
  const numbering = await Numbering.read(zip, `${folder}numbering.xml`);
  let paragraph: Paragraph = { depth: 0, text: "" };
  let inNumPr = false;
  let inRun = 0;
  let inText = false;
  let skipped = 0; // inside an element in SKIPPED
  const cells: string[] = []; // the open table cells, innermost last
  const rows: string[][] = []; // the cells of each open row
  const emit = (text: string) => {
    if (cells.length) cells[cells.length - 1] += text;
    else writer.text(text);
    if (!headingTitle && (paragraph.style?.heading ?? 9) <= 1) paragraph.text += text;
  };

  await parsePart(zip, main, {
    onopentag(name, attrs) {
      if (SKIPPED.has(name) || skipped) return void skipped++;
      switch (name) {
        case "w:p":
          if (paragraph.depth++ === 0) {
            paragraph = { depth: 1, text: "" };
          }
          break;
        case "w:pStyle":
          if (paragraph.depth === 1) paragraph.style = styles.get(attrs["w:val"]);
          break;
        case "w:numPr":
          inNumPr = paragraph.depth === 1 && !inRun;
          break;
        case "w:numId":
          if (inNumPr) paragraph.numId = attrs["w:val"];
          break;
        case "w:ilvl":
          if (inNumPr) paragraph.level = Number(attrs["w:val"]) || 0;
          break;
        case "w:pageBreakBefore":
          if (paragraph.depth === 1 && !/^(0|false|off)$/.test(attrs["w:val"] ?? "")) {
            writer.pageBreak("soft");
          }
          break;
        case "w:r":
          inRun++;
          break;
        case "w:t":
          inText = inRun > 0;
          break;
        case "w:tab":
          if (inRun) emit("\t");
          break;
        case "w:br":
          if (!inRun) break;
          if (attrs["w:type"] === "page") writer.pageBreak("hard");
          else emit(attrs["w:type"] === "column" ? " " : "\n");
          break;
        case "w:cr":
          if (inRun) emit("\n");
          break;
        case "w:noBreakHyphen":
          if (inRun) emit("-");
          break;
        case "w:lastRenderedPageBreak":
          writer.pageBreak("soft");
          break;
        case "w:footnoteReference":
        case "w:endnoteReference": {
          const kind = name === "w:footnoteReference" ? "f" : "e";
          const key = `${kind}${attrs["w:id"]}`;
          // once, at its first reference: a note cited a thousand times is not text a thousand times
          if (notes.has(key)) writer.note(notes.get(key)!);
          notes.delete(key);
          break;
        }
        case "w:tr":
          rows.push([]);
          break;
        case "w:tc":
          cells.push("");
          break;
      }
    },
    ontext(text) {
      if (inText && !skipped) emit(text);
    },
    onclosetag(name) {
      if (skipped) return void skipped--;
      switch (name) {
        case "w:t":
          inText = false;
          break;
        case "w:numPr":
          inNumPr = false;
          break;
        case "w:r":
          inRun--;
          break;
        case "w:p": {
          if (--paragraph.depth > 0) return emit(" "); // a text box's paragraph inside a paragraph
          if (cells.length) return void (cells[cells.length - 1] += " ");
          const numId = paragraph.numId ?? paragraph.style?.numId;
          const heading = paragraph.style?.heading;
          if (heading !== undefined && heading <= 1 && !headingTitle) {
            headingTitle = paragraph.text.trim() || undefined;
          }
          if (numId && numId !== "0" && heading === undefined) {
            const level = paragraph.level ?? paragraph.style?.level ?? 0;
            writer.end("item", numbering.next(numId, level));
          } else writer.end("paragraph");
          break;
        }
        case "w:tc": {
          const cell = (cells.pop() ?? "").replace(/\s+/g, " ").trim();
          rows[rows.length - 1]?.push(cell);
          break;
        }
        case "w:tr": {
          const row = (rows.pop() ?? []).join(" | ");
          if (cells.length) cells[cells.length - 1] += ` ${row} `; // a table inside a cell
          else {
            writer.text(row);
            writer.end("row");
          }
          break;
        }
      }
    },
  });
  return {
    pages: writer.finish(),
    title: await coreTitle(zip, "docProps/core.xml") ?? headingTitle,
  };
}

/** Paragraph styles that make a heading or a list item, by id (ids are localized, names not). */
async function readStyles(zip: ZipArchive, part: string): Promise<Map<string, StyleInfo>> {
  const styles = new Map<string, StyleInfo>();
  if (!zip.has(part)) return styles;
  let current: StyleInfo | undefined;
  await parsePart(zip, part, {
    onopentag(name, attrs) {
      if (name === "w:style") {
        current = attrs["w:type"] === "paragraph" && attrs["w:styleId"] ? {} : undefined;
        if (current) styles.set(attrs["w:styleId"], current);
      } else if (!current) return;
      else if (name === "w:name") {
        const val = (attrs["w:val"] ?? "").toLowerCase();
        const heading = val.match(/^heading (\d)$/);
        if (heading) current.heading = Number(heading[1]);
        else if (val === "title") current.heading = 0;
      } else if (name === "w:outlineLvl" && current.heading === undefined) {
        const level = Number(attrs["w:val"]);
        if (level >= 0 && level < 9) current.heading = level + 1;
      } else if (name === "w:numId") current.numId = attrs["w:val"];
      else if (name === "w:ilvl") current.level = Number(attrs["w:val"]) || 0;
    },
    onclosetag(name) {
      if (name === "w:style") current = undefined;
    },
  });
  return styles;
}

/** Footnote or endnote text by `<prefix><id>`; Word's separator notes are skipped. */
async function readNotes(
  zip: ZipArchive,
  part: string,
  prefix: string,
): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  if (!zip.has(part)) return notes;
  let id: string | undefined;
  let text = "";
  let inText = false;
  await parsePart(zip, part, {
    onopentag(name, attrs) {
      if (name === "w:footnote" || name === "w:endnote") {
        id = attrs["w:type"] && attrs["w:type"] !== "normal" ? undefined : attrs["w:id"];
        text = "";
      } else if (name === "w:t") inText = true;
      else if (name === "w:p" && text) text += " ";
    },
    ontext(data) {
      if (inText && id !== undefined) text += data;
    },
    onclosetag(name) {
      if (name === "w:t") inText = false;
      else if ((name === "w:footnote" || name === "w:endnote") && id !== undefined) {
        notes.set(`${prefix}${id}`, text.replace(/\s+/g, " ").trim());
        id = undefined;
      }
    },
  });
  return notes;
}

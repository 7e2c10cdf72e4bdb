/**
 * Text of a PowerPoint deck (PPTX): one page per slide, in the order the presentation lists
 * them (`p:sldIdLst` through its relationships; file names say nothing about order), so a
 * citation's page is the slide's number. Each slide's paragraphs in shape order, tables as
 * "cell | cell" lines, then its speaker notes. Slide numbers, dates and footers are skipped.
 */
import type { ZipArchive } from "../zip.ts";
import { type OfficeText, PageWriter } from "./pages.ts";
import { contentTypes, coreTitle, parsePart, relationships } from "./xml.ts";

export const PRESENTATION_TYPES = [
  "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
  "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
  "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
  "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml",
  "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml",
];

/** Placeholders whose text is furniture, not content (and the notes page's slide picture). */
const FURNITURE = new Set(["sldNum", "dt", "ftr", "hdr", "sldImg"]);

export async function readPptx(zip: ZipArchive): Promise<OfficeText> {
  const types = await contentTypes(zip);
  const main = [...types].find(([, type]) => PRESENTATION_TYPES.includes(type))?.[0] ??
    "ppt/presentation.xml";
  const rels = await relationships(zip, main);
  const slideIds: string[] = [];
  await parsePart(zip, main, {
    onopentag(name, attrs) {
      if (name === "p:sldId" && attrs["r:id"]) slideIds.push(attrs["r:id"]);
    },
  });
  const writer = new PageWriter();
  let firstTitle: string | undefined;
  for (const [i, id] of slideIds.entries()) {
    if (i > 0) writer.pageBreak("hard");
    const slide = rels.get(id)?.target;
    if (!slide || !zip.has(slide)) continue;
    const title = await shapesText(zip, slide, writer);
    firstTitle ??= title;
    const notes = [...(await relationships(zip, slide)).values()]
      .find((r) => r.type.endsWith("/notesSlide"))?.target;
    if (notes && zip.has(notes)) await shapesText(zip, notes, writer);
  }
  return { pages: writer.finish(), title: await coreTitle(zip, "docProps/core.xml") ?? firstTitle };
}

/** Writes a slide's (or notes page's) text; returns its title placeholder's text. */
async function shapesText(
  zip: ZipArchive,
  part: string,
  writer: PageWriter,
): Promise<string | undefined> {
  let title: string | undefined;
  let shape = { depth: 0, skip: false, title: false, text: "" };
  let inText = false;
  const cells: string[] = [];
  const rows: string[][] = [];
  const emit = (text: string) => {
    if (shape.skip) return;
    if (cells.length) cells[cells.length - 1] += text;
    else writer.text(text);
    if (shape.title) shape.text += text;
  };
  await parsePart(zip, part, {
    onopentag(name, attrs) {
      if (name === "p:sp" && shape.depth++ === 0) {
        shape = { depth: 1, skip: false, title: false, text: "" };
      } else if (name === "p:ph" && shape.depth) {
        shape.skip = FURNITURE.has(attrs.type);
        shape.title = attrs.type === "title" || attrs.type === "ctrTitle";
      } else if (name === "a:t") inText = true;
      else if (name === "a:br") emit("\n");
      else if (name === "a:tr") rows.push([]);
      else if (name === "a:tc") cells.push("");
    },
    ontext(text) {
      if (inText) emit(text);
    },
    onclosetag(name) {
      if (name === "a:t") inText = false;
      else if (name === "a:p") {
        if (cells.length) cells[cells.length - 1] += " ";
        else if (!shape.skip) writer.end("paragraph");
      } else if (name === "a:tc") {
        rows[rows.length - 1]?.push((cells.pop() ?? "").replace(/\s+/g, " ").trim());
      } else if (name === "a:tr") {
        writer.text((rows.pop() ?? []).join(" | "));
        writer.end("row");
      } else if (name === "p:sp" && --shape.depth === 0 && shape.title && !title) {
        title = shape.text.trim() || undefined;
      }
    },
  });
  return title;
}

/**
 * Text of an OpenDocument text file (ODT, content.xml): headings and paragraphs in order,
 * list items, table rows as "cell | cell" lines, footnotes at the end of the page that cites
 * them. Pages are approximate: LibreOffice records where its last layout started each page
 * (`text:soft-page-break`); a paragraph style with a page break before it starts one too.
 * Tracked deletions and comments are not text of the document.
 */
import type { ZipArchive } from "../zip.ts";
import { type OfficeText, PageWriter } from "./pages.ts";
import { coreTitle, parsePart } from "./xml.ts";

/** Elements whose text is not the document's (a ruby annotation would split its word). */
const SKIPPED = new Set([
  "text:tracked-changes",
  "office:annotation",
  "text:note-citation",
  "text:ruby-text",
  "svg:title",
  "svg:desc",
]);

export async function readOdt(zip: ZipArchive): Promise<OfficeText> {
  const writer = new PageWriter();
  const breaksBefore = new Set<string>(); // automatic styles that start a page
  let styleName: string | undefined;
  let inBody = false;
  let skipped = 0;
  let paragraphs = 0; // open text:p / text:h (a text box's paragraph nests in another)
  let lists = 0;
  let note: string | undefined; // the footnote being read
  let heading: { text: string } | undefined;
  let headingTitle: string | undefined;
  const cells: string[] = [];
  const rows: string[][] = [];
  const emit = (text: string) => {
    if (skipped || !inBody) return;
    if (note !== undefined) note += text;
    else if (cells.length) cells[cells.length - 1] += text;
    else writer.text(text);
    if (heading) heading.text += text;
  };

  await parsePart(zip, "content.xml", {
    onopentag(name, attrs) {
      if (SKIPPED.has(name) || skipped) return void skipped++;
      switch (name) {
        case "style:style":
          styleName = attrs["style:name"];
          break;
        case "style:paragraph-properties":
          if (styleName && attrs["fo:break-before"] === "page") breaksBefore.add(styleName);
          break;
        case "office:body":
          inBody = true;
          break;
        case "text:h":
        case "text:p":
          if (paragraphs++ === 0 && breaksBefore.has(attrs["text:style-name"])) {
            if (!cells.length && note === undefined) writer.pageBreak("soft");
          }
          if (name === "text:h" && attrs["text:outline-level"] === "1" && !headingTitle) {
            heading = { text: "" };
          }
          break;
        case "text:s": // runs of spaces collapse anyway; text:c="1000000" must not cost a MB
          emit(" ");
          break;
        case "text:tab":
          emit("\t");
          break;
        case "text:line-break":
          emit("\n");
          break;
        case "text:soft-page-break":
          if (inBody && !cells.length && note === undefined) writer.pageBreak("soft");
          break;
        case "text:list":
          lists++;
          break;
        case "text:note-body":
          note = "";
          break;
        case "table:table-row":
          rows.push([]);
          break;
        case "table:table-cell":
          cells.push("");
          break;
      }
    },
    ontext(text) {
      emit(text);
    },
    onclosetag(name) {
      if (skipped) return void skipped--;
      switch (name) {
        case "text:h":
        case "text:p":
          if (--paragraphs > 0 || note !== undefined) emit(" ");
          else if (cells.length) cells[cells.length - 1] += " ";
          else writer.end(lists ? "item" : "paragraph");
          if (name === "text:h" && heading && paragraphs === 0) {
            headingTitle = heading.text.trim() || undefined;
            heading = undefined;
          }
          break;
        case "text:list":
          lists--;
          break;
        case "text:note-body":
          writer.note(note ?? "");
          note = undefined;
          break;
        case "table:table-cell":
          rows[rows.length - 1]?.push((cells.pop() ?? "").replace(/\s+/g, " ").trim());
          break;
        case "table:table-row": {
          const row = (rows.pop() ?? []).join(" | ");
          if (cells.length) cells[cells.length - 1] += ` ${row} `;
          else {
            writer.text(row);
            writer.end("row");
          }
          break;
        }
      }
    },
  });
  return { pages: writer.finish(), title: await coreTitle(zip, "meta.xml") ?? headingTitle };
}

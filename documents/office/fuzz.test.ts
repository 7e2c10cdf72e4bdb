/**
 * Random, badly nested XML from each reader's own vocabulary (tables closed before they open,
 * breaks inside cells, notes cited everywhere, skipped elements never closed): the readers
 * must return pages, never throw, and never write more text than the XML they read.
 */
import assert from "node:assert/strict";
import { zipOf } from "../../tests/support/zip.ts";
import { readOffice } from "./index.ts";
import type { OfficeKind } from "./index.ts";

const ROUNDS = 300;

/** Tags one after the other: "<a><b/>" → ["<a>", "<b/>"]. */
const tags = (xml: string): string[] => xml.match(/<[^<>]*>/g) ?? [];

const VOCABULARY: Record<OfficeKind, string[]> = {
  docx: tags(
    "<w:p></w:p><w:r></w:r><w:t></w:t><w:tbl></w:tbl><w:tr></w:tr><w:tc></w:tc><w:br/><w:tab/>" +
      '<w:br w:type="page"/><w:lastRenderedPageBreak/><w:footnoteReference w:id="1"/>' +
      "<mc:Fallback></mc:Fallback><w:moveFrom></w:moveFrom><w:pPr></w:pPr><w:rt></w:rt>" +
      '<w:pStyle w:val="H"/><w:pageBreakBefore/><w:numPr></w:numPr><w:numId w:val="1"/>' +
      '<w:ilvl w:val="1"/>',
  ),
  pptx: tags(
    '<p:sp></p:sp><p:ph type="title"/><p:ph type="sldNum"/><a:p></a:p><a:t></a:t><a:br/>' +
      "<a:tr></a:tr><a:tc></a:tc>",
  ),
  odt: tags(
    '<office:body><text:p></text:p><text:h text:outline-level="1"></text:h><text:tab/>' +
      '<text:s text:c="99999"/><text:line-break/><text:soft-page-break/><text:list></text:list>' +
      "<text:note-body></text:note-body><table:table-row></table:table-row><table:table-cell>" +
      "</table:table-cell><office:annotation></office:annotation>" +
      '<style:style style:name="B"><style:paragraph-properties fo:break-before="page"/>' +
      '<text:p text:style-name="B">',
  ),
};

const WORDS = ["uno", " dos ", "三", "&amp;", "&#x4E2D;", "\n", "  "];

function xorshift(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function randomXml(kind: OfficeKind, random: () => number): string {
  const words = VOCABULARY[kind];
  let xml = "";
  for (let n = Math.floor(random() * 200); n > 0; n--) {
    const pool = random() < 0.7 ? words : WORDS;
    xml += pool[Math.floor(random() * pool.length)];
  }
  return xml;
}

const TYPES = "application/vnd.openxmlformats-officedocument";
/** Longer than its reference: written at each citation, it would outgrow the XML. */
const NOTE = "nota ".repeat(40).trim();

function archive(kind: OfficeKind, xml: string, random: () => number): Uint8Array {
  if (kind === "odt") {
    return zipOf([
      { name: "mimetype", data: "application/vnd.oasis.opendocument.text", method: 0 },
      { name: "content.xml", data: xml },
    ]);
  }
  if (kind === "docx") {
    const main = `${TYPES}.wordprocessingml.document.main+xml`;
    return zipOf([
      {
        name: "[Content_Types].xml",
        data: `<Types><Override PartName="/word/document.xml" ContentType="${main}"/></Types>`,
      },
      {
        name: "word/footnotes.xml",
        data: `<w:footnotes><w:footnote w:id="1"><w:p><w:r><w:t>${NOTE}</w:t></w:r></w:p>` +
          "</w:footnote></w:footnotes>",
      },
      {
        // a marker format far longer than any real one
        name: "word/numbering.xml",
        data: '<w:numbering><w:abstractNum w:abstractNumId="0">' +
          [0, 1].map((at) =>
            `<w:lvl w:ilvl="${at}"><w:lvlText w:val="${"%1.".repeat(99)}"/></w:lvl>`
          )
            .join("") +
          '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>',
      },
      { name: "word/document.xml", data: xml },
    ]);
  }
  const main = `${TYPES}.presentationml.presentation.main+xml`;
  const rel = (id: string, target: string, type = "slide") =>
    `<Relationship Id="${id}" Type="x/${type}" Target="${target}"/>`;
  // the same slide listed many times, a missing one, and the slide's notes are random too
  const ids = Array.from(
    { length: 1 + Math.floor(random() * 5) },
    () => `r${random() < 0.8 ? 1 : 2}`,
  );
  return zipOf([
    {
      name: "[Content_Types].xml",
      data: `<Types><Override PartName="/ppt/presentation.xml" ContentType="${main}"/></Types>`,
    },
    {
      name: "ppt/presentation.xml",
      data: `<p:presentation><p:sldIdLst>${
        ids.map((id) => `<p:sldId r:id="${id}"/>`).join("")
      }</p:sldIdLst></p:presentation>`,
    },
    {
      name: "ppt/_rels/presentation.xml.rels",
      data: `<Relationships>${rel("r1", "slides/s1.xml")}${
        rel("r2", "../../x.xml")
      }</Relationships>`,
    },
    { name: "ppt/slides/s1.xml", data: xml },
    {
      name: "ppt/slides/_rels/s1.xml.rels",
      data: `<Relationships>${rel("n", "../notes/n1.xml", "notesSlide")}</Relationships>`,
    },
    { name: "ppt/notes/n1.xml", data: randomXml("pptx", random) },
  ]);
}

for (const kind of ["docx", "pptx", "odt"] as const) {
  Deno.test(`${kind}: random badly nested XML gives pages, never an error or more text`, async () => {
    const random = xorshift(0x9e3779b9);
    for (let round = 0; round < ROUNDS; round++) {
      const xml = randomXml(kind, random);
      const bytes = archive(kind, xml, random);
      const { pages } = await readOffice(kind, bytes);
      assert.ok(pages.length >= 1);
      const written = pages.reduce((n, page) => n + page.length, 0);
      // slides may repeat (each read again, within the budget); a note is written once
      const read = kind === "pptx" ? bytes.length * 8 : xml.length + NOTE.length + 2;
      assert.ok(written <= read, `round ${round}: ${written} characters from ${xml.length}`);
    }
  });
}

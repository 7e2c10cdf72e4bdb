import assert from "node:assert/strict";
import { zipOf } from "../../tests/support/zip.ts";
import { detectKind } from "../detect.ts";
import { ExtractionError } from "../extract.ts";
import { readOffice } from "./index.ts";

const FIXTURES = new URL("../../tests/fixtures/office/", import.meta.url);
const fixture = (name: string) => Deno.readFile(new URL(name, FIXTURES));

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const WORD_MAIN =
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

/** A DOCX with what Word writes and python-docx cannot: rendered breaks, notes, a text box. */
function wordFile(body: string): Uint8Array {
  return zipOf([
    {
      name: "[Content_Types].xml",
      data: `<Types><Override PartName="/word/document.xml" ContentType="${WORD_MAIN}"/></Types>`,
    },
    {
      name: "word/styles.xml",
      // a Spanish Word names its styles' ids in Spanish; the names stay English
      data: `<w:styles ${W}><w:style w:type="paragraph" w:styleId="Ttulo1">
        <w:name w:val="heading 1"/></w:style></w:styles>`,
    },
    {
      name: "word/footnotes.xml",
      data: `<w:footnotes ${W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:t>___</w:t>
        </w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Véase el reglamento.</w:t>
        </w:r></w:p></w:footnote></w:footnotes>`,
    },
    { name: "word/document.xml", data: `<w:document ${W}><w:body>${body}</w:body></w:document>` },
  ]);
}

const p = (text: string, extra = "") => `<w:p>${extra}<w:r><w:t>${text}</w:t></w:r></w:p>`;

Deno.test("DOCX: headings, a list, a table, breaks and a hard page break, in order", async () => {
  const bytes = await fixture("manual.docx");
  assert.equal(await detectKind(bytes, "application/octet-stream", "upload.bin"), "docx");
  const { pages, title } = await readOffice("docx", bytes);
  assert.equal(title, "Manual de la biblioteca");
  assert.equal(pages.length, 2);
  assert.match(pages[0], /^Manual de la biblioteca\n\nPréstamos\n\nLos socios pueden renovar/);
  assert.match(pages[0], /\n\n- Libros: tres semanas\n- Revistas: una semana\n/);
  assert.match(pages[0], /\n1\. Para renovar, entre en su cuenta\.\n2\. Pulse «Renovar»/);
  assert.match(pages[0], /Material \| Plazo\nLibro \| 21 días\nDVD \| 7 días/);
  assert.match(pages[0], /Columna A Columna B\nSegunda línea$/);
  assert.match(pages[1], /^Horario\n\nLa sala de lectura abre/);
  assert.match(pages[1], /图书馆星期日闭馆/);
});

Deno.test("DOCX: Word's rendered page breaks, notes on their page, no duplicated text box", async () => {
  const body = [
    p("Capítulo uno", '<w:pPr><w:pStyle w:val="Ttulo1"/></w:pPr>'),
    `<w:p><w:r><w:t xml:space="preserve">Una frase larga </w:t></w:r><w:r>
      <w:lastRenderedPageBreak/><w:t>sigue en la página dos.</w:t>
      <w:footnoteReference w:id="1"/><w:footnoteReference w:id="1"/></w:r></w:p>`,
    `<w:p><w:r><w:br w:type="page"/></w:r></w:p>`,
    // Word marks the page the explicit break started as rendered too: one page, not two
    `<w:p><w:r><w:lastRenderedPageBreak/><w:t>Página tres</w:t></w:r>
      <w:del><w:r><w:delText>borrado</w:delText></w:r></w:del></w:p>`,
    `<w:p><w:r><mc:AlternateContent xmlns:mc="m"><mc:Choice><w:txbxContent>${p("Caja")}
      </w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent>${p("Caja")}</w:txbxContent>
      </mc:Fallback></mc:AlternateContent></w:r></w:p>`,
    `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="100"/></w:tabs></w:pPr>${p("fin")}</w:p>`,
    `<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:lastRenderedPageBreak/><w:t>Cuatro</w:t>
      </w:r><w:moveFrom><w:r><w:t>movido</w:t></w:r></w:moveFrom></w:p>`,
    `<w:p><w:r><w:ruby><w:rt><w:r><w:t>かんじ</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>漢字</w:t>
      </w:r></w:rubyBase></w:ruby></w:r><w:r><w:t>です。</w:t></w:r></w:p>`,
  ].join("");
  const { pages, title } = await readOffice("docx", wordFile(body));
  assert.equal(title, "Capítulo uno");
  assert.deepEqual(pages, [
    "Capítulo uno\n\nUna frase larga",
    "sigue en la página dos.\n\nVéase el reglamento.",
    "Página tres\n\nCaja\n\nfin",
    "Cuatro\n\n漢字です。",
  ]);
});

Deno.test("DOCX: list numbers counted per level, continued across lists of one definition", async () => {
  const level = (at: number, format: string, text: string, start = 1) =>
    `<w:lvl w:ilvl="${at}"><w:start w:val="${start}"/><w:numFmt w:val="${format}"/>` +
    `<w:lvlText w:val="${text}"/></w:lvl>`;
  const numbering = `<w:numbering ${W}><w:abstractNum w:abstractNumId="0">${
    level(0, "decimal", "%1.") + level(1, "lowerLetter", "%1.%2)") +
    level(2, "upperRoman", "%3.", 4)
  }</w:abstractNum><w:abstractNum w:abstractNumId="1">${level(0, "bullet", "\uf0b7")}
    </w:abstractNum><w:abstractNum w:abstractNumId="2">${level(0, "decimal", "%1.".repeat(99))}
    </w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>
    <w:num w:numId="6"><w:abstractNumId w:val="0"/></w:num>
    <w:num w:numId="7"><w:abstractNumId w:val="1"/></w:num>
    <w:num w:numId="8"><w:abstractNumId w:val="2"/></w:num></w:numbering>`;
  const item = (text: string, numId: number, ilvl = 0) =>
    p(
      text,
      `<w:pPr><w:numPr><w:ilvl w:val="${ilvl}"/><w:numId w:val="${numId}"/></w:numPr></w:pPr>`,
    );
  const body = [
    item("A", 5),
    item("B", 5, 1),
    item("C", 5, 1),
    item("D", 6),
    item("E", 5, 1),
    item("F", 5, 2),
    item("G", 7),
    item("H", 0),
    item("I", 8), // a marker format far longer than any real one is cut
  ].join("");
  const zip = zipOf([
    {
      name: "[Content_Types].xml",
      data: `<Types><Override PartName="/word/document.xml" ContentType="${WORD_MAIN}"/></Types>`,
    },
    { name: "word/numbering.xml", data: numbering },
    { name: "word/document.xml", data: `<w:document ${W}><w:body>${body}</w:body></w:document>` },
  ]);
  const { pages } = await readOffice("docx", zip);
  assert.equal(
    pages[0],
    "1. A\n1.a) B\n1.b) C\n2. D\n2.a) E\nIV. F\n- G\n\nH\n\n1.1.1.1.1.1.1.1. I",
  );
});

Deno.test("PPTX: one page per slide in presentation order, with tables and notes", async () => {
  const bytes = await fixture("slides.pptx");
  assert.equal(await detectKind(bytes, "application/zip", "deck.zip"), "pptx");
  const { pages } = await readOffice("pptx", bytes);
  assert.equal(pages.length, 2);
  // slide2.xml is listed first in ppt/presentation.xml
  assert.match(pages[0], /^読書会\n\n次の本は川端康成の「雪国」です。/);
  assert.match(pages[0], /Mes \| Libro\nEnero \| Rayuela/);
  assert.match(pages[0], /El próximo libro es País de nieve\.$/);
  assert.match(pages[1], /^Bienvenida\n\nEl club de lectura se reúne cada jueves/);
  assert.match(pages[1], /traigan su carné\.$/);
});

Deno.test("ODT: headings, a list, a table and LibreOffice's soft page break", async () => {
  const bytes = await fixture("notes.odt");
  assert.equal(await detectKind(bytes, "", "notes.txt"), "odt");
  const { pages, title } = await readOffice("odt", bytes);
  assert.equal(title, "Notas del taller");
  assert.equal(pages.length, 2);
  assert.match(
    pages[0],
    /^Taller de encuadernación\n\nEl taller enseña a coser cuadernillos a mano\./,
  );
  assert.match(pages[0], /- Aguja curva\n- Hilo encerado/);
  assert.match(pages[0], /Material \| Precio\nCartón \| 3 €/);
  assert.match(pages[1], /^La cola de encuadernar se seca en veinte minutos\.\n\n製本/);
});

Deno.test("ZIPs that are not DOCX, PPTX or ODT get a 415 naming what they are", async () => {
  const cases: [Uint8Array, RegExp][] = [
    [zipOf([{ name: "readme.txt", data: "hola" }]), /a ZIP archive, not a Word/],
    // a PDF header within the first KiB does not make a ZIP a PDF
    [zipOf([{ name: "a.pdf", data: "%PDF-1.4 ...", method: 0 }]), /a ZIP archive, not a Word/],
    [
      zipOf([{
        name: "[Content_Types].xml",
        data: '<Types><Override PartName="/xl/workbook.xml" ContentType="application/' +
          'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
      }]),
      /an Excel workbook \(XLSX\)/,
    ],
    [
      zipOf([{ name: "mimetype", data: "application/vnd.oasis.opendocument.spreadsheet" }]),
      /an OpenDocument spreadsheet \(ODS\)/,
    ],
  ];
  for (const [bytes, message] of cases) {
    await assert.rejects(detectKind(bytes, "", "report.docx"), (e: Error & { status?: number }) => {
      assert.equal(e.status, 415);
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("legacy and password-protected Office files are told apart", async () => {
  const ole = (extra: string) =>
    new Uint8Array([
      0xd0,
      0xcf,
      0x11,
      0xe0,
      0xa1,
      0xb1,
      0x1a,
      0xe1,
      ...[...extra].flatMap((c) => [c.charCodeAt(0), 0]),
    ]);
  await assert.rejects(detectKind(ole("EncryptedPackage"), "", "a.docx"), {
    status: 415,
    message: /password-protected Office document/,
  });
  await assert.rejects(detectKind(ole("WordDocument"), "", "a.doc"), {
    status: 415,
    message: /legacy Office document/,
  });
});

Deno.test("a damaged or bombed Office file fails with an archive code, not a crash", async () => {
  const bytes = await fixture("manual.docx");
  await assert.rejects(detectKind(bytes.slice(0, 2000), "", "a.docx"), { status: 422 });
  const manifestBomb = zipOf([{ name: "[Content_Types].xml", data: new Uint8Array(8 << 20) }]);
  await assert.rejects(detectKind(manifestBomb, "", "a.docx"), { status: 413 });
  // a document.xml of 40 MiB of text: the manifest passes, reading stops at the budget
  const huge = zipOf([
    {
      name: "[Content_Types].xml",
      data: `<Types><Override PartName="/word/document.xml" ContentType="${WORD_MAIN}"/></Types>`,
    },
    { name: "word/document.xml", data: `<w:t>${"a".repeat(40 * 1024 * 1024)}</w:t>` },
  ]);
  assert.equal(await detectKind(huge, "", "a.docx"), "docx");
  await assert.rejects(readOffice("docx", huge), (e: Error) => {
    assert.ok(e instanceof ExtractionError);
    assert.equal(e.code, "archive_too_large");
    return true;
  });
});

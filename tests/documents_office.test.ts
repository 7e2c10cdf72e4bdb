/**
 * Office uploads over real HTTP: a DOCX, a PPTX and an ODT (tests/fixtures/office, written by
 * make.py there) are detected by their bytes, ingested, and found by search on the right page
 * or slide; a zip bomb and other ZIPs are refused with codes while the server lives on.
 */
import assert from "node:assert/strict";
import { zipOf } from "./support/zip.ts";
import { call, search, settle, uploadFile } from "./support/api.ts";
import { startServer } from "./support/server.ts";

const FIXTURES = new URL("./fixtures/office/", import.meta.url).pathname;
const WORD_MAIN =
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

function memory(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))![1]) * 1024;
}

async function tempFile(bytes: Uint8Array, suffix: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix });
  await Deno.writeFile(path, bytes);
  return path;
}

Deno.test("documents: DOCX, PPTX and ODT are ingested and cited by page or slide", async (t) => {
  // small chunks, so a sentence's chunk starts on its own page
  const server = await startServer({
    env: { LIGERO_CHUNKING__TARGET_TOKENS: "16", LIGERO_CHUNKING__OVERLAP_TOKENS: "0" },
  });
  const client = { url: server.url };
  const ingest = async (file: string, options: { name?: string; type?: string } = {}) => {
    const res = await uploadFile(client, `${FIXTURES}${file}`, options);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const doc = await settle(client, res.body.document.id);
    assert.equal(doc.status, "ready", JSON.stringify(doc.error));
    return doc;
  };
  const top = async (query: string, documentId: string) =>
    (await search(client, query, { documentIds: [documentId] }))[0];
  try {
    await t.step("DOCX: pages from Word's page break, found on page 2", async () => {
      // the bytes decide: a misleading name and type change nothing
      const doc = await ingest("manual.docx", { name: "manual.txt", type: "text/plain" });
      assert.equal(
        doc.mime,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      );
      assert.equal(doc.pages, 2);
      assert.equal(doc.language, "es");
      const page2 = await call(client, "GET", `/documents/${doc.id}/pages/2`);
      assert.match(page2.body.text, /^Horario\n\nLa sala de lectura abre/);
      const hit = await top("¿A qué hora abre la sala de lectura?", doc.id);
      assert.match(hit.text, /La sala de lectura abre a las ocho/);
      assert.equal(hit.pageStart, 2);
      const table = await top("plazo de préstamo de un DVD", doc.id);
      assert.match(table.text, /DVD \| 7 días/);
      assert.equal(table.pageStart, 1);
    });

    await t.step("PPTX: a slide is a page, in presentation order, notes included", async () => {
      const doc = await ingest("slides.pptx", { type: "application/octet-stream" });
      assert.equal(doc.pages, 2);
      const hit = await top("¿Cuándo se reúne el club de lectura?", doc.id);
      assert.match(hit.text, /se reúne cada jueves/);
      assert.equal(hit.pageStart, 2);
      const notes = await call(client, "GET", `/documents/${doc.id}/pages/1`);
      assert.match(notes.body.text, /El próximo libro es País de nieve\./);
      assert.match(notes.body.text, /雪国/);
    });

    await t.step("ODT: LibreOffice's page break places the sentence on page 2", async () => {
      const doc = await ingest("notes.odt");
      assert.equal(doc.pages, 2);
      const hit = await top("tiempo de secado de la cola de encuadernar", doc.id);
      assert.match(hit.text, /La cola de encuadernar se seca/);
      assert.equal(hit.pageStart, 2);
    });

    await t.step("a zip bomb posing as a DOCX is 413 archive_too_large", async () => {
      const bomb = zipOf([
        {
          name: "[Content_Types].xml",
          data: `<Types><Override PartName="/word/document.xml" ContentType="${WORD_MAIN}"/>` +
            "</Types>",
        },
        { name: "word/document.xml", data: new Uint8Array(256 * 1024 * 1024), declaredSize: 9 },
      ]);
      assert.ok(bomb.length < 300 * 1024);
      const path = await tempFile(bomb, ".docx");
      Deno.writeTextFileSync(`/proc/${server.pid}/clear_refs`, "5"); // resets VmHWM
      const before = memory(server.pid, "VmRSS");
      const res = await uploadFile(client, path);
      assert.equal(res.status, 413, JSON.stringify(res.body));
      assert.equal(res.body.error.code, "archive_too_large");
      // the reader stops at the 32 MiB entry budget: the peak grows by about that, not 256 MiB
      const growth = memory(server.pid, "VmHWM") - before;
      console.log(`zip bomb: peak RSS +${(growth / 1024 / 1024).toFixed(1)} MiB`);
      assert.ok(growth < 64 * 1024 * 1024, `peak RSS grew by ${growth / 1024 / 1024} MiB`);
    });

    await t.step("other ZIPs are 415 naming what they are; a damaged one is 422", async () => {
      const xlsx = zipOf([{
        name: "[Content_Types].xml",
        data: '<Types><Override PartName="/xl/workbook.xml" ContentType="application/' +
          'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
      }]);
      const res = await uploadFile(client, await tempFile(xlsx, ".xlsx"));
      assert.equal(res.status, 415);
      assert.equal(res.body.error.code, "unsupported_media_type");
      assert.match(res.body.error.message, /Excel workbook/);
      const docx = await Deno.readFile(`${FIXTURES}manual.docx`);
      const cut = await uploadFile(client, await tempFile(docx.slice(0, 4000), ".docx"));
      assert.equal(cut.status, 422);
      assert.equal(cut.body.error.code, "archive_damaged");
    });

    await t.step("the server is healthy after all of it", async () => {
      assert.equal((await call(client, "GET", "/health")).status, 200);
    });
  } finally {
    await server.stop();
  }
});

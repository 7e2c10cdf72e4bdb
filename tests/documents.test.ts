// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { call, CORPUS, search, settle, uploadFile, uploadText } from "./support/api.ts";
import { startServer } from "./support/server.ts";

const MARKDOWN = `# Cuaderno de cocina

## Tortilla

La tortilla de patatas lleva huevos, patatas y aceite de oliva. Se cuaja a fuego lento.

## Gazpacho

El gazpacho es una sopa fría de tomate, pepino y pimiento.`;

const HTML = `<html><head><title>Release notes</title><style>p{color:red}</style></head>
<body><h1>Version 2</h1><p>The scheduler now supports <b>cron</b> expressions.</p>
<script>alert("not text")</script><p>Backups run at midnight &amp; noon.</p></body></html>`;

Deno.test("documents: upload, ingest, read, search, delete over real HTTP", async (t) => {
  const server = await startServer();
  const client = { url: server.url };
  try {
    await t.step("JSON text upload is queued (202) and becomes ready", async () => {
      const res = await uploadText(client, "Notes", "The quick brown fox jumps over the lazy dog.");
      assert.equal(res.status, 202);
      assert.equal(res.body.duplicate, false);
      assert.equal(res.body.document.status, "queued");
      const doc = await settle(client, res.body.document.id);
      assert.equal(doc.status, "ready", JSON.stringify(doc.error));
      assert.equal(doc.pages, 1);
      assert.ok(doc.chunks >= 1);
    });

    await t.step("Markdown and HTML are read by their parsers", async () => {
      const md = await settle(
        client,
        (await uploadText(client, "Cocina", MARKDOWN, "markdown")).body.document.id,
      );
      assert.equal(md.status, "ready");
      assert.equal(md.language, "es");
      const page = await call(client, "GET", `/documents/${md.id}/pages/1`);
      assert.match(page.body.text, /tortilla de patatas lleva huevos/);
      assert.doesNotMatch(page.body.text, /##/);

      const html = await settle(
        client,
        (await uploadText(client, "Notes", HTML, "html")).body.document.id,
      );
      const text = (await call(client, "GET", `/documents/${html.id}/pages/1`)).body.text;
      assert.match(text, /Backups run at midnight & noon\./);
      assert.doesNotMatch(text, /alert|color:red|<p>/);
    });

    let pdfId = "";
    await t.step("a PDF is ingested with its page count", async () => {
      const res = await uploadFile(client, `${CORPUS}llncsdoc.pdf`);
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal(res.body.document.title, "llncsdoc");
      const doc = await settle(client, res.body.document.id);
      assert.equal(doc.status, "ready", JSON.stringify(doc.error));
      assert.equal(doc.pages, 7);
      assert.equal(doc.language, "en");
      pdfId = doc.id;
      const page = await call(client, "GET", `/documents/${pdfId}/pages/2`);
      assert.equal(page.status, 200);
      assert.ok(page.body.text.length > 200);
    });

    await t.step("the same bytes again return the existing document (200, duplicate)", async () => {
      const res = await uploadFile(client, `${CORPUS}llncsdoc.pdf`, { name: "copy.pdf" });
      assert.equal(res.status, 200);
      assert.equal(res.body.duplicate, true);
      assert.equal(res.body.document.id, pdfId);
    });

    await t.step("hybrid search cites the page that answers", async () => {
      const results = await search(client, "gazpacho sopa fría de tomate");
      assert.equal(results[0].title, "Cocina");
      assert.equal(results[0].pageStart, 1);
      assert.match(results[0].snippet, /<mark>/);
      for (const mode of ["vector", "text"]) {
        const hits = await search(client, "tortilla de patatas", { mode });
        assert.equal(hits[0].title, "Cocina", mode);
      }
      const scoped = await search(client, "tortilla", { documentIds: [pdfId] });
      assert.ok(scoped.every((r: any) => r.documentId === pdfId));
    });

    await t.step("list is paged and shows status", async () => {
      const all = await call(client, "GET", "/documents?limit=2&offset=0");
      assert.equal(all.status, 200);
      assert.equal(all.body.documents.length, 2);
      assert.equal(all.body.total, 4);
      const bad = await call(client, "GET", "/documents?limit=100000");
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, "invalid_request");
    });

    await t.step("missing things are 404 with codes", async () => {
      assert.equal(
        (await call(client, "GET", "/documents/nope")).body.error.code,
        "document_not_found",
      );
      const page = await call(client, "GET", `/documents/${pdfId}/pages/99`);
      assert.equal(page.status, 404);
      assert.equal(page.body.error.code, "page_not_found");
      assert.equal((await call(client, "GET", `/documents/${pdfId}/pages/0`)).status, 400);
    });

    await t.step("delete removes the document from reads and search", async () => {
      assert.equal((await call(client, "DELETE", `/documents/${pdfId}`)).status, 204);
      assert.equal((await call(client, "GET", `/documents/${pdfId}`)).status, 404);
      const hits = await search(client, "Springer LNCS author instructions");
      assert.ok(hits.every((r: any) => r.documentId !== pdfId));
      assert.equal((await call(client, "DELETE", `/documents/${pdfId}`)).status, 404);
    });
  } finally {
    await server.stop();
  }
});

Deno.test("documents: bad uploads get precise 4xx codes", async (t) => {
  const server = await startServer({ env: { LIGERO_LIMITS__UPLOAD_BYTES: "300KiB" } });
  const client = { url: server.url };
  try {
    await t.step("a PNG is 415", async () => {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
      const tmp = await Deno.makeTempFile({ suffix: ".png" });
      await Deno.writeFile(tmp, png);
      const res = await uploadFile(client, tmp, { type: "image/png" });
      assert.equal(res.status, 415);
      assert.equal(res.body.error.code, "unsupported_media_type");
    });

    await t.step("a file that says PDF but is not is 415 not_pdf", async () => {
      const tmp = await Deno.makeTempFile({ suffix: ".pdf" });
      await Deno.writeTextFile(tmp, "hello, I am not a PDF");
      const res = await uploadFile(client, tmp);
      assert.equal(res.status, 415);
      assert.equal(res.body.error.code, "not_pdf");
    });

    await t.step("a header-only PDF is damaged beyond recovery (422)", async () => {
      const res = await uploadFile(client, `${CORPUS}invalid-header-only.pdf`);
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.error.code, "pdf_damaged");
    });

    await t.step("a file over the upload limit is 413", async () => {
      const res = await uploadFile(client, `${CORPUS}faq-cervantex-es.pdf`); // 545 KB
      assert.equal(res.status, 413);
      assert.equal(res.body.error.code, "payload_too_large");
    });

    await t.step("a scan without a text layer fails with needs_ocr", async () => {
      const res = await uploadFile(client, `${CORPUS}scan-linn-brochure.pdf`);
      if (res.status === 422) {
        assert.equal(res.body.error.code, "needs_ocr");
      } else {
        assert.equal(res.status, 202);
        const doc = await settle(client, res.body.document.id);
        assert.equal(doc.status, "failed");
        assert.equal(doc.error.code, "needs_ocr");
      }
    });

    await t.step("an empty upload and a malformed form are 400", async () => {
      const empty = await fetch(`${server.url}/documents`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "",
      });
      assert.equal(empty.status, 400);
      assert.equal((await empty.json()).error.code, "empty_document");
      const broken = await fetch(`${server.url}/documents`, {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=xyz" },
        body: '--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated',
      });
      assert.equal(broken.status, 400);
    });

    await t.step("file names never become paths or titles with control characters", async () => {
      const res = await uploadText(client, "x", "y");
      assert.equal(res.status, 202);
      const tmp = await Deno.makeTempFile();
      await Deno.writeTextFile(tmp, "Plain words in a file.");
      const named = await uploadFile(client, tmp, {
        type: "text/plain",
        name: "../../etc/pass\u0007wd.txt",
      });
      assert.equal(named.status, 202);
      assert.equal(named.body.document.title, "passwd");
    });

    await t.step("the server is healthy after all of it", async () => {
      assert.equal((await call(client, "GET", "/health")).status, 200);
    });
  } finally {
    await server.stop();
  }
});

/**
 * Hostile input, route by route: every case gets a precise 4xx JSON error (or is stored
 * safely), and /health answers after each one.
 */
import assert from "node:assert/strict";
import { type Client, CORPUS, settle } from "../support/api.ts";
import { startServer } from "../support/server.ts";
import { flateBombPdf } from "./pdf_bomb.ts";
import { rawRequest } from "./raw_http.ts";

const JSON_ROUTES: [string, string][] = [
  ["POST", "/search"],
  ["POST", "/chat"],
  ["POST", "/v1/embeddings"],
  ["POST", "/v1/chat/completions"],
  ["POST", "/similarity"],
  ["PATCH", "/conversations/any-id"],
];

async function expectError(res: Response, status: number, code: string, what: string) {
  const text = await res.text();
  assert.equal(res.status, status, `${what}: ${text}`);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/, what);
  assert.equal(JSON.parse(text).error.code, code, what);
}

Deno.test("hostile input: each case a precise 4xx, the server healthy after each", async (t) => {
  const server = await startServer({
    env: {
      LIGERO_SERVER__JSON_BODY_LIMIT: "64KiB",
      LIGERO_SERVER__BODY_TIMEOUT_MS: "1000",
      LIGERO_LIMITS__UPLOAD_BYTES: "2MiB",
      // not a memory test (overload.test.ts is): keep the governor out of the way
      LIGERO_MEMORY__CEILING: "1GiB",
    },
  });
  const client: Client = { url: server.url };
  const send = (method: string, path: string, body: BodyInit, headers: HeadersInit = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  const healthy = async (after: string) => {
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200, `unhealthy after ${after}`);
    await res.body?.cancel();
  };
  const step = (name: string, fn: () => Promise<void> | void) =>
    t.step(name, async () => {
      await fn();
      await healthy(name);
    });

  try {
    await step("a 256 KiB header is refused before any route runs", async () => {
      const res = await rawRequest({
        port: server.port,
        head: `GET /documents HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(256 * 1024)}\r\n\r\n`,
      });
      assert.ok(res.status === 400 || res.status === 431, res.head);
      // Deno's own limits (docs/reliability.md, a known limit): 64 KiB of headers or 129
      // fields are refused before the routes; just under that reaches them
      const under = await rawRequest({
        port: server.port,
        head: `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(60 * 1024)}\r\n\r\n`,
      });
      assert.equal(under.status, 200, under.head);
      const fields = Array.from({ length: 128 }, (_, i) => `X-${i}: a\r\n`).join("");
      const many = await rawRequest({
        port: server.port,
        head: `GET /health HTTP/1.1\r\nHost: x\r\n${fields}\r\n`,
      });
      assert.equal(many.status, 400, many.head);
      const health = await fetch(`${server.url}/health`);
      await health.body?.cancel();
      assert.equal(health.status, 200);
    });

    await step("bodies over the JSON limit: 413, with and without Content-Length", async () => {
      const big = JSON.stringify({ query: "x".repeat(100 * 1024) });
      for (const [method, path] of JSON_ROUTES) {
        await expectError(await send(method, path, big), 413, "payload_too_large", path);
        const chunked = new Blob([big]).stream();
        await expectError(await send(method, path, chunked), 413, "payload_too_large", path);
      }
    });

    await step("an upload over its limit: 413", async () => {
      const res = await send("POST", "/documents", new Uint8Array(3 * 1024 * 1024).fill(97), {
        "content-type": "text/plain",
      });
      await expectError(res, 413, "payload_too_large", "upload");
    });

    await step("a body that trickles in gets 408 body_timeout", async () => {
      for (const [path, type] of [["/search", "application/json"], ["/documents", "text/plain"]]) {
        const res = await rawRequest({
          port: server.port,
          head: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\n` +
            "Content-Length: 1000\r\n\r\n",
          pieces: Array(30).fill("a"),
          gapMs: 100,
        });
        assert.equal(res.status, 408, `${path}: ${res.head}`);
        assert.equal(JSON.parse(res.body).error.code, "body_timeout");
      }
    });

    await step("invalid UTF-8 in a JSON body: 400 invalid_utf8", async () => {
      const bytes = new Uint8Array([
        ...new TextEncoder().encode('{"query":"'),
        0xff,
        0xfe,
        0x22,
        0x7d,
      ]);
      for (const [method, path] of JSON_ROUTES) {
        await expectError(await send(method, path, bytes), 400, "invalid_utf8", path);
      }
    });

    await step("deeply nested JSON: 400, no stack overflow", async () => {
      // as deep as fits in the 64 KiB limit
      const arrays = "[".repeat(30_000) + "]".repeat(30_000);
      const objects = `{"query":${'{"a":'.repeat(9000)}1${"}".repeat(9000)}}`;
      for (const [method, path] of JSON_ROUTES) {
        await expectError(await send(method, path, arrays), 400, "invalid_request", path);
        await expectError(await send(method, path, objects), 400, "invalid_request", path);
      }
    });

    await step("absurd k and paging values: 400 invalid_request", async () => {
      for (const k of [0, -1, 1.5, 1e9, 1e308, "5", null]) {
        const res = await send("POST", "/search", JSON.stringify({ query: "a", k }));
        await expectError(res, 400, "invalid_request", `k=${k}`);
      }
      for (const k of [0, 1e9]) {
        const body = JSON.stringify({ query: [1], vectors: [[1]], k });
        await expectError(
          await send("POST", "/similarity", body),
          400,
          "invalid_request",
          `k=${k}`,
        );
      }
      for (const q of ["limit=0", "limit=1e30", "limit=abc", "offset=-1", "offset=1e99"]) {
        for (const list of ["/documents", "/conversations"]) {
          const res = await fetch(`${server.url}${list}?${q}`);
          await expectError(res, 400, "invalid_request", `${list}?${q}`);
        }
      }
      for (const n of ["0", "-3", "1e20", "abc"]) {
        const res = await fetch(`${server.url}/documents/x/pages/${n}`);
        await expectError(res, 400, "invalid_request", `page ${n}`);
      }
    });

    await step("Content-Encoding: gzip bodies are refused, not inflated", async () => {
      const gz = new Blob([JSON.stringify({ query: "a".repeat(1_000_000) })])
        .stream().pipeThrough(new CompressionStream("gzip"));
      const bomb = new Uint8Array(await new Response(gz).arrayBuffer());
      for (const [path, type] of [["/search", "application/json"], ["/documents", "text/plain"]]) {
        const res = await send("POST", path, bomb, {
          "content-type": type,
          "content-encoding": "gzip",
        });
        await expectError(res, 415, "unsupported_content_encoding", path);
      }
    });

    await step("file names with paths and control characters never become paths", async () => {
      const names = [
        "../../../../tmp/ligero-escape.txt",
        "/etc/passwd",
        "C:\\Windows\\..\\evil.txt",
        "a\u0007b\u001b[31mc\u007f.txt",
      ];
      for (const [i, name] of names.entries()) {
        const form = new FormData();
        form.append("file", new File([`Plain words number ${i}.`], name, { type: "text/plain" }));
        const res = await fetch(`${server.url}/documents`, { method: "POST", body: form });
        const body = await res.json();
        assert.equal(res.status, 202, JSON.stringify(body));
        // deno-lint-ignore no-control-regex
        assert.doesNotMatch(body.document.title, /[\/\\\u0000-\u001f]/);
      }
      const stored = [...Deno.readDirSync(`${server.dataDir}/uploads`)].map((e) => e.name);
      assert.ok(stored.every((n) => /^[0-9a-f-]{36}$/.test(n)), stored.join(", "));
      assert.throws(() => Deno.statSync("/tmp/ligero-escape.txt"));
      // NUL and CR LF cannot even reach a file name: the multipart header is refused
      const form = new FormData();
      form.append("file", new File(["words"], "a\u0000b\r\nc.txt", { type: "text/plain" }));
      const res = await fetch(`${server.url}/documents`, { method: "POST", body: form });
      await expectError(res, 400, "invalid_multipart", "NUL in a file name");
    });

    await step("bytes that lie about their type: the bytes decide", async () => {
      const upload = async (bytes: BlobPart, name: string, type: string) => {
        const form = new FormData();
        form.append("file", new File([bytes], name, { type }));
        return await fetch(`${server.url}/documents`, { method: "POST", body: form });
      };
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
      await expectError(
        await upload(png, "report.pdf", "application/pdf"),
        415,
        "unsupported_media_type",
        "png as pdf",
      );
      await expectError(
        await upload("<html>hi</html>", "x.pdf", "application/pdf"),
        415,
        "not_pdf",
        "html as pdf",
      );
      const binary = new Uint8Array([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xff]);
      await expectError(
        await upload(binary, "notes.txt", "text/plain"),
        415,
        "unsupported_media_type",
        "binary as text",
      );
      const gzip = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
      await expectError(
        await upload(gzip, "notes.txt", "text/plain"),
        415,
        "unsupported_media_type",
        "gzip as text",
      );
      const pdf = await Deno.readFile(`${CORPUS}invalid-header-only.pdf`);
      await expectError(
        await upload(pdf, "notes.txt", "text/plain"),
        422,
        "pdf_damaged",
        "pdf as text",
      );
    });

    await step(
      "damaged PDFs: a precise refusal, or accepted and deletable mid-ingest",
      async () => {
        const res = await send(
          "POST",
          "/documents",
          await Deno.readFile(`${CORPUS}invalid-header-only.pdf`),
          {
            "content-type": "application/pdf",
          },
        );
        await expectError(res, 422, "pdf_damaged", "header only");
        for (
          const name of [
            "trunc60-r-lang.pdf",
            "trunc80-camlidl.pdf",
            "damaged-prefix-junk-r-ints.pdf",
          ]
        ) {
          const up = await send("POST", "/documents", await Deno.readFile(`${CORPUS}${name}`), {
            "content-type": "application/pdf",
          });
          const body = await up.json();
          if (up.status === 422) {
            assert.equal(body.error.code, "pdf_damaged", name);
            continue;
          }
          // accepted: documents_corpus.test.ts follows each to the end; here, deleting it
          // mid-ingest must be clean too
          assert.equal(up.status, 202, `${name}: ${JSON.stringify(body)}`);
          const gone = await fetch(`${server.url}/documents/${body.document.id}`, {
            method: "DELETE",
          });
          assert.equal(gone.status, 204, name);
        }
      },
    );

    await step("a PDF Flate bomb (1 MiB inflating to 128 MiB) fails cleanly", async () => {
      const res = await send("POST", "/documents", flateBombPdf(128 * 1024 * 1024), {
        "content-type": "application/pdf",
      });
      const body = await res.json();
      if (res.status !== 202) {
        assert.ok(res.status >= 400 && res.status < 500, JSON.stringify(body));
        return;
      }
      const doc = await settle(client, body.document.id);
      assert.equal(doc.status, "failed", JSON.stringify(doc));
      assert.ok(doc.error.code, JSON.stringify(doc));
    });

    await step("ids that look like paths are just unknown ids", async () => {
      for (const id of ["..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fx", "x%00y"]) {
        const res = await fetch(`${server.url}/documents/${id}`);
        await expectError(res, 404, "document_not_found", id);
        await expectError(
          await fetch(`${server.url}/documents/${id}`, { method: "DELETE" }),
          404,
          "document_not_found",
          id,
        );
      }
    });

    await step("no temp files left behind", () => {
      const left = [...Deno.readDirSync(`${server.dataDir}/uploads`)]
        .filter((e) => e.name.startsWith("incoming-"));
      assert.deepEqual(left, []);
    });
  } finally {
    await server.stop();
  }
});

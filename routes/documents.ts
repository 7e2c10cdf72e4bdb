/**
 * /documents: upload (multipart file, raw bytes, or JSON text), list, read, page text,
 * progress events (SSE), delete.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import * as v from "valibot";
import type { Progress } from "../documents/ingest.ts";
import { type SavedSource, SourceTooLargeError } from "../documents/sources.ts";
import type { DocumentRecord } from "../plugins/store/types.ts";
import type { AppEnv } from "../server/auth.ts";
import { ApiError } from "../server/errors.ts";
import { paging, queryInt, trimmed, validate } from "../server/rules.ts";
import type { Services } from "../server/runtime.ts";
import { limitBody, readJson } from "../server/validate.ts";

const textUpload = v.strictObject({
  title: trimmed(1, 500),
  text: v.pipe(v.string(), v.minLength(1)),
  format: v.optional(v.picklist(["text", "markdown", "html"]), "text"),
});

const FORMAT_TYPE = { text: "text/plain", markdown: "text/markdown", html: "text/html" } as const;

/** How often the events stream reads the store for a job running in another instance. */
const PROGRESS_POLL_MS = 500;

const pageNumber = queryInt(1, 1_000_000);

export function documentRoutes({ config, governor, documents, sources }: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/documents", governor.heavy(), limitBody(config.limits.uploadBytes), async (c) => {
    const user = c.get("user");
    const type = c.req.header("content-type") ?? "";
    let source: SavedSource;
    let declaredType = type;
    let fileName = c.req.header("x-filename") ?? c.req.query("filename") ?? "";
    let title = c.req.query("title");
    try {
      if (/^multipart\/form-data/i.test(type)) {
        const form = await c.req.raw.formData();
        const file = form.get("file");
        if (!(file instanceof File)) {
          throw new ApiError(
            400,
            "invalid_request",
            'send the document in a form field named "file"',
          );
        }
        const formTitle = form.get("title");
        if (typeof formTitle === "string" && formTitle.trim()) title = formTitle.trim();
        fileName = file.name;
        declaredType = file.type;
        source = await sources.receive(file.stream(), config.limits.uploadBytes);
      } else if (/^application\/json/i.test(type)) {
        const body = await readJson(c, textUpload);
        title = body.title;
        declaredType = FORMAT_TYPE[body.format];
        source = await sources.write(new TextEncoder().encode(body.text));
      } else {
        if (!c.req.raw.body) throw new ApiError(400, "invalid_request", "the request has no body");
        source = await sources.receive(c.req.raw.body, config.limits.uploadBytes);
      }
    } catch (e) {
      if (e instanceof SourceTooLargeError) {
        throw new ApiError(413, "payload_too_large", `uploads are limited to ${e.maxBytes} bytes`);
      }
      if (e instanceof TypeError && /form/i.test(e.message)) {
        throw new ApiError(400, "invalid_multipart", `malformed multipart body: ${e.message}`);
      }
      throw e;
    }
    if (source.bytes === 0) {
      await sources.discard(source);
      throw new ApiError(400, "empty_document", "the upload is empty");
    }
    const { document, duplicate } = await documents.upload({
      ownerId: user.id,
      source,
      declaredType,
      fileName,
      title,
    });
    return c.json({ document: present(document), duplicate }, duplicate ? 200 : 202);
  });

  app.get("/documents", async (c) => {
    const { limit, offset } = validate(paging, c.req.query(), "query");
    const page = await documents.list(c.get("user").id, limit, offset);
    return c.json({ documents: page.items.map(present), total: page.total, limit, offset });
  });

  app.get("/documents/:id", async (c) => {
    return c.json({ document: present(await documents.get(c.req.param("id"), c.get("user").id)) });
  });

  app.get("/documents/:id/pages/:n", async (c) => {
    const n = validate(pageNumber, c.req.param("n"), "page number");
    const text = await documents.page(c.req.param("id"), c.get("user").id, n);
    return c.json({ documentId: c.req.param("id"), page: n, text });
  });

  app.get("/documents/:id/events", async (c) => {
    const doc = await documents.get(c.req.param("id"), c.get("user").id);
    return streamSSE(c, async (stream) => {
      const send = (p: Progress) =>
        stream.writeSSE({
          event: p.status === "failed" ? "failed" : "progress",
          data: JSON.stringify(p),
        });
      let finished: (() => void) | undefined;
      const done = new Promise<void>((resolve) => finished = resolve);
      const unsubscribe = documents.queue.subscribe(doc.id, (p) => {
        send(p).catch(() => {});
        if (p.status === "ready" || p.status === "failed") finished!();
      });
      let ended = false;
      done.then(() => ended = true);
      stream.onAbort(() => finished!());
      try {
        let current = progressOf(await documents.get(doc.id, c.get("user").id));
        await send(current);
        // a job another instance runs reports nothing here: follow its status in the store
        while (!ended && current.status !== "ready" && current.status !== "failed") {
          await Promise.race([done, stream.sleep(PROGRESS_POLL_MS)]);
          if (ended || documents.queue.has(doc.id)) continue;
          const latest = progressOf(await documents.get(doc.id, c.get("user").id));
          if (latest.status !== current.status || latest.pagesDone !== current.pagesDone) {
            await send(latest);
          }
          current = latest;
        }
      } finally {
        unsubscribe();
      }
    });
  });

  app.delete("/documents/:id", async (c) => {
    await documents.delete(c.req.param("id"), c.get("user").id);
    return c.body(null, 204);
  });

  return app;
}

function progressOf(doc: DocumentRecord): Progress {
  return {
    status: doc.status,
    pagesDone: doc.pagesDone,
    pagesTotal: doc.pagesTotal,
    ...(doc.errorCode ? { error: { code: doc.errorCode, message: doc.errorMessage ?? "" } } : {}),
  };
}

/** The public shape of a document. */
function present(doc: DocumentRecord) {
  return {
    id: doc.id,
    title: doc.title,
    mime: doc.mime,
    bytes: doc.bytes,
    sha256: doc.sha256,
    pages: doc.pageCount,
    language: doc.language,
    status: doc.status,
    progress: { pagesDone: doc.pagesDone, pagesTotal: doc.pagesTotal },
    chunks: doc.chunkCount,
    error: doc.errorCode ? { code: doc.errorCode, message: doc.errorMessage } : null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/**
 * What the documents routes call: upload (detect, validate, dedup, queue), read, delete.
 * Ingestion itself runs in the background: this process's queue, or jobs leased from the
 * database when several instances share it.
 */
import type { DocumentRecord, Page, Store } from "../plugins/store/types.ts";
import { ApiError } from "../server/errors.ts";
import { log } from "../server/log.ts";
import { detectKind, type DocumentKind, isPdfFile, MIME } from "./detect.ts";
import { type DocumentSource, ExtractionError, extractionStatus, openDocument } from "./extract.ts";
import { ingest, type IngestDeps } from "./ingest.ts";
import { LeasedQueue } from "./jobs-leased.ts";
import { type Fail, IngestQueue, type JobQueue, type Listener } from "./queue.ts";
import type { SavedSource } from "./sources.ts";

/** An upload temp file untouched this long belongs to no live request. */
const STALE_UPLOAD_MS = 60 * 60 * 1000;

export interface UploadInput {
  ownerId: string;
  source: SavedSource;
  declaredType: string;
  fileName: string;
  title?: string;
}

export class DocumentService {
  readonly queue: JobQueue;
  readonly #store: Store;

  constructor(private readonly deps: IngestDeps) {
    this.#store = deps.store;
    const work = (id: string, report: Listener) => this.#ingest(id, report);
    const fail: Fail = async (id, code, message) => {
      deps.index.removeDocument(id);
      await deps.store.failDocument(id, code, message);
    };
    const { queueSize, concurrency, leaseMs, pollMs } = deps.config.ingest;
    this.queue = deps.store.jobs
      ? new LeasedQueue(deps.store.jobs, work, fail, {
        capacity: queueSize,
        concurrency,
        leaseMs,
        pollMs,
      })
      : new IngestQueue(work, fail, queueSize, concurrency);
  }

  /** Queues the documents a crash or restart left unfinished (shared jobs: starts claiming). */
  async resumeUnfinished(): Promise<number> {
    const swept = await this.deps.sources.sweep(
      async (id) => (await this.#store.getDocument(id)) !== null,
      STALE_UPLOAD_MS,
    );
    if (swept > 0) log.info("removed files a crash left behind", { files: swept });
    const unfinished = await this.#store.listUnfinished();
    for (const doc of unfinished) {
      this.deps.index.markPending(doc.id);
      this.queue.enqueue(doc.id);
    }
    if (this.queue instanceof LeasedQueue) this.queue.start();
    return unfinished.length;
  }

  stop(): void {
    if (this.queue instanceof LeasedQueue) this.queue.stop();
  }

  async upload(input: UploadInput): Promise<{ document: DocumentRecord; duplicate: boolean }> {
    const { sources } = this.deps;
    try {
      // a PDF is opened from its file (the kernel maps it); other kinds are read to be parsed
      const source: DocumentSource = await isPdfFile(input.source.path)
        ? { path: input.source.path }
        : { bytes: await Deno.readFile(input.source.path) };
      const kind = "path" in source
        ? "pdf"
        : await detectKind(source.bytes, input.declaredType, input.fileName);
      // open now so encrypted, damaged or oversized files are refused while the client waits
      await this.#validate(kind, source);
      const existing = await this.#store.findDocumentBySha256(input.ownerId, input.source.sha256);
      if (existing && existing.status !== "failed") {
        await sources.discard(input.source);
        return { document: existing, duplicate: true };
      }
      if (existing) await this.delete(existing.id, input.ownerId);
      if (this.queue.full) {
        throw new ApiError(503, "queue_full", "too many documents are waiting; retry shortly");
      }
      const document = await this.#store.createDocument({
        ownerId: input.ownerId,
        title: input.title || titleFromFileName(input.fileName),
        mime: MIME[kind],
        sha256: input.source.sha256,
        bytes: input.source.bytes,
      });
      await sources.adopt(input.source, document.id);
      this.deps.index.markPending(document.id);
      this.queue.enqueue(document.id);
      return { document, duplicate: false };
    } catch (e) {
      await sources.discard(input.source);
      throw e;
    }
  }

  async #validate(kind: DocumentKind, source: DocumentSource): Promise<void> {
    try {
      const opened = await openDocument(kind, source, this.deps.pdf, this.deps.config.limits.pages);
      opened.close();
    } catch (e) {
      if (!(e instanceof ExtractionError)) throw e;
      throw new ApiError(extractionStatus(e.code), e.code, e.message);
    }
  }

  async #ingest(id: string, report: Listener): Promise<void> {
    const doc = await this.#store.getDocument(id);
    if (!doc) return; // deleted while queued
    await ingest(this.deps, doc, report);
  }

  async get(id: string, ownerId: string): Promise<DocumentRecord> {
    const doc = await this.#store.getDocument(id, ownerId);
    if (!doc) throw new ApiError(404, "document_not_found", `no document ${id}`);
    return doc;
  }

  list(ownerId: string, limit: number, offset: number): Promise<Page<DocumentRecord>> {
    return this.#store.listDocuments(ownerId, { limit, offset });
  }

  async page(id: string, ownerId: string, pageNumber: number): Promise<string> {
    const doc = await this.get(id, ownerId);
    const text = await this.#store.getPage(doc.id, pageNumber);
    if (text === null) {
      const pages = doc.pageCount || doc.pagesDone;
      throw new ApiError(
        404,
        "page_not_found",
        `document ${id} has no page ${pageNumber} (${pages} pages stored)`,
      );
    }
    return text;
  }

  async delete(id: string, ownerId: string): Promise<void> {
    this.queue.cancel(id);
    const deleted = await this.#store.deleteDocument(id, ownerId);
    if (!deleted) throw new ApiError(404, "document_not_found", `no document ${id}`);
    this.deps.index.removeDocument(id);
    await this.deps.sources.remove(id);
  }
}

/** "reports/Q3 plan.pdf" → "Q3 plan": never a path, no control characters. */
export function titleFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").replace(/\.[a-z0-9]{1,8}$/i, "").trim();
  return clean.slice(0, 200) || "Untitled";
}

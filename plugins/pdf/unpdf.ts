/**
 * The JS twin of the PDF kernel: pdf.js through `unpdf`, behind the same per-page API.
 *
 * pdf.js has no decode limit (a Flate bomb inflates whole: 2.1 GB for a 1 MB file). So each
 * document runs in a worker of its own (unpdf-worker.ts), ended at `close`: its typed arrays
 * are checked against a memory budget and the request's deadline where they are allocated (see
 * there why not from here), and its JS heap is capped by `resourceLimits`. Over any of them the
 * document fails with `too_large` and its worker is ended. Nothing of pdf.js stays loaded once
 * the documents are closed.
 */
import { Worker } from "node:worker_threads";
import type { UnpdfRequest } from "./unpdf-worker.ts";
import {
  pageRange,
  type PdfDocument,
  PdfError,
  type PdfInfo,
  type PdfKernel,
  type PdfPage,
} from "./types.ts";

const MIB = 1024 * 1024;

export interface UnpdfLimits {
  /** RSS the process may gain while pdf.js reads a document, besides the file itself. */
  growthBytes: number;
  /** The worker's V8 old generation (pdf.js's objects; decoded streams are outside it). */
  heapMb: number;
  /**
   * The longest one request (opening with the text-layer check, one page) may take. The worker
   * stops at its next typed array past it; the caller gets its error at the next watch here
   * even if the worker runs on (`terminate()` waits for it to finish its turn).
   */
  requestMs: number;
  /** How often the time is checked here while a request is in flight. */
  watchMs: number;
}

export const UNPDF_LIMITS: UnpdfLimits = {
  growthBytes: 48 * MIB,
  heapMb: 64,
  requestMs: 60_000,
  watchMs: 100,
};

/** pdf.js exception names → our codes. */
function toPdfError({ name, message }: { name: string; message: string }): Error {
  if (name === "NotPdf") return new PdfError("not_pdf", message);
  if (name === "MemoryBudget" || name === "TimeBudget") return new PdfError("too_large", message);
  if (name === "PasswordException") return new PdfError("encrypted", `encrypted: ${message}`);
  if (name === "InvalidPDFException") return new PdfError("damaged", `damaged: ${message}`);
  return Object.assign(new Error(message), { name });
}

/** One document's worker, its requests in flight, and the watch over them. */
class BoundedWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, PromiseWithResolvers<unknown>>();
  #next = 0;
  #since = 0;
  #watch?: ReturnType<typeof setInterval>;
  #failure?: Error;

  constructor(private readonly limits: UnpdfLimits) {
    this.#worker = new Worker(new URL("./unpdf-worker.ts", import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
    });
    this.#worker.on("message", ({ id, value, error }) => {
      if (id === 0) return; // pdf.js loaded
      const request = this.#pending.get(id);
      this.#pending.delete(id);
      this.#since = performance.now();
      if (this.#pending.size === 0) this.#stopWatch();
      if (!error) return request?.resolve(value);
      const failure = toPdfError(error);
      request?.reject(failure);
      // over budget the worker is of no more use: its memory goes now
      if (failure instanceof PdfError && failure.code === "too_large") this.#end(failure);
    });
    this.#worker.on("error", (e: Error & { code?: string }) => {
      const heap = e.code === "ERR_WORKER_OUT_OF_MEMORY";
      this.#end(heap ? new PdfError("too_large", `pdf.js: ${e.message}`) : e);
    });
    this.#worker.on("exit", () => this.#end(new Error("the pdf.js worker exited")));
  }

  request<T>(request: UnpdfRequest, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = ++this.#next;
    const pending = Promise.withResolvers<unknown>();
    this.#pending.set(id, pending);
    if (this.#pending.size === 1) this.#since = performance.now();
    this.#watch ??= setInterval(() => this.#check(), this.limits.watchMs);
    this.#worker.postMessage({ ...request, id, ms: this.limits.requestMs }, transfer);
    return pending.promise as Promise<T>;
  }

  #check(): void {
    if (performance.now() - this.#since > this.limits.requestMs) {
      this.#end(new PdfError("too_large", `pdf.js took over ${this.limits.requestMs} ms`));
    }
  }

  #stopWatch(): void {
    clearInterval(this.#watch);
    this.#watch = undefined;
  }

  /** Ends the worker: its requests fail with `failure`, and so do later ones. Idempotent. */
  #end(failure: Error): void {
    if (this.#failure) return;
    this.#failure = failure;
    this.#stopWatch();
    void this.#worker.terminate();
    for (const request of this.#pending.values()) request.reject(failure);
    this.#pending.clear();
  }

  close(): void {
    this.#end(new Error("the document is closed"));
  }
}

export class UnpdfKernel implements PdfKernel {
  readonly implementation = "unpdf";

  constructor(private readonly limits: UnpdfLimits = UNPDF_LIMITS) {}

  async open(bytes: Uint8Array): Promise<PdfDocument> {
    // the worker gets a copy, moved to it: the caller's buffer stays whole
    const copy = new Uint8Array(bytes);
    const budget = this.limits.growthBytes;
    return await this.#open({ op: "open", bytes: copy, budget }, [copy.buffer]);
  }

  /** The worker reads the file whole (pdf.js reads from memory). */
  async openFile(path: string): Promise<PdfDocument> {
    return await this.#open({ op: "open", path, budget: this.limits.growthBytes });
  }

  async #open(request: UnpdfRequest, transfer?: ArrayBuffer[]) {
    const worker = new BoundedWorker(this.limits);
    try {
      return new UnpdfDocument(worker, await worker.request<PdfInfo>(request, transfer));
    } catch (e) {
      worker.close();
      throw e;
    }
  }

  close(): void {}
}

class UnpdfDocument implements PdfDocument {
  constructor(private readonly worker: BoundedWorker, readonly info: PdfInfo) {}

  async pageText(page: number): Promise<string> {
    pageRange(this.info, page, page);
    return await this.worker.request<string>({ op: "page", page });
  }

  async *pages(from = 1, to = this.info.pages): AsyncGenerator<PdfPage> {
    const [first, last] = pageRange(this.info, from, to);
    for (let page = first; page <= last; page++) yield { page, text: await this.pageText(page) };
  }

  close(): void {
    this.worker.close();
  }
}

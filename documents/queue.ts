/**
 * The ingestion queue: bounded (a full queue refuses uploads instead of growing without
 * limit), `concurrency` jobs at a time, and progress fanned out to whoever listens (the SSE
 * route). A failed job marks its document failed with a code; nothing half-made stays
 * visible.
 */
import { KernelError } from "../kernels/ffi.ts";
import { log } from "../server/log.ts";
import { Gauge, metrics } from "../server/metrics.ts";
import { RecordMissingError } from "../plugins/store/types.ts";
import { ExtractionError } from "./extract.ts";
import type { Progress } from "./ingest.ts";

export type Listener = (progress: Progress) => void;

interface Job {
  documentId: string;
}

export class IngestQueue {
  readonly #waiting: Job[] = [];
  readonly #running = new Set<string>();
  readonly #listeners = new Map<string, Set<Listener>>();
  #idle: (() => void)[] = [];

  constructor(
    private readonly work: (documentId: string, report: Listener) => Promise<void>,
    private readonly fail: (documentId: string, code: string, message: string) => Promise<void>,
    private readonly capacity: number,
    private readonly concurrency: number,
  ) {
    const gauge = metrics.register(new Gauge("ligero_ingest_jobs", "Ingestion jobs by state."));
    gauge.collect(() => this.#waiting.length, { state: "queued" });
    gauge.collect(() => this.#running.size, { state: "running" });
  }

  get full(): boolean {
    return this.#waiting.length >= this.capacity;
  }

  /** False when the queue is full. A document already queued or running is not added twice. */
  enqueue(documentId: string): boolean {
    if (this.has(documentId)) return true;
    if (this.full) return false;
    this.#waiting.push({ documentId });
    this.#pump();
    return true;
  }

  has(documentId: string): boolean {
    return this.#running.has(documentId) || this.#waiting.some((j) => j.documentId === documentId);
  }

  /** Drops a queued job (its document was deleted); a running one stops at its next write. */
  cancel(documentId: string): void {
    const i = this.#waiting.findIndex((j) => j.documentId === documentId);
    if (i >= 0) this.#waiting.splice(i, 1);
  }

  subscribe(documentId: string, listener: Listener): () => void {
    let set = this.#listeners.get(documentId);
    if (!set) this.#listeners.set(documentId, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(documentId);
    };
  }

  /** Resolves when nothing is queued or running (tests and shutdown). */
  drained(): Promise<void> {
    if (this.#waiting.length === 0 && this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running.size < this.concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      this.#running.add(job.documentId);
      this.#run(job).finally(() => {
        this.#running.delete(job.documentId);
        this.#pump();
        if (this.#waiting.length === 0 && this.#running.size === 0) {
          for (const resolve of this.#idle.splice(0)) resolve();
        }
      });
    }
  }

  async #run({ documentId }: Job): Promise<void> {
    const report = (p: Progress) => this.#emit(documentId, p);
    const started = performance.now();
    try {
      await this.work(documentId, report);
      log.info("document ready", { documentId, ms: Math.round(performance.now() - started) });
    } catch (e) {
      if (e instanceof RecordMissingError) return; // deleted while it was being ingested
      const { code, message } = failureOf(e);
      log.warn("ingestion failed", { documentId, code, message });
      try {
        await this.fail(documentId, code, message);
      } catch (failError) {
        log.error("could not record the failure", { documentId, error: String(failError) });
      }
      report({ status: "failed", pagesDone: 0, pagesTotal: 0, error: { code, message } });
    }
  }

  #emit(documentId: string, progress: Progress): void {
    for (const listener of this.#listeners.get(documentId) ?? []) listener(progress);
  }
}

function failureOf(e: unknown): { code: string; message: string } {
  if (e instanceof ExtractionError) return { code: e.code, message: e.message };
  if (e instanceof KernelError) return { code: `kernel_${e.code}`, message: e.message };
  return { code: "ingest_failed", message: e instanceof Error ? e.message : String(e) };
}

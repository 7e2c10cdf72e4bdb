/**
 * The ingestion queue of a single instance: bounded (a full queue refuses uploads instead of
 * growing without limit), `concurrency` jobs at a time, and progress fanned out to whoever
 * listens (the SSE route). A failed job marks its document failed with a code; nothing
 * half-made stays visible. Instances sharing a database take jobs from it instead
 * (jobs-leased.ts), behind the same `JobQueue` surface.
 */
import { KernelError } from "../kernels/ffi.ts";
import { releaseFreedMemory } from "../kernels/libc.ts";
import { isDiskFull } from "../server/errors.ts";
import { log } from "../server/log.ts";
import { Gauge, metrics } from "../server/metrics.ts";
import {
  RecordMissingError,
  StoreFullError,
  StoreUnavailableError,
} from "../plugins/store/types.ts";
import { ExtractionError } from "./extract.ts";
import type { Progress } from "./ingest.ts";

export type Listener = (progress: Progress) => void;
export type Work = (documentId: string, report: Listener) => Promise<void>;
export type Fail = (documentId: string, code: string, message: string) => Promise<void>;

/** What the documents service and routes use, whichever queue runs the jobs. */
export interface JobQueue {
  /** Uploads are refused (503 queue_full) while true. */
  readonly full: boolean;
  /** False when the queue is full. A document already queued or running is not added twice. */
  enqueue(documentId: string): boolean;
  /** Queued or running in this process. */
  has(documentId: string): boolean;
  /** Drops a queued job (its document was deleted); a running one stops at its next write. */
  cancel(documentId: string): void;
  subscribe(documentId: string, listener: Listener): () => void;
  /** Resolves when nothing is queued or running here (tests and shutdown). */
  drained(): Promise<void>;
}

/** How long a job the store's outage interrupted waits before it runs again. */
const RETRY_MS = 2000;

export const jobsGauge: Gauge = metrics.register(
  new Gauge("ligero_ingest_jobs", "Ingestion jobs by state."),
);

export class IngestQueue implements JobQueue {
  readonly #waiting: string[] = [];
  readonly #running = new Set<string>();
  /** Interrupted by a store outage, queued again after RETRY_MS. */
  readonly #retrying = new Set<string>();
  readonly #listeners = new ProgressListeners();
  #idle: (() => void)[] = [];

  constructor(
    private readonly work: Work,
    private readonly fail: Fail,
    private readonly capacity: number,
    private readonly concurrency: number,
  ) {
    jobsGauge.collect(() => this.#waiting.length, { state: "queued" });
    jobsGauge.collect(() => this.#running.size, { state: "running" });
  }

  get full(): boolean {
    return this.#waiting.length >= this.capacity;
  }

  enqueue(documentId: string): boolean {
    if (this.has(documentId)) return true;
    if (this.full) return false;
    this.#waiting.push(documentId);
    this.#pump();
    return true;
  }

  has(documentId: string): boolean {
    return this.#running.has(documentId) || this.#waiting.includes(documentId) ||
      this.#retrying.has(documentId);
  }

  cancel(documentId: string): void {
    const i = this.#waiting.indexOf(documentId);
    if (i >= 0) this.#waiting.splice(i, 1);
    this.#retrying.delete(documentId);
  }

  subscribe(documentId: string, listener: Listener): () => void {
    return this.#listeners.subscribe(documentId, listener);
  }

  drained(): Promise<void> {
    if (this.#waiting.length === 0 && this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running.size < this.concurrency && this.#waiting.length > 0) {
      const documentId = this.#waiting.shift()!;
      this.#running.add(documentId);
      const report = (p: Progress) => this.#listeners.emit(documentId, p);
      runJob(documentId, this.work, this.fail, report).then((interrupted) => {
        if (interrupted) this.#retryLater(documentId);
      }).finally(() => {
        this.#running.delete(documentId);
        this.#pump();
        if (this.#waiting.length === 0 && this.#running.size === 0) {
          for (const resolve of this.#idle.splice(0)) resolve();
        }
      });
    }
  }

  #retryLater(documentId: string): void {
    this.#retrying.add(documentId);
    setTimeout(() => {
      // cancelled meanwhile: the document was deleted
      if (!this.#retrying.delete(documentId)) return;
      this.#waiting.push(documentId); // accepted already: a full queue does not refuse it
      this.#pump();
    }, RETRY_MS);
  }
}

/** Progress listeners per document. */
export class ProgressListeners {
  readonly #listeners = new Map<string, Set<Listener>>();

  subscribe(documentId: string, listener: Listener): () => void {
    let set = this.#listeners.get(documentId);
    if (!set) this.#listeners.set(documentId, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(documentId);
    };
  }

  emit(documentId: string, progress: Progress): void {
    for (const listener of this.#listeners.get(documentId) ?? []) listener(progress);
  }
}

/** The job stopped on purpose (another instance holds it now): not a failure. */
export class JobAbandonedError extends Error {
  override name = "JobAbandonedError";
}

/** Runs one job; a failure is recorded on the document and reported. Resolves true when the
 * store could not take the job's writes (down, or its disk full even for the failure): the job
 * should run again later. */
export async function runJob(
  documentId: string,
  work: Work,
  fail: Fail,
  report: Listener,
): Promise<boolean> {
  const started = performance.now();
  try {
    await work(documentId, report);
    log.info("document ready", { documentId, ms: Math.round(performance.now() - started) });
    return false;
  } catch (e) {
    if (e instanceof RecordMissingError) return false; // deleted while it was being ingested
    if (e instanceof JobAbandonedError) {
      log.warn("ingestion abandoned", { documentId, reason: e.message });
      return false;
    }
    if (e instanceof StoreUnavailableError) {
      // not the document's fault, and nothing to record it in: the job stays unfinished and
      // resumes from what was committed
      log.warn("ingestion interrupted: the store is unavailable", { documentId, error: e.message });
      return true;
    }
    const { code, message } = failureOf(e);
    log.warn("ingestion failed", { documentId, code, message });
    try {
      await fail(documentId, code, message);
    } catch (failError) {
      log.error("could not record the failure", { documentId, error: String(failError) });
      // not recorded, so not final: run the job again once the store can take a write
      if (failError instanceof StoreUnavailableError || failError instanceof StoreFullError) {
        return true;
      }
    }
    report({ status: "failed", pagesDone: 0, pagesTotal: 0, error: { code, message } });
    return false;
  } finally {
    releaseFreedMemory(); // what the kernels freed goes back to the OS (docs/memory.md)
  }
}

function failureOf(e: unknown): { code: string; message: string } {
  if (isDiskFull(e)) {
    return { code: "disk_full", message: `the server's disk is full: ${(e as Error).message}` };
  }
  if (e instanceof ExtractionError) return { code: e.code, message: e.message };
  if (e instanceof KernelError) return { code: `kernel_${e.code}`, message: e.message };
  return { code: "ingest_failed", message: e instanceof Error ? e.message : String(e) };
}

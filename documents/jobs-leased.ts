/**
 * Ingestion jobs shared by the instances on one database: each instance claims the oldest
 * unfinished document nobody holds (FOR UPDATE SKIP LOCKED, so two instances never get the
 * same one) under a lease it renews while the job runs. An instance that dies stops renewing;
 * once its lease runs out another instance claims the document and resumes it from what was
 * committed (ingestion is resumable). An instance that loses its lease (stalled past it)
 * abandons the job at its next progress report instead of racing the new holder.
 */
import type { JobLeases } from "../plugins/store/scale-out.ts";
import { log } from "../server/log.ts";
import type { Progress } from "./ingest.ts";
import {
  type Fail,
  JobAbandonedError,
  type JobQueue,
  jobsGauge,
  type Listener,
  ProgressListeners,
  runJob,
  type Work,
} from "./queue.ts";

export interface LeaseOptions {
  capacity: number;
  concurrency: number;
  leaseMs: number;
  /** How often to look for jobs (new ones elsewhere, expired leases). */
  pollMs: number;
}

export class LeasedQueue implements JobQueue {
  /** This process, as the lease owner: readable in the database, unique per start. */
  readonly owner = `${Deno.hostname()}:${Deno.pid}:${crypto.randomUUID().slice(0, 8)}`;
  readonly #running = new Map<string, { lost: boolean }>();
  readonly #listeners = new ProgressListeners();
  #waiting = 0;
  /** Leases a failed release left held: released at the next claim, not left to expire. */
  readonly #unreleased = new Set<string>();
  #claiming: Promise<void> | undefined;
  #again = false;
  #failing = false;
  #poll: ReturnType<typeof setInterval> | undefined;
  #idle: (() => void)[] = [];

  constructor(
    private readonly jobs: JobLeases,
    private readonly work: Work,
    private readonly fail: Fail,
    private readonly options: LeaseOptions,
  ) {
    jobsGauge.collect(() => this.#waiting, { state: "queued" });
    jobsGauge.collect(() => this.#running.size, { state: "running" });
  }

  /** Starts looking for jobs. */
  start(): void {
    this.#poll ??= setInterval(() => this.#wake(), this.options.pollMs);
    this.#wake();
  }

  stop(): void {
    clearInterval(this.#poll);
    this.#poll = undefined;
  }

  /** Waiting jobs across all instances, as of the last look. */
  get full(): boolean {
    return this.#waiting >= this.options.capacity;
  }

  /** The document is in the database already: look for work now. */
  enqueue(_documentId: string): boolean {
    this.#waiting++;
    this.#wake();
    return true;
  }

  has(documentId: string): boolean {
    return this.#running.has(documentId);
  }

  /** Nothing to drop: a deleted document is never claimed, a running job stops at its next write. */
  cancel(_documentId: string): void {}

  subscribe(documentId: string, listener: Listener): () => void {
    return this.#listeners.subscribe(documentId, listener);
  }

  drained(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #wake(): void {
    if (this.#claiming) {
      this.#again = true;
      return;
    }
    this.#claiming = this.#claim()
      .then(() => {
        if (this.#failing) log.info("claiming ingestion jobs again");
        this.#failing = false;
      }, (e) => {
        // once per outage, not once per poll
        if (!this.#failing) log.warn("could not claim ingestion jobs", { error: String(e) });
        this.#failing = true;
      })
      .finally(() => {
        this.#claiming = undefined;
        if (this.#again) {
          this.#again = false;
          this.#wake();
        }
      });
  }

  async #claim(): Promise<void> {
    for (const documentId of this.#unreleased) {
      await this.jobs.release(documentId, this.owner);
      this.#unreleased.delete(documentId);
    }
    while (this.#running.size < this.options.concurrency) {
      const documentId = await this.jobs.claim(this.owner, this.options.leaseMs);
      if (!documentId) break;
      this.#run(documentId);
    }
    this.#waiting = await this.jobs.waiting();
  }

  #run(documentId: string): void {
    const lease = { lost: false };
    this.#running.set(documentId, lease);
    const renew = setInterval(async () => {
      try {
        if (!await this.jobs.renew(documentId, this.owner, this.options.leaseMs)) lease.lost = true;
      } catch (e) {
        log.warn("could not renew a job lease", { documentId, error: String(e) });
      }
    }, Math.max(100, Math.floor(this.options.leaseMs / 3)));
    const report = (p: Progress) => {
      if (lease.lost) {
        throw new JobAbandonedError("the lease expired and another instance took the job");
      }
      this.#listeners.emit(documentId, p);
    };
    log.info("claimed ingestion job", { documentId, owner: this.owner });
    // a job that lost its lease records nothing: the document is another instance's now
    const fail: Fail = (id, code, message) =>
      lease.lost ? Promise.resolve() : this.fail(id, code, message);
    runJob(documentId, this.work, fail, report).catch(() => {}).finally(async () => {
      clearInterval(renew);
      // a job the store's outage interrupted is claimed again as soon as the store is back
      await this.jobs.release(documentId, this.owner).catch(() => this.#unreleased.add(documentId));
      this.#running.delete(documentId);
      if (this.#running.size === 0) { for (const resolve of this.#idle.splice(0)) resolve(); }
      this.#wake();
    });
  }
}

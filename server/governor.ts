/**
 * The memory governor: samples RSS on a timer and, above `shedAt × ceiling`, refuses new
 * heavy work with 503 + Retry-After so the process sheds load instead of being OOM-killed.
 * Shedding alone reacts only after RSS has risen, and a burst admitted between two samples
 * can carry RSS past the ceiling (each embedding or PDF call holds tens of MB of native
 * memory), so heavy work is also admitted a few at a time: `heavyConcurrency` run, at most
 * `heavyQueue` wait, the rest get 503 at once. Reads, health and metrics are never shed.
 * Background ingestion is not a request to refuse: it waits between batches while RSS is
 * above the threshold (`untilBelowThreshold`), and goes on when memory is back.
 */
import type { Context, MiddlewareHandler } from "hono";
import { releaseFreedMemory } from "../kernels/libc.ts";
import { cgroupMemoryLimit } from "./cgroup.ts";
import { ApiError } from "./errors.ts";
import { log } from "./log.ts";
import { Counter, Gauge, metrics } from "./metrics.ts";

const DEFAULT_CEILING = 256 * 1024 * 1024;
/** malloc_trim walks every arena (a few ms): at most this often, and only when over. */
const TRIM_EVERY_MS = 1000;
/** How often waiting background work looks at RSS again. */
const RECHECK_MS = 250;

export interface GovernorOptions {
  ceiling: number | "auto";
  shedAt: number;
  sampleMs: number;
  heavyConcurrency: number;
  heavyQueue: number;
  heavyWaitMs: number;
}

export class MemoryGovernor {
  ceiling = DEFAULT_CEILING;
  ceilingSource: "config" | "cgroup" | "default" = "default";
  shedAt = 0.9;
  heavyConcurrency = 2;
  heavyQueue = 16;
  heavyWaitMs = 5000;
  #rss = 0;
  #trimmedAt = -Infinity;
  #active = 0;
  /** Each waiter takes a slot handed over by a finishing request, or gives up. */
  readonly #waiting: ((slot: boolean) => void)[] = [];
  #shedding = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #shed = metrics.register(
    new Counter("ligero_shed_requests_total", "Heavy requests refused near the memory ceiling."),
  );
  readonly #busy = metrics.register(
    new Counter("ligero_busy_requests_total", "Heavy requests refused: no slot, queue full."),
  );

  constructor(
    options: GovernorOptions,
    private readonly readRss = () => Deno.memoryUsage().rss,
    private readonly trim: () => void = releaseFreedMemory,
  ) {
    this.configure(options);
    this.#registerGauges();
  }

  /** Applies memory settings; SIGHUP calls this again with the reloaded config. */
  configure(options: GovernorOptions): void {
    if (options.ceiling === "auto") {
      const limit = cgroupMemoryLimit();
      this.ceiling = limit ?? DEFAULT_CEILING;
      this.ceilingSource = limit ? "cgroup" : "default";
    } else {
      this.ceiling = options.ceiling;
      this.ceilingSource = "config";
    }
    this.shedAt = options.shedAt;
    this.heavyConcurrency = options.heavyConcurrency;
    this.heavyQueue = options.heavyQueue;
    this.heavyWaitMs = options.heavyWaitMs;
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.sample(), options.sampleMs);
    Deno.unrefTimer(this.#timer as unknown as number);
    this.sample();
  }

  get rss(): number {
    return this.#rss;
  }

  get shedding(): boolean {
    return this.#shedding;
  }

  /** Reads RSS now; called by the timer and before admitting heavy work. */
  sample(): number {
    this.#rss = this.readRss();
    let over = this.#rss >= this.shedAt * this.ceiling;
    if (over && performance.now() - this.#trimmedAt > TRIM_EVERY_MS) {
      // malloc keeps what the kernels freed; hand it back before refusing work for it
      this.#trimmedAt = performance.now();
      this.trim();
      this.#rss = this.readRss();
      over = this.#rss >= this.shedAt * this.ceiling;
    }
    if (over !== this.#shedding) {
      this.#shedding = over;
      log.warn(over ? "memory high: shedding heavy requests" : "memory back below threshold", {
        rss: this.#rss,
        ceiling: this.ceiling,
        shedAt: this.shedAt,
      });
    }
    return this.#rss;
  }

  /** Resolves once RSS is below `shedAt × ceiling` (at once when it is): background work
   * waits here instead of failing. Logs once per wait. */
  async untilBelowThreshold(what: string): Promise<void> {
    this.sample();
    if (!this.#shedding) return;
    const started = performance.now();
    log.warn("memory high: background work waits", { what, rss: this.#rss });
    while (this.#shedding) {
      await new Promise((r) => setTimeout(r, RECHECK_MS));
      this.sample();
    }
    log.info("background work goes on", {
      what,
      waitedMs: Math.round(performance.now() - started),
    });
  }

  /**
   * Middleware for routes that allocate: 503 while above the threshold or when too many
   * heavy requests already run and wait; otherwise runs it when a slot is free.
   */
  heavy(): MiddlewareHandler {
    return this.#admitHeavy;
  }

  readonly #admitHeavy: MiddlewareHandler = async (c, next) => {
    this.#refuseWhenMemoryHigh(c);
    if (this.#active < this.heavyConcurrency) {
      this.#active++;
    } else if (this.#waiting.length < this.heavyQueue) {
      if (!(await this.#waitForSlot())) {
        throw this.#refuse(
          c,
          "server_busy",
          `no slot for heavy work within ${this.heavyWaitMs} ms`,
        );
      }
    } else {
      throw this.#refuse(c, "server_busy", "too much heavy work is running and waiting");
    }
    try {
      // RSS may have grown while this request waited
      this.#refuseWhenMemoryHigh(c);
      await next();
    } finally {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(true);
      else this.#active--;
    }
  };

  /** True when a finishing request handed this one its slot; false after heavyWaitMs. */
  #waitForSlot(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(take), 1);
        resolve(false);
      }, this.heavyWaitMs);
      const take = (slot: boolean) => {
        clearTimeout(timer);
        resolve(slot);
      };
      this.#waiting.push(take);
    });
  }

  #refuseWhenMemoryHigh(c: Context): void {
    this.sample();
    if (!this.#shedding) return;
    throw this.#refuse(
      c,
      "memory_pressure",
      `server is near its memory ceiling (${mib(this.#rss)} of ${mib(this.ceiling)} MiB)`,
    );
  }

  #refuse(c: Context, code: string, why: string): ApiError {
    (code === "server_busy" ? this.#busy : this.#shed).inc({ route: c.req.routePath });
    c.header("Retry-After", "2");
    return new ApiError(503, code, `${why}; retry shortly`);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #registerGauges() {
    const gauge = (name: string, help: string, read: () => number) =>
      metrics.register(new Gauge(name, help)).collect(read);
    gauge("process_resident_memory_bytes", "Resident set size of this process.", () => this.#rss);
    gauge(
      "ligero_memory_ceiling_bytes",
      "The memory ceiling RSS must stay under.",
      () => this.ceiling,
    );
    gauge(
      "ligero_memory_ratio",
      "RSS as a fraction of the ceiling.",
      () => this.#rss / this.ceiling,
    );
    gauge(
      "ligero_memory_shed_threshold_ratio",
      "Fraction of the ceiling where shedding starts.",
      () => this.shedAt,
    );
    gauge(
      "ligero_memory_shedding",
      "1 while heavy requests are being shed.",
      () => this.#shedding ? 1 : 0,
    );
    gauge("ligero_heavy_running", "Heavy requests running now.", () => this.#active);
    gauge("ligero_heavy_waiting", "Heavy requests waiting for a slot.", () => this.#waiting.length);
    gauge("ligero_heap_used_bytes", "V8 heap in use.", () => Deno.memoryUsage().heapUsed);
    gauge("ligero_heap_total_bytes", "V8 heap reserved.", () => Deno.memoryUsage().heapTotal);
    gauge(
      "ligero_external_memory_bytes",
      "Memory held by ArrayBuffers and other externals.",
      () => Deno.memoryUsage().external,
    );
  }
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

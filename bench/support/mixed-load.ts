/**
 * A bounded, open-loop load generator for ligero's own traffic mix: small text uploads,
 * search, offline chat, `/v1/embeddings` and plain reads, sent at a fixed arrival rate to
 * 127.0.0.1 whatever the server's speed (so overload really overloads), with a cap on
 * requests in flight and a per-request timeout so the client itself stays bounded.
 * Meanwhile the server's RSS is sampled from /proc every `sampleMs`.
 */
import { procMemory } from "./proc.ts";

export type Kind = "upload" | "search" | "chat" | "embeddings" | "read" | "health";

export interface LoadOptions {
  url: string;
  /** Server process id, for RSS samples. */
  pid: number;
  ratePerSecond: number;
  seconds: number;
  mix?: Partial<Record<Kind, number>>;
  maxInFlight?: number;
  timeoutMs?: number;
  sampleMs?: number;
  headers?: Record<string, string>;
}

export interface Outcome {
  kind: Kind;
  /** Seconds since the start, when it was sent. */
  at: number;
  /** HTTP status; 0 for a client timeout or a connection error. */
  status: number;
  ms: number;
  retryAfter: boolean;
}

export interface LoadResult {
  outcomes: Outcome[];
  /** [seconds since start, RSS bytes] */
  rss: [number, number][];
  /** Requests not sent because maxInFlight was reached (the client's own bound). */
  skipped: number;
}

const DEFAULT_MIX: Record<Kind, number> = {
  upload: 2,
  search: 3,
  chat: 2,
  embeddings: 2,
  read: 1,
  health: 0,
};

const WORDS = ("ligero keeps its memory under a ceiling while it reads documents, splits them " +
  "into passages, embeds each passage and answers questions with citations to the page")
  .split(" ");

function sentence(seed: number, words = 40): string {
  let x = seed * 2654435761 >>> 0;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]);
  }
  return out.join(" ") + ` (${seed}).`;
}

function request(kind: Kind, n: number): { method: string; path: string; body?: unknown } {
  switch (kind) {
    case "upload":
      return {
        method: "POST",
        path: "/documents",
        body: {
          title: `load ${n}`,
          text: Array.from({ length: 20 }, (_, i) => sentence(n * 31 + i)).join(" "),
        },
      };
    case "search":
      return { method: "POST", path: "/search", body: { query: sentence(n, 8), k: 5 } };
    case "chat":
      return { method: "POST", path: "/chat", body: { message: sentence(n, 10), stream: false } };
    case "embeddings":
      return {
        method: "POST",
        path: "/v1/embeddings",
        body: { input: Array.from({ length: 32 }, (_, i) => sentence(n * 7 + i, 30)) },
      };
    case "read":
      return { method: "GET", path: "/documents?limit=20" };
    case "health":
      return { method: "GET", path: "/health" };
  }
}

function picker(mix: Record<Kind, number>): (n: number) => Kind {
  const kinds = (Object.keys(mix) as Kind[]).filter((k) => mix[k] > 0);
  const total = kinds.reduce((s, k) => s + mix[k], 0);
  return (n) => {
    let r = ((n * 0.6180339887) % 1) * total;
    for (const k of kinds) {
      if ((r -= mix[k]) < 0) return k;
    }
    return kinds[kinds.length - 1];
  };
}

export async function runMixedLoad(options: LoadOptions): Promise<LoadResult> {
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const pick = picker(mix);
  const maxInFlight = options.maxInFlight ?? 256;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const outcomes: Outcome[] = [];
  const rss: [number, number][] = [];
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  const sampler = setInterval(() => {
    try {
      rss.push([elapsed(), procMemory(options.pid).rss]);
    } catch { /* the process is gone: the caller's assertions will say so */ }
  }, options.sampleMs ?? 50);

  let inFlight = 0;
  let skipped = 0;
  const pending = new Set<Promise<void>>();
  const send = async (n: number) => {
    const kind = pick(n);
    const { method, path, body } = request(kind, n);
    const at = elapsed();
    const t0 = performance.now();
    let status = 0;
    let retryAfter = false;
    try {
      const res = await fetch(`${options.url}${path}`, {
        method,
        headers: {
          ...options.headers,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer();
      status = res.status;
      retryAfter = res.headers.has("retry-after");
    } catch { /* timeout or connection error: status 0 */ }
    outcomes.push({ kind, at, status, ms: performance.now() - t0, retryAfter });
  };

  const interval = 1000 / options.ratePerSecond;
  const total = Math.round(options.ratePerSecond * options.seconds);
  for (let n = 0; n < total; n++) {
    const due = start + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= maxInFlight) {
      skipped++;
      continue;
    }
    inFlight++;
    const p = send(n).finally(() => {
      inFlight--;
      pending.delete(p);
    });
    pending.add(p);
  }
  await Promise.all(pending);
  clearInterval(sampler);
  return { outcomes, rss, skipped };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Counts by outcome: ok (2xx), shed (503 with Retry-After), other errors, timeouts. */
export function summarize(outcomes: Outcome[]): {
  total: number;
  ok: number;
  shed: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
} {
  const ok = outcomes.filter((o) => o.status >= 200 && o.status < 300);
  const shed = outcomes.filter((o) => o.status === 503 && o.retryAfter).length;
  const timeouts = outcomes.filter((o) => o.status === 0).length;
  const ms = outcomes.filter((o) => o.status !== 0).map((o) => o.ms);
  return {
    total: outcomes.length,
    ok: ok.length,
    shed,
    errors: outcomes.length - ok.length - shed - timeouts,
    timeouts,
    p50: percentile(ms, 0.5),
    p99: percentile(ms, 0.99),
  };
}

/**
 * One memory profile of the real server: idle, while ingesting a PDF (sampled every 50 ms),
 * after the job, after searches and after offline chats. Each phase records RSS by mapping
 * (smaps) beside what the server reports about itself in /metrics.
 */
import { call, CORPUS, uploadFile } from "../../tests/support/api.ts";
import { startServer } from "../../tests/support/server.ts";
import { median, procMemory } from "./proc.ts";
import { type RssBreakdown, rssBreakdown } from "./rss-breakdown.ts";

export interface Variant {
  name: string;
  denoArgs?: string[];
  env?: Record<string, string>;
}

export interface Phase {
  name: string;
  rss: number;
  parts: RssBreakdown;
  /** ligero_heap_total_bytes, ligero_external_memory_bytes, ligero_model_bytes ... */
  reported: Record<string, number>;
}

export interface Profile {
  variant: string;
  phases: Phase[];
  /** Highest RSS sampled while the document was ingested, by document status, and VmHWM. */
  ingestPeak: number;
  peakBy: Record<string, number>;
  hwm: number;
  ingestMs: number;
  /** Median latency of the searches and of the chats. */
  searchMs: number;
  chatMs: number;
}

export interface ProfileOptions {
  pdf?: string;
  searches?: number;
  chats?: number;
  settleMs?: number;
}

const QUERIES = [
  "how do I read data from a file",
  "linear models and regression",
  "plotting graphics in R",
  "what is a data frame",
  "loops and conditional execution",
];

export async function profileServer(
  variant: Variant,
  options: ProfileOptions = {},
): Promise<Profile> {
  const { pdf = `${CORPUS}r-intro.pdf`, searches = 100, chats = 20, settleMs = 3000 } = options;
  const server = await startServer({
    denoArgs: variant.denoArgs,
    env: { LIGERO_LLM__PROVIDER: "offline", ...variant.env },
  });
  const client = { url: server.url };
  const phases: Phase[] = [];
  const snapshot = async (name: string) => {
    await sleep(settleMs);
    phases.push({
      name,
      rss: procMemory(server.pid).rss,
      parts: rssBreakdown(server.pid),
      reported: await reported(server.url),
    });
  };
  try {
    await snapshot("idle");
    const started = performance.now();
    const upload = await uploadFile(client, pdf);
    if (upload.status !== 202 && upload.status !== 201) {
      throw new Error(`upload failed: ${upload.status} ${JSON.stringify(upload.body)}`);
    }
    let ingestPeak = 0;
    const peakBy: Record<string, number> = {};
    for (;;) {
      const rss = procMemory(server.pid).rss;
      ingestPeak = Math.max(ingestPeak, rss);
      const doc = await call(client, "GET", `/documents/${upload.body.document.id}`);
      const status = doc.body.document.status;
      peakBy[status] = Math.max(peakBy[status] ?? 0, rss);
      if (status === "failed") throw new Error(`ingestion failed: ${JSON.stringify(doc.body)}`);
      if (status === "ready") break;
      await sleep(50);
    }
    const ingestMs = performance.now() - started;
    await snapshot("after ingest");
    const searchTimes: number[] = [];
    for (let i = 0; i < searches; i++) {
      const t0 = performance.now();
      const r = await call(client, "POST", "/search", { query: QUERIES[i % QUERIES.length] });
      if (r.status !== 200) throw new Error(`search failed: ${r.status}`);
      searchTimes.push(performance.now() - t0);
    }
    await snapshot(`after ${searches} searches`);
    const chatTimes: number[] = [];
    for (let i = 0; i < chats; i++) {
      const t0 = performance.now();
      const r = await call(client, "POST", "/chat", {
        message: QUERIES[i % QUERIES.length],
        stream: false,
      });
      if (r.status !== 200) throw new Error(`chat failed: ${r.status} ${JSON.stringify(r.body)}`);
      chatTimes.push(performance.now() - t0);
    }
    await snapshot(`after ${chats} chats`);
    return {
      variant: variant.name,
      phases,
      ingestPeak,
      peakBy,
      hwm: procMemory(server.pid).peak,
      ingestMs,
      searchMs: median(searchTimes),
      chatMs: median(chatTimes),
    };
  } finally {
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true }).catch(() => {});
  }
}

async function reported(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (
    const m of text.matchAll(
      /^ligero_(heap_total|heap_used|external_memory|model|vector_index)_bytes(?:\{[^}]*\})? (\d+)/gm,
    )
  ) {
    out[m[1]] = Number(m[2]);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

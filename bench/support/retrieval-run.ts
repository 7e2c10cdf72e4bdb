// deno-lint-ignore-file no-explicit-any -- JSON bodies of the HTTP API
/**
 * The measuring half of bench/retrieval.ts: timed ingestion against a running server, the
 * question set asked in each mode, the two candidate lists fused locally under other fusion
 * settings, and /search latency under concurrent load.
 */
import { reciprocalRankFusion } from "../../search/fusion.ts";
import { call, type Client, CORPUS, settle, uploadFile } from "../../tests/support/api.ts";
import type { TestServer } from "../../tests/support/server.ts";
import { procMemory } from "./proc.ts";
import { answerRank, type Hit, type Question } from "./retrieval-score.ts";

export type Mode = "vector" | "text" | "hybrid";
export const MODES: readonly Mode[] = ["vector", "text", "hybrid"];

export interface Ingested {
  file: string;
  id: string;
  pages: number;
  chunks: number;
  /** Upload to ready; null when the data dir already held the document (dedup). */
  seconds: number | null;
  /** VmHWM of the server before the upload and once the document was ready. */
  peakBefore: number;
  peakAfter: number;
}

export interface ListHit extends Hit {
  chunkId: number;
}

/** Uploads one dev PDF and waits for it to be ready, timing it and reading the server's peak. */
export async function ingest(server: TestServer, file: string): Promise<Ingested> {
  const client = { url: server.url };
  const peakBefore = procMemory(server.pid).peak;
  const started = performance.now();
  let res = await uploadFile(client, CORPUS + file);
  for (let tries = 0; res.status === 503 && tries < 120; tries++) {
    await new Promise((r) => setTimeout(r, 1000)); // shed or queue full: wait and retry
    res = await uploadFile(client, CORPUS + file);
  }
  if (res.status !== 202 && res.status !== 200) {
    throw new Error(`${file}: upload ${res.status} ${JSON.stringify(res.body)}`);
  }
  const doc = await settle(client, res.body.document.id, 60 * 60_000);
  if (doc.status !== "ready") throw new Error(`${file}: ${doc.status} ${JSON.stringify(doc)}`);
  return {
    file,
    id: doc.id,
    pages: doc.pages,
    chunks: doc.chunks,
    seconds: res.body.duplicate ? null : (performance.now() - started) / 1000,
    peakBefore,
    peakAfter: procMemory(server.pid).peak,
  };
}

export async function searchHits(
  client: Client,
  query: string,
  mode: Mode,
  k: number,
): Promise<ListHit[]> {
  const { status, body } = await call(client, "POST", "/search", { query, mode, k });
  if (status !== 200) throw new Error(`search ${status}: ${JSON.stringify(body)}`);
  return body.results.map((r: any) => ({
    chunkId: r.chunkId,
    documentId: r.documentId,
    pageStart: r.pageStart,
    pageEnd: r.pageEnd,
  }));
}

/** Answer rank (1-based, within k) of every question in each mode, as the server ranks them. */
export async function askModes(
  client: Client,
  questions: readonly Question[],
  documentOf: (file: string) => string,
  k: number,
): Promise<Record<Mode, (number | null)[]>> {
  const ranks: Record<Mode, (number | null)[]> = { vector: [], text: [], hybrid: [] };
  for (const q of questions) {
    for (const mode of MODES) {
      const hits = await searchHits(client, q.question, mode, k);
      ranks[mode].push(answerRank(hits, documentOf(q.file), q.pages));
    }
  }
  return ranks;
}

/** The two lists hybrid search fuses, each `depth` long, per question. */
export interface Lists {
  vector: ListHit[];
  text: ListHit[];
}

export async function candidateLists(
  client: Client,
  questions: readonly Question[],
  depth: number,
): Promise<Lists[]> {
  const out: Lists[] = [];
  for (const q of questions) {
    out.push({
      vector: await searchHits(client, q.question, "vector", depth),
      text: await searchHits(client, q.question, "text", depth),
    });
  }
  return out;
}

export interface Fusion {
  vectorWeight: number;
  textWeight: number;
  candidates: number;
  rrfK: number;
}

/**
 * The top k that hybrid search would return under `fusion`, computed from the longer lists with
 * the service's own fusion function (each list is a prefix of the deeper one).
 */
export function fuse(lists: Lists, fusion: Fusion, k: number): ListHit[] {
  const byId = new Map<number, ListHit>();
  for (const h of [...lists.vector, ...lists.text]) byId.set(h.chunkId, h);
  const depth = Math.max(fusion.candidates, k);
  const fused = reciprocalRankFusion([
    { ids: lists.vector.slice(0, depth).map((h) => h.chunkId), weight: fusion.vectorWeight },
    { ids: lists.text.slice(0, depth).map((h) => h.chunkId), weight: fusion.textWeight },
  ], fusion.rrfK);
  return fused.slice(0, k).map((f) => byId.get(f.id)!);
}

export interface Latency {
  requests: number;
  concurrency: number;
  distinct: boolean;
  seconds: number;
  p50: number;
  p99: number;
  /** The server's own `tookMs` (embed + both scans + fusion + chunk fetch). */
  serverP50: number;
  serverP99: number;
}

/**
 * `requests` hybrid searches (k = 5) from `concurrency` clients at once, cycling the queries.
 * `distinct` appends a made-up word unique to each request ("zqbc"), so no two requests ask the
 * same thing and none is served from the server's query-embedding cache; without it the queries
 * repeat every `queries.length` requests, as pagination and several users asking alike do.
 */
export async function loadSearch(
  client: Client,
  queries: readonly string[],
  requests: number,
  concurrency: number,
  distinct = false,
): Promise<Latency> {
  const times: number[] = [];
  const took: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const query = queries[next++ % queries.length] + (distinct ? ` ${uniqueWord()}` : "");
      const t0 = performance.now();
      const res = await fetch(`${client.url}/search`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, k: 5, mode: "hybrid" }),
      });
      const body = await res.json();
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`search ${res.status}: ${JSON.stringify(body)}`);
      took.push(body.tookMs);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    requests,
    concurrency,
    distinct,
    seconds: (performance.now() - started) / 1000,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    serverP50: percentile(took, 0.5),
    serverP99: percentile(took, 0.99),
  };
}

let wordsMade = 0;
/** "zq" + a counter in base-26 letters: a word no document has, new on every call. */
function uniqueWord(): string {
  let word = "zq";
  for (let x = ++wordsMade; x > 0; x = Math.floor(x / 26)) word += String.fromCharCode(97 + x % 26);
  return word;
}

export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

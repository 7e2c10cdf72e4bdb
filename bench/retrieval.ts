/**
 * Retrieval: the question set of tests/fixtures/retrieval-questions.jsonl asked of a real server
 * holding its dev PDFs, recall@5 and MRR@5 for vector, full-text and hybrid search (overall and
 * per language), hybrid under other fusion settings, ingestion time and peak RSS for r-intro.pdf
 * and cplusplus-annotations.pdf, and `POST /search` latency under 50 concurrent clients.
 *
 * RETRIEVAL_BENCH_DIR=<dir> keeps the data directory (uploads of the same bytes are then
 * deduplicated, so a second run skips ingestion and reports no ingest times).
 */
import { loadConfig } from "../config/load.ts";
import { startServer, type TestServer } from "../tests/support/server.ts";
import { mib, procMemory } from "./support/proc.ts";
import {
  askModes,
  candidateLists,
  fuse,
  type Fusion,
  ingest,
  type Ingested,
  type Lists,
  loadSearch,
  MODES,
  searchHits,
} from "./support/retrieval-run.ts";
import { answerRank, loadQuestions, metrics, type Question } from "./support/retrieval-score.ts";

const K = 5;
/** Depth of the candidate lists fetched once and fused locally under each setting. */
const LIST_DEPTH = 100;
const LOAD = { requests: 2000, concurrency: 50 };
const BIG = "cplusplus-annotations.pdf";
const FIRST = "r-intro.pdf";

const f3 = (x: number) => x.toFixed(3);

function row(cells: (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

function scores(questions: readonly Question[], ranks: readonly (number | null)[]): string[] {
  const of = (lang?: string) =>
    metrics(ranks.filter((_, i) => !lang || questions[i].lang === lang), K);
  return [of(), of("en"), of("es")].flatMap((m) => [f3(m.recall), f3(m.mrr)]);
}

function printIngest(rows: Ingested[]): void {
  console.log("| document | pages | chunks | ingest s | ms/page | server peak RSS MiB |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    const s = r.seconds === null ? "reused" : r.seconds.toFixed(1);
    const perPage = r.seconds === null ? "-" : (r.seconds * 1000 / r.pages).toFixed(0);
    const peak = `${mib(r.peakBefore)} → ${mib(r.peakAfter)}`;
    console.log(row([r.file, r.pages, r.chunks, s, perPage, peak]));
  }
  console.log();
}

interface Setting {
  fusion: Fusion;
  /**
   * false: Spanish questions skip the vector list, as a service that routes queries in a
   * language the English-only model does not cover to full text alone would do.
   */
  spanishVectors: boolean;
}

function fusionGrid(defaults: Fusion): Setting[] {
  const grid: Setting[] = [];
  const add = (f: Partial<Fusion>, spanishVectors = true) =>
    grid.push({ fusion: { ...defaults, ...f }, spanishVectors });
  for (const rrfK of [5, 10, 60]) {
    for (const textWeight of [1, 1.5, 2, 3]) add({ vectorWeight: 1, textWeight, rrfK });
  }
  for (const candidates of [20, 100]) add({ candidates });
  add({}, false);
  add({ rrfK: 60, textWeight: 1, vectorWeight: 1 }, false);
  return grid;
}

function printFusion(
  questions: Question[],
  lists: Lists[],
  docOf: (f: string) => string,
  defaults: Fusion,
): void {
  console.log(
    `Hybrid under other fusion settings (lists of ${LIST_DEPTH} fused locally by ` +
      "search/fusion.ts; configured defaults marked *):\n",
  );
  console.log(
    "| vector w | text w | candidates | rrfK | Spanish queries | R@5 | MRR@5 | R@5 en | MRR@5 en " +
      "| R@5 es | MRR@5 es |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const { fusion: f, spanishVectors } of fusionGrid(defaults)) {
    const ranks = questions.map((q, i) => {
      const fusion = !spanishVectors && q.lang === "es" ? { ...f, vectorWeight: 0 } : f;
      return answerRank(fuse(lists[i], fusion, K), docOf(q.file), q.pages);
    });
    const mark = spanishVectors && JSON.stringify(f) === JSON.stringify(defaults) ? "*" : "";
    const spanish = spanishVectors ? "both lists" : "text only";
    const cells = [`${f.vectorWeight}${mark}`, f.textWeight, f.candidates, f.rrfK, spanish];
    console.log(row([...cells, ...scores(questions, ranks)]));
  }
  console.log();
}

/** Questions some list answers in its top 5 that hybrid does not, with each list's rank. */
function printMisses(
  questions: Question[],
  lists: Lists[],
  hybrid: (number | null)[],
  docOf: (f: string) => string,
): void {
  const lines: string[] = [];
  questions.forEach((q, i) => {
    const v = answerRank(lists[i].vector, docOf(q.file), q.pages);
    const t = answerRank(lists[i].text, docOf(q.file), q.pages);
    if (hybrid[i] !== null) return;
    lines.push(row([q.id, q.lang, v ?? `>${LIST_DEPTH}`, t ?? `>${LIST_DEPTH}`, q.question]));
  });
  console.log("Questions hybrid misses in its top 5 (answer rank in each list of 100):\n");
  console.log("| id | lang | vector rank | text rank | question |");
  console.log("|---|---|---|---|---|");
  for (const line of lines) console.log(line);
  console.log();
}

async function evaluate(
  server: TestServer,
  questions: Question[],
  docs: Map<string, string>,
  defaults: Fusion,
): Promise<void> {
  const client = { url: server.url };
  const docOf = (file: string) => docs.get(file)!;
  const ranks = await askModes(client, questions, docOf, K);
  console.log(
    `${questions.length} questions (${
      questions.filter((q) => q.lang === "es").length
    } es), k = ${K}:\n`,
  );
  console.log("| mode | R@5 | MRR@5 | R@5 en | MRR@5 en | R@5 es | MRR@5 es |");
  console.log("|---|---|---|---|---|---|---|");
  for (const mode of MODES) console.log(row([mode, ...scores(questions, ranks[mode])]));
  console.log();

  const lists = await candidateLists(client, questions, LIST_DEPTH);
  printFusion(questions, lists, docOf, defaults);
  // the local fusion must reproduce the server's own hybrid ranking at the configured settings
  let same = 0;
  for (const [i, q] of questions.entries()) {
    const server = (await searchHits(client, q.question, "hybrid", K)).map((h) => h.chunkId);
    if (
      JSON.stringify(server) === JSON.stringify(fuse(lists[i], defaults, K).map((h) => h.chunkId))
    ) same++;
  }
  console.log(
    `Local fusion equals the server's hybrid top 5 for ${same}/${questions.length} questions.\n`,
  );
  printMisses(questions, lists, ranks.hybrid, docOf);
}

export default async function run(): Promise<void> {
  const questions = loadQuestions();
  // read once, as the server does at its start: the fusion settings it runs with
  const { candidates, rrfK, vectorWeight, textWeight } = loadConfig().retrieval;
  const defaults = { candidates, rrfK, vectorWeight, textWeight };
  const files = [FIRST, ...new Set(questions.map((q) => q.file).filter((f) => f !== FIRST))];
  const dataDir = Deno.env.get("RETRIEVAL_BENCH_DIR") ??
    await Deno.makeTempDir({ prefix: "ligero-bench-retrieval-" });

  // 1. a fresh server: r-intro first (its own ingest time and peak), then the other files
  let server = await startServer({ dataDir });
  const ingested: Ingested[] = [];
  try {
    const docs = new Map<string, string>();
    for (const file of files) {
      const doc = await ingest(server, file);
      docs.set(file, doc.id);
      if (file === FIRST) ingested.push(doc);
    }
    await evaluate(server, questions, docs, defaults);
  } finally {
    await server.stop();
  }

  // 2. the same data restarted: the big book's ingestion, then search latency over everything
  server = await startServer({ dataDir });
  try {
    ingested.push(await ingest(server, BIG));
    printIngest(ingested);
    const list = await (await fetch(`${server.url}/documents?limit=200`)).json();
    const chunks = list.documents.reduce((n: number, d: { chunks: number }) => n + d.chunks, 0);
    const queries = questions.map((q) => q.question);
    const client = { url: server.url };
    await loadSearch(client, queries, 100, 10); // warm up: every question's embedding cached
    const runs = [];
    for (const distinct of [false, true]) {
      runs.push(await loadSearch(client, queries, 200, 1, distinct));
      runs.push(await loadSearch(client, queries, LOAD.requests, LOAD.concurrency, distinct));
    }
    console.log(
      `\`POST /search\` (hybrid, k = 5) over ${chunks} chunks, 127.0.0.1. "repeated": the ${queries.length} ` +
        "questions cycled, each already asked, so its query embedding comes from the cache; " +
        '"distinct": a made-up word appended to each request, so every query is new and ' +
        "goes through the encoder (full text runs for every request either way):\n",
    );
    console.log(
      "| queries | clients | requests | req/s | p50 ms | p99 ms | server p50 ms | server p99 ms |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    for (const l of runs) {
      console.log(
        row([
          l.distinct ? "distinct" : "repeated",
          l.concurrency,
          l.requests,
          (l.requests / l.seconds).toFixed(0),
          l.p50.toFixed(1),
          l.p99.toFixed(1),
          l.serverP50.toFixed(1),
          l.serverP99.toFixed(1),
        ]),
      );
    }
    const scraped = await (await fetch(`${server.url}/metrics`)).text();
    const cache = (result: string) =>
      new RegExp(`ligero_query_embedding_cache_total\\{result="${result}"\\} (\\d+)`)
        .exec(scraped)?.[1] ?? "0";
    console.log(
      `\nQuery-embedding cache over the whole run: ${cache("hit")} hits, ${cache("miss")} misses.`,
    );
    console.log(
      `\nPeak RSS of this second server (all documents loaded, the book ingested, the load): ${
        mib(procMemory(server.pid).peak)
      } MiB.`,
    );
  } finally {
    await server.stop();
    if (!Deno.env.get("RETRIEVAL_BENCH_DIR")) {
      await Deno.remove(dataDir, { recursive: true });
    }
  }
}

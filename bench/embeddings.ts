/**
 * `deno task bench embeddings`: all-MiniLM-L6-v2 on one query (~25 tokens), 32 texts × 128
 * tokens and 256 texts of 8–256 tokens — our kernel (f32, int8) beside transformers.js on
 * onnxruntime-node (fp32 and its dynamically quantized q8 export, the twin), each in its own
 * process (so peak RSS is its own), twice in alternating order, best of the two medians (the
 * box is shared). sentence-transformers (the seed's stack) needs PyTorch, which is not
 * installed here: its row says so.
 */
import { loadConfig } from "../config/load.ts";
import { modelDirectory } from "../plugins/embeddings/models.ts";
import { fetchModel } from "../scripts/fetch-model.ts";
import { mib } from "./support/proc.ts";

const RUNNER = new URL("./support/embeddings-run.ts", import.meta.url).pathname;
const NAMES = ["rust-f32", "rust-int8", "transformers-fp32", "transformers-q8"];

interface Result {
  name: string;
  implementation: string;
  queryTokens: number;
  loadMs: number;
  loadRss: number;
  modelBytes: number;
  queryMs: number;
  batch128PerSec: number;
  mixedPerSec: number;
  rss: number;
  peakRss: number;
}

async function measure(name: string): Promise<Result | string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", RUNNER, name],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr);
    return /export_onnx/.test(err) ? "no ONNX export (python3 scripts/export_onnx.py)" : "failed";
  }
  return JSON.parse(text) as Result;
}

/** Keeps the better of two runs per metric (lower time, higher rate, lower memory). */
function best(a: Result, b: Result): Result {
  return {
    ...a,
    loadMs: Math.min(a.loadMs, b.loadMs),
    queryMs: Math.min(a.queryMs, b.queryMs),
    batch128PerSec: Math.max(a.batch128PerSec, b.batch128PerSec),
    mixedPerSec: Math.max(a.mixedPerSec, b.mixedPerSec),
    loadRss: Math.min(a.loadRss, b.loadRss),
    peakRss: Math.min(a.peakRss, b.peakRss),
  };
}

export default async function run(): Promise<void> {
  const config = loadConfig();
  await fetchModel(config);
  const results = new Map<string, Result | string>();
  for (const name of [...NAMES, ...[...NAMES].reverse()]) {
    const r = await measure(name);
    const prev = results.get(name);
    results.set(
      name,
      typeof r === "string" || !prev || typeof prev === "string" ? r : best(prev, r),
    );
  }
  const cols = NAMES.map((n) => results.get(n)!);
  const cell = (f: (r: Result) => string) => cols.map((r) => typeof r === "string" ? r : f(r));
  const row = (label: string, cells: string[]) =>
    console.log(`| ${label} | ${cells.join(" | ")} |`);
  const tokens = cols.find((r): r is Result => typeof r !== "string")?.queryTokens;
  console.log(`model dir: ${modelDirectory(config)}; query = ${tokens} tokens\n`);
  row("", cols.map((r, i) => typeof r === "string" ? NAMES[i] : r.implementation));
  row("---", cols.map(() => "---:"));
  row("one query, median ms", cell((r) => r.queryMs.toFixed(2)));
  row("32 × 128 tokens, texts/s", cell((r) => r.batch128PerSec.toFixed(0)));
  row("256 mixed (8–256 tokens), texts/s", cell((r) => r.mixedPerSec.toFixed(0)));
  row("load, ms", cell((r) => r.loadMs.toFixed(0)));
  row("weights held, MiB", cell((r) => mib(r.modelBytes)));
  row("RSS added by loading, MiB", cell((r) => mib(r.loadRss)));
  row("peak RSS of the process, MiB", cell((r) => mib(r.peakRss)));
  console.log(
    "\nsentence-transformers (Python, the seed's stack): not measured, PyTorch is not installed " +
      "on this machine.",
  );
}

if (import.meta.main) await run();

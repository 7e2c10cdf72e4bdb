/**
 * One embeddings implementation in its own process (so peak RSS is its own), timed on the
 * benchmark's three workloads. Prints one JSON line. Used by bench/embeddings.ts:
 *   deno run -A bench/support/embeddings-run.ts <rust-f32|rust-int8|transformers-fp32|transformers-q8>
 */
import { loadConfig } from "../../config/load.ts";
import { embeddingsImplementations } from "../../plugins/embeddings/index.ts";
import type { EmbeddingKernel } from "../../plugins/embeddings/types.ts";
import { median, procMemory } from "./proc.ts";

const WORDS = ("memory server budget request document chunk vector store query answer model " +
  "token kernel index search result passage source citation upload").split(" ");

/** ~27 tokens with [CLS] and [SEP], a typical question. */
export const QUERY =
  "How does the memory governor decide when to shed heavy requests, and what happens to uploads near the ceiling?";

function words(n: number, seed: number): string {
  return Array.from({ length: n }, (_, i) => WORDS[(i * 7 + seed) % WORDS.length]).join(" ");
}

/** 32 texts of 128 tokens (126 one-token words). */
export const BATCH_128 = Array.from({ length: 32 }, (_, i) => words(126, i));
/** 256 texts of 8 to 256 tokens. */
export const BATCH_MIXED = Array.from({ length: 256 }, (_, i) => words(6 + (i * 37) % 249, i));

async function time(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function open(name: string): Promise<EmbeddingKernel> {
  const [impl, precision] = name.split("-");
  const env = {
    ...Deno.env.toObject(),
    LIGERO_EMBEDDINGS__QUANTIZATION: precision === "f32" || precision === "fp32" ? "f32" : "int8",
    // the kernel itself, loaded for good: on demand it would load at the first call, outside
    // "load" and "RSS added by loading"
    LIGERO_EMBEDDINGS__KEEP_ALIVE_SECONDS: "0",
  };
  // the model is already fetched by the parent (hashing it here would inflate peak RSS)
  const config = loadConfig(env);
  const factory = embeddingsImplementations[impl as keyof typeof embeddingsImplementations];
  if (!factory) throw new Error(`unknown implementation ${impl}`);
  return await factory(config);
}

if (import.meta.main) {
  const name = Deno.args[0];
  const rssBefore = Deno.memoryUsage().rss;
  const loadStart = performance.now();
  const kernel = await open(name);
  const loadMs = performance.now() - loadStart;
  const rssLoaded = Deno.memoryUsage().rss;
  const query = await time(() => kernel.embed([QUERY]), 200);
  const batch128 = await time(() => kernel.embed(BATCH_128), 5);
  const mixed = await time(() => kernel.embed(BATCH_MIXED), 3);
  console.log(JSON.stringify({
    name,
    implementation: kernel.implementation,
    queryTokens: kernel.countTokens(QUERY) + 2,
    loadMs,
    loadRss: rssLoaded - rssBefore,
    modelBytes: kernel.modelBytes,
    queryMs: query,
    batch128PerSec: 32 / (batch128 / 1000),
    mixedPerSec: 256 / (mixed / 1000),
    rss: procMemory(Deno.pid).rss,
    peakRss: procMemory(Deno.pid).peak,
  }));
  kernel.close();
}

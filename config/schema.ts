/**
 * The shape of `ligero.jsonc`. Every key has a default, so an empty file is a valid config;
 * `docs/configuration.md` explains each one.
 */
import { z } from "zod";
import { parseBytes } from "./units.ts";

const bytes = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseBytes(value);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
});

/** "auto" tries the Rust kernel first and falls back to the JS twin when it cannot load. */
const kernelChoice = <T extends string>(names: readonly [T, ...T[]]) =>
  z.enum(["auto", ...names] as [string, ...string[]]);

/**
 * One remote LLM provider. The base URL comes only from here, never from a request; the key
 * only from the environment variable named by apiKeyEnv.
 */
const llmRemote = (defaults: {
  baseUrl: string;
  model: string;
  apiKeyEnv: string;
  maxTokens: number;
}) =>
  z.object({
    baseUrl: z.url({ protocol: /^https?$/ }).default(defaults.baseUrl),
    model: z.string().min(1).default(defaults.model),
    /** Empty for servers that need no key (Ollama, llama.cpp). */
    apiKeyEnv: z.string().default(defaults.apiKeyEnv),
    timeouts: z.object({
      /** Until the response headers. */
      connectMs: z.number().int().min(100).default(30_000),
      /** Longest silence while the answer streams. */
      idleMs: z.number().int().min(100).default(60_000),
      /** The whole call, retries and their waits included. */
      totalMs: z.number().int().min(1000).default(300_000),
    }).strict().prefault({}),
    /** Retries on 429, 5xx and refused connections, only before the first token. */
    maxRetries: z.number().int().min(0).max(10).default(2),
    temperature: z.number().min(0).max(2).default(0.3),
    /** Longest answer, in tokens. */
    maxTokens: z.number().int().min(1).default(defaults.maxTokens),
    /** Tokens the prompt (sources, history, question) may use. */
    promptTokens: z.number().int().min(500).default(6000),
  }).strict().prefault({});

export const configSchema = z.object({
  server: z.object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Largest JSON body a route accepts; uploads have their own limit. */
    jsonBodyLimit: bytes.default(1024 * 1024),
    /** The whole request body must arrive within this; a trickling client gets 408. */
    bodyTimeoutMs: z.number().int().min(100).default(120_000),
    /** Origins allowed to call the API from a browser; empty turns CORS off. "*" allows any. */
    corsOrigins: z.array(z.string().min(1)).default([]),
  }).strict().prefault({}),
  kernels: z.object({
    similarity: kernelChoice(["rust", "ts"]).default("auto"),
    embeddings: kernelChoice(["rust", "transformers"]).default("auto"),
    pdf: kernelChoice(["rust", "unpdf"]).default("auto"),
    /** Where the built cdylibs live; empty means `kernels/target/release` in this checkout. */
    libraryDir: z.string().default(""),
  }).strict().prefault({}),
  memory: z.object({
    /** "auto": the cgroup's limit when one is set, else 256 MiB. */
    ceiling: z.union([z.string(), z.number()]).transform((value, ctx) => {
      if (value === "auto") return "auto" as const;
      try {
        return parseBytes(value);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: `${(e as Error).message}, or "auto"` });
        return z.NEVER;
      }
    }).default("auto"),
    /** Heavy requests are shed above this fraction of the ceiling. */
    shedAt: z.number().gt(0).max(1).default(0.9),
    sampleMs: z.number().int().min(10).max(10_000).default(250),
    /** Heavy requests (uploads, chat, embeddings) run at once; more wait in a queue. */
    heavyConcurrency: z.number().int().min(1).max(256).default(2),
    /** Heavy requests that may wait for a slot; beyond it they get 503 server_busy. */
    heavyQueue: z.number().int().min(0).max(10_000).default(16),
    /** Longest wait for a heavy slot before 503 server_busy: a quick no beats a timeout. */
    heavyWaitMs: z.number().int().min(0).max(600_000).default(5000),
  }).strict().prefault({}),
  limits: z.object({
    uploadBytes: bytes.default(50 * 1024 * 1024),
    pages: z.number().int().min(1).default(5000),
  }).strict().prefault({}),
  store: z.object({
    /** Used when DATABASE_URL is empty: the embedded SQLite database lives here. */
    dataDir: z.string().default("./data"),
    databaseUrl: z.string().default(""),
    poolSize: z.number().int().min(1).max(100).default(5),
    /** Shared PostgreSQL: how often the vector index looks for changes NOTIFY did not announce. */
    changePollMs: z.number().int().min(50).max(60_000).default(1000),
    /** Where vector queries run: "memory" (the in-process index, every instance holds every
     * vector) or "pgvector" (an HNSW index in PostgreSQL; needs the `vector` extension). */
    vectorSearch: z.enum(["memory", "pgvector"]).default("memory"),
  }).strict().prefault({}),
  embeddings: z.object({
    /** A model of plugins/embeddings/models.ts, fetched into .cache/models/ by prepare. */
    model: z.string().default("sentence-transformers/all-MiniLM-L6-v2"),
    /** A local BERT-family model directory to use instead (nothing is fetched). */
    modelDir: z.string().default(""),
    /** int8: weights quantized at load, ~4× smaller and faster, cosine ≥ 0.995 to f32. */
    quantization: z.enum(["f32", "int8"]).default("int8"),
    /** Texts per kernel call (bounds its buffers); longer inputs are split. */
    batchSize: z.number().int().min(1).max(4096).default(256),
    /** Kernel worker threads; 0 means one per core. */
    threads: z.number().int().min(0).max(256).default(0),
    /** The model leaves memory after this many seconds unused and reloads on the next call;
     * 0 keeps it loaded for good. */
    keepAliveSeconds: z.number().int().min(0).default(300),
  }).strict().prefault({}),
  llm: z.object({
    /** "offline" answers by quoting the sources: no key, no network. */
    provider: z.enum(["offline", "kimi", "gemini", "openai"]).default("offline"),
    kimi: llmRemote({
      baseUrl: "https://api.moonshot.ai/v1",
      model: "kimi-k2-0905-preview",
      apiKeyEnv: "MOONSHOT_API_KEY",
      maxTokens: 2048,
    }),
    gemini: llmRemote({
      baseUrl: "https://generativelanguage.googleapis.com",
      model: "gemini-2.5-flash",
      apiKeyEnv: "GEMINI_API_KEY",
      // Gemini 2.5 counts its thinking against maxOutputTokens.
      maxTokens: 4096,
    }),
    openai: llmRemote({
      baseUrl: "https://api.openai.com/v1",
      model: "gpt-4o-mini",
      apiKeyEnv: "OPENAI_API_KEY",
      maxTokens: 1024,
    }),
  }).strict().prefault({}),
  ingest: z.object({
    /** Documents waiting for ingestion; uploads beyond it get 503 queue_full. */
    queueSize: z.number().int().min(1).max(10_000).default(100),
    /** Documents ingested at once. Each kernel already uses every core, so 1 is right for 2. */
    concurrency: z.number().int().min(1).max(16).default(1),
    /** Pages extracted and written per transaction. */
    pageBatch: z.number().int().min(1).max(1000).default(16),
    /** Chunks embedded and written per transaction. */
    chunkBatch: z.number().int().min(1).max(1024).default(32),
    /** Shared PostgreSQL: a job's lease, renewed every third of it; a dead instance's job is
     * taken over when it runs out. */
    leaseMs: z.number().int().min(500).max(600_000).default(30_000),
    /** Shared PostgreSQL: how often an instance looks for jobs to claim. */
    pollMs: z.number().int().min(50).max(60_000).default(1000),
  }).strict().prefault({}),
  chunking: z.object({
    /** Chunk size in the embedding model's tokens; chunks never pass the model's limit. */
    targetTokens: z.number().int().min(16).max(8192).default(160),
    /** Tokens of the previous chunk repeated at the start of the next (whole sentences). */
    overlapTokens: z.number().int().min(0).max(4096).default(32),
  }).strict().prefault({}),
  retrieval: z.object({
    /** Candidates taken from each list (vector, full text) before fusion. */
    candidates: z.number().int().min(1).max(1000).default(50),
    /**
     * Reciprocal Rank Fusion constant: score = Σ weight / (rrfK + rank). A small rrfK and a
     * heavier full-text list: with the English-only default model, equal weights at rrfK 60
     * lost to full text alone (docs/retrieval.md has the evaluation).
     */
    rrfK: z.number().min(1).max(1000).default(5),
    vectorWeight: z.number().min(0).max(10).default(1),
    textWeight: z.number().min(0).max(10).default(1.5),
    maxK: z.number().int().min(1).max(1000).default(100),
    /** Query embeddings kept for repeated queries (~2 KiB each with MiniLM); 0 turns it off. */
    queryCacheEntries: z.number().int().min(0).max(100_000).default(256),
  }).strict().prefault({}),
  chat: z.object({
    /** Passages retrieved for an answer (the prompt budget may keep fewer). */
    sources: z.number().int().min(1).max(50).default(6),
    /** Earlier messages of a conversation offered to the prompt builder. */
    historyMessages: z.number().int().min(0).max(100).default(10),
  }).strict().prefault({}),
  auth: z.object({
    /** Off: every request acts as the single local user (a laptop). Logged loudly at start. */
    enabled: z.boolean().default(false),
    /** The environment variable holding the admin key that manages users and keys. */
    adminKeyEnv: z.string().default("LIGERO_ADMIN_KEY"),
    /** Requests per minute per API key; 0 turns the limit off. */
    rateLimitPerMinute: z.number().int().min(0).default(600),
  }).strict().prefault({}),
  log: z.object({
    level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  }).strict().prefault({}),
}).strict();

export type Config = z.output<typeof configSchema>;

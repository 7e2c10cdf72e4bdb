/**
 * The shape of `ligero.jsonc`. Every key has a default, so an empty file is a valid config;
 * `docs/configuration.md` explains each one.
 */
import * as v from "valibot";
import { int, num, str } from "../server/rules.ts";
import { parseBytes } from "./units.ts";

/** A byte size: a number of bytes or a string with a unit ("256MiB"). */
const bytes = v.pipe(
  v.union([v.string(), v.number()]),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return parseBytes(dataset.value);
    } catch (e) {
      addIssue({ message: (e as Error).message });
      return NEVER;
    }
  }),
);

/** The memory ceiling: a byte size, or "auto" (the cgroup's limit, else 256 MiB). */
const ceiling = v.pipe(
  v.union([v.string(), v.number()]),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    if (dataset.value === "auto") return "auto" as const;
    try {
      return parseBytes(dataset.value);
    } catch (e) {
      addIssue({ message: `${(e as Error).message}, or "auto"` });
      return NEVER;
    }
  }),
);

/** An optional key with its default. */
const opt = <S extends v.GenericSchema>(schema: S, value: v.InferInput<S>) =>
  v.optional(schema, value as never);

/** A section of the file: every key known (a typo is an error), all of them optional. */
const section = <E extends v.ObjectEntries>(entries: E) =>
  v.optional(
    v.strictObject(
      entries,
      (issue) =>
        issue.expected === "never"
          ? `unknown key (valid: ${Object.keys(entries).join(", ")})`
          : `expected an object, got ${issue.received}`,
    ),
    // every key inside has its default, so an absent section is parsed from {}
    {} as never,
  );

/** One of a few names; a wrong one is told the valid ones. */
const oneOf = <const T extends string>(names: readonly T[]) =>
  v.picklist(names, (issue) => `unknown value ${issue.received} (valid: ${names.join(", ")})`);

/** "auto" tries the Rust kernel first and falls back to the JS twin when it cannot load. */
const kernelChoice = <const T extends string>(names: readonly T[]) =>
  opt(oneOf(["auto", ...names]), "auto");

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
  section({
    baseUrl: opt(
      v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//i, "must be an http(s) URL")),
      defaults.baseUrl,
    ),
    model: opt(str(1, 500), defaults.model),
    /** Empty for servers that need no key (Ollama, llama.cpp). */
    apiKeyEnv: opt(v.string(), defaults.apiKeyEnv),
    timeouts: section({
      /** Until the response headers. */
      connectMs: opt(int(100), 30_000),
      /** Longest silence while the answer streams. */
      idleMs: opt(int(100), 60_000),
      /** The whole call, retries and their waits included. */
      totalMs: opt(int(1000), 300_000),
    }),
    /** Retries on 429, 5xx and refused connections, only before the first token. */
    maxRetries: opt(int(0, 10), 2),
    temperature: opt(num(0, 2), 0.3),
    /** Longest answer, in tokens. */
    maxTokens: opt(int(1), defaults.maxTokens),
    /** Tokens the prompt (sources, history, question) may use. */
    promptTokens: opt(int(500), 6000),
  });

export const configSchema = v.strictObject({
  server: section({
    host: opt(v.string(), "127.0.0.1"),
    port: opt(int(0, 65535), 8080),
    /** Largest JSON body a route accepts; uploads have their own limit. */
    jsonBodyLimit: opt(bytes, 1024 * 1024),
    /** The whole request body must arrive within this; a trickling client gets 408. */
    bodyTimeoutMs: opt(int(100), 120_000),
    /** Origins allowed to call the API from a browser; empty turns CORS off. "*" allows any. */
    corsOrigins: opt(v.array(str(1, 1000)), []),
  }),
  kernels: section({
    similarity: kernelChoice(["rust", "ts"]),
    embeddings: kernelChoice(["rust", "transformers"]),
    pdf: kernelChoice(["rust", "unpdf"]),
    /** Where the built cdylibs live; empty means `kernels/target/release` in this checkout. */
    libraryDir: opt(v.string(), ""),
  }),
  memory: section({
    /** "auto": the cgroup's limit when one is set, else 256 MiB. */
    ceiling: opt(ceiling, "auto"),
    /** Heavy requests are shed above this fraction of the ceiling. */
    shedAt: opt(v.pipe(v.number(), v.gtValue(0), v.maxValue(1)), 0.9),
    sampleMs: opt(int(10, 10_000), 250),
    /** Heavy requests (uploads, chat, embeddings) run at once; more wait in a queue. */
    heavyConcurrency: opt(int(1, 256), 2),
    /** Heavy requests that may wait for a slot; beyond it they get 503 server_busy. */
    heavyQueue: opt(int(0, 10_000), 16),
    /** Longest wait for a heavy slot before 503 server_busy: a quick no beats a timeout. */
    heavyWaitMs: opt(int(0, 600_000), 5000),
  }),
  limits: section({
    uploadBytes: opt(bytes, 50 * 1024 * 1024),
    pages: opt(int(1), 5000),
  }),
  store: section({
    /** Used when DATABASE_URL is empty: the embedded SQLite database lives here. */
    dataDir: opt(v.string(), "./data"),
    databaseUrl: opt(v.string(), ""),
    poolSize: opt(int(1, 100), 5),
    /** Shared PostgreSQL: how often the vector index looks for changes NOTIFY did not announce. */
    changePollMs: opt(int(50, 60_000), 1000),
    /** Shared PostgreSQL: changes older than this are pruned from the change log (hourly); an
     * index that falls further behind, or a snapshot older, loads everything again. */
    changeRetentionHours: opt(int(1, 100_000), 168),
    /** Where vector queries run: "memory" (the in-process index, every instance holds every
     * vector) or "pgvector" (an HNSW index in PostgreSQL; needs the `vector` extension). */
    vectorSearch: opt(oneOf(["memory", "pgvector"]), "memory"),
  }),
  embeddings: section({
    /** A model of plugins/embeddings/models.ts, fetched into .cache/models/ by prepare. */
    model: opt(v.string(), "sentence-transformers/all-MiniLM-L6-v2"),
    /** A local BERT-family model directory to use instead (nothing is fetched). */
    modelDir: opt(v.string(), ""),
    /** int8: weights quantized at load, ~4× smaller and faster, cosine ≥ 0.995 to f32. */
    quantization: opt(oneOf(["f32", "int8"]), "int8"),
    /** Texts per kernel call (bounds its buffers); longer inputs are split. */
    batchSize: opt(int(1, 4096), 256),
    /** Kernel worker threads; 0 means one per core. */
    threads: opt(int(0, 256), 0),
    /** The model leaves memory after this many seconds unused and reloads on the next call;
     * 0 keeps it loaded for good. */
    keepAliveSeconds: opt(int(0), 300),
  }),
  llm: section({
    /** "offline" answers by quoting the sources: no key, no network. */
    provider: opt(oneOf(["offline", "kimi", "gemini", "openai"]), "offline"),
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
  }),
  ingest: section({
    /** Documents waiting for ingestion; uploads beyond it get 503 queue_full. */
    queueSize: opt(int(1, 10_000), 100),
    /** Documents ingested at once. Each kernel already uses every core, so 1 is right for 2. */
    concurrency: opt(int(1, 16), 1),
    /** Pages extracted and written per transaction. */
    pageBatch: opt(int(1, 1000), 16),
    /** Chunks embedded and written per transaction. */
    chunkBatch: opt(int(1, 1024), 32),
    /** Shared PostgreSQL: a job's lease, renewed every third of it; a dead instance's job is
     * taken over when it runs out. */
    leaseMs: opt(int(500, 600_000), 30_000),
    /** Shared PostgreSQL: how often an instance looks for jobs to claim. */
    pollMs: opt(int(50, 60_000), 1000),
  }),
  chunking: section({
    /** Chunk size in the embedding model's tokens; chunks never pass the model's limit. */
    targetTokens: opt(int(16, 8192), 160),
    /** Tokens of the previous chunk repeated at the start of the next (whole sentences). */
    overlapTokens: opt(int(0, 4096), 32),
  }),
  retrieval: section({
    /** Candidates taken from each list (vector, full text) before fusion. */
    candidates: opt(int(1, 1000), 50),
    /**
     * Reciprocal Rank Fusion constant: score = Σ weight / (rrfK + rank). A small rrfK and a
     * heavier full-text list: with the English-only default model, equal weights at rrfK 60
     * lost to full text alone (docs/retrieval.md has the evaluation).
     */
    rrfK: opt(num(1, 1000), 5),
    vectorWeight: opt(num(0, 10), 1),
    textWeight: opt(num(0, 10), 1.5),
    maxK: opt(int(1, 1000), 100),
    /** Query embeddings kept for repeated queries (~2 KiB each with MiniLM); 0 turns it off. */
    queryCacheEntries: opt(int(0, 100_000), 256),
  }),
  chat: section({
    /** Passages retrieved for an answer (the prompt budget may keep fewer). */
    sources: opt(int(1, 50), 6),
    /** Earlier messages of a conversation offered to the prompt builder. */
    historyMessages: opt(int(0, 100), 10),
  }),
  auth: section({
    /** Off: every request acts as the single local user (a laptop). Logged loudly at start. */
    enabled: opt(v.boolean(), false),
    /** The environment variable holding the admin key that manages users and keys. */
    adminKeyEnv: opt(v.string(), "LIGERO_ADMIN_KEY"),
    /** Requests per minute per API key; 0 turns the limit off. */
    rateLimitPerMinute: opt(int(0), 600),
  }),
  log: section({
    level: opt(oneOf(["debug", "info", "warn", "error"]), "info"),
  }),
});

export type Config = v.InferOutput<typeof configSchema>;

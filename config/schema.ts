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

export const configSchema = z.object({
  server: z.object({
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Largest JSON body a route accepts; uploads have their own limit. */
    jsonBodyLimit: bytes.default(1024 * 1024),
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
  }).strict().prefault({}),
  llm: z.object({
    provider: z.enum(["offline", "kimi", "gemini", "openai"]).default("offline"),
  }).passthrough().prefault({}),
  log: z.object({
    level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  }).strict().prefault({}),
}).strict();

export type Config = z.output<typeof configSchema>;

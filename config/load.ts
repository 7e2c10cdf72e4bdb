/**
 * Loads the config: `ligero.jsonc` (or the file named by LIGERO_CONFIG), then environment
 * overrides, then validation. Any problem becomes one ConfigError line naming the key.
 */
import * as v from "valibot";
import { JsoncError, parseJsonc } from "./jsonc.ts";
import { issuePath } from "../server/rules.ts";
import { type Config, configSchema } from "./schema.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

const DEFAULT_FILE = new URL("../ligero.jsonc", import.meta.url);

export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const path = env.LIGERO_CONFIG ? env.LIGERO_CONFIG : DEFAULT_FILE;
  const raw = readConfigFile(path);
  applyEnvironment(raw, env);
  const result = v.safeParse(configSchema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    throw new ConfigError(`config: ${issuePath(issue) || "(root)"}: ${issue.message}`);
  }
  return result.output;
}

function readConfigFile(path: string | URL): Record<string, unknown> {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && path === DEFAULT_FILE) return {};
    throw new ConfigError(`config: cannot read ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseJsonc(text);
  } catch (e) {
    if (!(e instanceof JsoncError)) throw e;
    throw new ConfigError(`config: ${path}: line ${e.line}: ${e.message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(`config: ${path}: the top level must be an object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Environment overrides: PORT, DATABASE_URL, and LIGERO_<SECTION>__<KEY> (double underscore
 * between levels, case and underscores inside a name ignored: LIGERO_MEMORY__SHED_AT sets
 * memory.shedAt). Values are read as JSON when they parse, else as strings.
 */
function applyEnvironment(raw: Record<string, unknown>, env: Record<string, string | undefined>) {
  if (env.PORT) setPath(raw, ["server", "port"], env.PORT);
  if (env.DATABASE_URL) setPath(raw, ["store", "databaseUrl"], env.DATABASE_URL);
  for (const [name, value] of Object.entries(env)) {
    // every key lives in a section, so overrides name at least two levels; other LIGERO_*
    // variables (LIGERO_CONFIG, LIGERO_ADMIN_KEY...) are not config keys
    if (!name.startsWith("LIGERO_") || !name.includes("__") || value === undefined) continue;
    const path = name.slice("LIGERO_".length).split("__");
    setPath(raw, path, value);
  }
}

function setPath(target: Record<string, unknown>, path: string[], text: string) {
  let node = target;
  for (const [i, part] of path.entries()) {
    const key = matchKey(node, part);
    if (i === path.length - 1) {
      node[key] = parseValue(text);
      return;
    }
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
}

/** Finds the existing or schema key for an env segment: SHED_AT → shedAt. */
function matchKey(node: Record<string, unknown>, envPart: string): string {
  const wanted = envPart.replaceAll("_", "").toLowerCase();
  const candidates = [...Object.keys(node), ...schemaKeys()];
  return candidates.find((k) => k.toLowerCase() === wanted) ?? envPart.toLowerCase();
}

let knownKeys: string[] | undefined;
function schemaKeys(): string[] {
  knownKeys ??= collectKeys(v.parse(configSchema, {}));
  return knownKeys;
}

function collectKeys(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...collectKeys(v)]);
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

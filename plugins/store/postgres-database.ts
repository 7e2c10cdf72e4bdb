/**
 * Connecting to PostgreSQL through postgres.js: a pool sized from config, migrations applied
 * in one transaction under a transaction-scoped advisory lock (two instances starting at once
 * take turns; the second finds nothing to do), and errors that mean "the database does not
 * answer" turned into StoreUnavailableError.
 */
import postgres from "postgres";
import { loadMigrations } from "./migrations.ts";
import { StoreError, StoreFullError, StoreUnavailableError } from "./types.ts";

export type Sql = postgres.Sql;

/** pg_advisory_xact_lock key for migrations: "ligero" in ASCII. */
const MIGRATION_LOCK = 0x6c6967657230;

/** postgres.js connection-level error codes. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE", // written to a socket the server already closed
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

export function connect(url: string, poolSize: number): Sql {
  return postgres(url, {
    max: poolSize,
    connect_timeout: 5,
    idle_timeout: 60,
    // postgres.js delays each reconnect by 3^n / 100 s (up to 20 s), n counting every failed
    // connect of the whole pool since the last success: after a restart, queries waited that
    // long for a connection. A refused connect costs little, so retry soon.
    backoff: reconnectDelay,
    onnotice: () => {}, // to_tsquery's "only stop words" notices
  });
}

/** Seconds before a closed connection connects again, after `retries` failed connects. */
function reconnectDelay(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 0.5);
}

export async function migrate(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
    const applied = new Set(
      (await tx`SELECT version FROM schema_migrations`).map((r) => r.version),
    );
    for (const m of loadMigrations("postgres")) {
      if (applied.has(m.version)) continue;
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, ${m.name})`;
    }
  });
}

/** Runs `fn`, turning connection failures and server shutdowns into StoreUnavailableError and
 * a full disk into StoreFullError. */
export async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StoreError) throw e;
    if ((e as { code?: unknown }).code === "53100") { // disk_full
      throw new StoreFullError(`postgres: ${(e as Error).message}`, { cause: e });
    }
    if (isUnavailable(e)) {
      throw new StoreUnavailableError(`postgres: ${(e as Error).message}`, { cause: e });
    }
    throw e;
  }
}

function isUnavailable(e: unknown): boolean {
  const code = String((e as { code?: unknown }).code ?? "");
  // SQLSTATE 08: connection exception; 57P0x: shutdown / cannot connect now; 53: resources.
  return CONNECTION_CODES.has(code) || /^(08|57P0|53)/.test(code);
}

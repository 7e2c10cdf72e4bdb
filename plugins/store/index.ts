/**
 * The store slot's implementations. Not a kernel: the config picks it, PostgreSQL when
 * `store.databaseUrl` (DATABASE_URL) is set, else the embedded SQLite file in `store.dataDir`.
 */
import type { Config } from "../../config/schema.ts";
import { SqliteStore } from "./sqlite.ts";
import type { PgvectorSearch } from "./postgres-pgvector.ts";
import { type Store, StoreError } from "./types.ts";

const HOUR_MS = 60 * 60 * 1000;

export const storeImplementations = {
  sqlite: (config: Config): Promise<Store> =>
    new Promise((resolve) => resolve(SqliteStore.open(config.store.dataDir))),
  postgres: async (config: Config): Promise<Store> => {
    // Loaded only when used: postgres.js adds a few MB of RSS to a process that never needs it.
    const { PostgresStore } = await import("./postgres.ts");
    const { databaseUrl, poolSize, changeRetentionHours } = config.store;
    return await PostgresStore.open(databaseUrl, poolSize, changeRetentionHours * HOUR_MS);
  },
};

/**
 * The pgvector similarity plugin when `store.vectorSearch` is "pgvector" (PostgreSQL with the
 * `vector` extension); undefined for the in-process index.
 */
export async function openPgvector(
  config: Config,
  model: string,
  dims: number,
): Promise<PgvectorSearch | undefined> {
  if (config.store.vectorSearch !== "pgvector") return undefined;
  if (!config.store.databaseUrl) {
    throw new StoreError('store.vectorSearch "pgvector" needs PostgreSQL (set DATABASE_URL)');
  }
  const { PgvectorSearch } = await import("./postgres-pgvector.ts");
  return await PgvectorSearch.open(config.store.databaseUrl, model, dims);
}

/** Opens the configured store and applies its migrations. */
export function openStore(config: Config): Promise<Store> {
  return config.store.databaseUrl
    ? storeImplementations.postgres(config)
    : storeImplementations.sqlite(config);
}

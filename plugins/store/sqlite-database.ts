/**
 * Opening the embedded database: one file `ligero.db` under the data directory, WAL, foreign
 * keys, migrations under BEGIN IMMEDIATE, and an exclusive lock held for the life of the
 * process, so a second ligero on the same directory fails at startup with a clear message
 * instead of two writers sharing one file. The lock is the OS file lock SQLite takes, so a
 * killed process releases it.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { join } from "node:path";
import { loadMigrations } from "./migrations.ts";
import { StoreError, StoreFullError, StoreLockedError, StoreUnavailableError } from "./types.ts";

/** How long a write waits for a lock before it fails. */
const BUSY_TIMEOUT_MS = 5000;
/** How long opening waits for another process to let go (it rarely does: fail fast). */
const OPEN_TIMEOUT_MS = 500;

/**
 * Messages of the result codes that mean "the database cannot be used now", not "this query
 * is wrong" (BUSY, LOCKED, IOERR, CANTOPEN; FULL has its own error). Deno's node:sqlite errors
 * carry only the message, not the numeric code.
 */
const BUSY = /^database (table )?is locked/;
const UNAVAILABLE = /^(database (table )?is locked|disk I\/O error|unable to open database file)/;
const FULL = /^database or disk is full/;

export class SqliteDatabase {
  readonly path: string;
  #db: DatabaseSync | null;
  #statements = new Map<string, StatementSync>();

  constructor(dataDir: string) {
    Deno.mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, "ligero.db");
    this.#db = new DatabaseSync(this.path, { timeout: OPEN_TIMEOUT_MS });
    try {
      // EXCLUSIVE before WAL: the WAL index then lives in process memory and the file lock
      // taken by the first write below is kept until close.
      this.#db.exec("PRAGMA locking_mode = EXCLUSIVE");
      this.#db.exec("PRAGMA journal_mode = WAL");
      this.#db.exec("PRAGMA synchronous = NORMAL");
      this.#db.exec("PRAGMA foreign_keys = ON");
      this.migrate();
      this.#db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    } catch (e) {
      this.#db.close();
      this.#db = null;
      if (isBusy(e)) {
        throw new StoreLockedError(
          `${this.path} is in use by another ligero process; the embedded store serves one ` +
            `process. Stop the other one, or set DATABASE_URL to share a PostgreSQL.`,
          { cause: e },
        );
      }
      throw e;
    }
  }

  /** Applies the migrations this file lacks; running it again changes nothing. */
  migrate(): void {
    this.transaction(() => {
      this.db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations " +
          "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
      );
      const applied = new Set(
        this.db.prepare("SELECT version FROM schema_migrations").all().map((r) => r.version),
      );
      for (const m of loadMigrations("sqlite")) {
        if (applied.has(m.version)) continue;
        this.db.exec(m.sql);
        this.db.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)")
          .run(m.version, m.name, new Date().toISOString());
      }
    });
  }

  get db(): DatabaseSync {
    if (!this.#db) throw new StoreUnavailableError("the store is closed");
    return this.#db;
  }

  /** A cached prepared statement. */
  q(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` in a write transaction; any throw rolls it back. */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (e) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw e;
    }
  }

  /** Runs `fn`, turning "cannot use the database now" into StoreUnavailableError and a full
   * disk into StoreFullError. */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof StoreError) throw e;
      if (FULL.test((e as Error).message)) {
        throw new StoreFullError(`sqlite: ${(e as Error).message}`, { cause: e });
      }
      if (UNAVAILABLE.test((e as Error).message)) {
        throw new StoreUnavailableError(`sqlite: ${(e as Error).message}`, { cause: e });
      }
      throw e;
    }
  }

  close(): void {
    this.#statements.clear();
    this.#db?.close();
    this.#db = null;
  }
}

function isBusy(e: unknown): boolean {
  return BUSY.test((e as Error).message);
}

import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { type Backend, runConformance } from "./conformance.ts";
import { SqliteStore } from "./sqlite.ts";

const root = Deno.makeTempDirSync({ prefix: "ligero-sqlite-" });
let n = 0;

const sqlite: Backend = {
  name: "sqlite",
  singleInstance: true,
  newLocation: () => Promise.resolve(join(root, `db${n++}`)),
  open: (dir) => new Promise((resolve) => resolve(SqliteStore.open(dir))),
  appliedVersions: (dir) => {
    const db = new DatabaseSync(join(dir, "ligero.db"), { readOnly: true });
    try {
      return Promise.resolve(
        db.prepare("SELECT version FROM schema_migrations ORDER BY version").all()
          .map((r) => Number(r.version)),
      );
    } finally {
      db.close();
    }
  },
};

Deno.test("store conformance: sqlite", async (t) => {
  try {
    await runConformance(t, sqlite);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

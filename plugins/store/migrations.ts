/**
 * Versioned schema migrations: `migrations/<backend>/NNN_name.sql`, applied in version order,
 * each once, recorded in `schema_migrations`. Files are never edited after release; a change
 * is a new file.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(backend: "sqlite" | "postgres"): Migration[] {
  const dir = new URL(`./migrations/${backend}/`, import.meta.url);
  const migrations: Migration[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const match = /^(\d+)_([\w-]+)\.sql$/.exec(entry.name);
    if (!entry.isFile || !match) continue;
    migrations.push({
      version: Number(match[1]),
      name: match[2],
      sql: Deno.readTextFileSync(new URL(entry.name, dir)),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new Error(`two ${backend} migrations share version ${migrations[i].version}`);
    }
  }
  return migrations;
}

/**
 * A throwaway PostgreSQL 15 cluster for tests: initdb into a temp dir, `pg_ctl start` on a
 * free 127.0.0.1 port, stopped and removed by `stop()`. PostgreSQL refuses to run as root, so
 * when the tests do, the cluster runs as the `postgres` OS user (created by the apt package)
 * through `runuser`. Binaries come from LIGERO_PG_BIN or /usr/lib/postgresql/15/bin.
 */
import postgres from "postgres";

export interface PostgresCluster {
  /** Connection URL of the `postgres` database (superuser, no password). */
  url: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Shuts the server down (fast: sessions cut, data kept); `resume()` starts it again. */
  halt(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const BIN = Deno.env.get("LIGERO_PG_BIN") ?? "/usr/lib/postgresql/15/bin";

export async function startPostgres(): Promise<PostgresCluster> {
  try {
    Deno.statSync(`${BIN}/initdb`);
  } catch {
    throw new Error(
      `PostgreSQL 15 binaries not found in ${BIN}: install them (apt-get install -y ` +
        `postgresql) or point LIGERO_PG_BIN at the directory holding initdb and pg_ctl`,
    );
  }
  const root = await Deno.makeTempDir({ prefix: "ligero-pg-" });
  const asRoot = Deno.uid() === 0;
  if (asRoot) await run(["chown", "postgres:postgres", root], false);
  const data = `${root}/data`;
  await run([
    `${BIN}/initdb`,
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ], asRoot);
  const port = freePort();
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c full_page_writes=off",
    "-c max_connections=100",
  ].join(" ");
  const start = () =>
    run([`${BIN}/pg_ctl`, "-D", data, "-o", options, "-l", `${root}/log`, "-w", "start"], asRoot);
  await start();

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  let n = 0;
  return {
    url,
    async createDatabase() {
      const name = `t${n++}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    halt: () => run([`${BIN}/pg_ctl`, "-D", data, "-m", "fast", "-w", "stop"], asRoot),
    resume: start,
    async stop() {
      await admin.end({ timeout: 1 });
      await run([`${BIN}/pg_ctl`, "-D", data, "-m", "immediate", "-w", "stop"], asRoot);
      await Deno.remove(root, { recursive: true });
    },
  };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function run(cmd: string[], asPostgres: boolean): Promise<void> {
  const argv = asPostgres ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
  const out = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) || new TextDecoder().decode(out.stdout);
    throw new Error(`${cmd[0]} failed (${out.code}): ${text.trim()}`);
  }
}

/**
 * compose.yaml and the Dockerfile, checked without a Docker engine: `docker-compose config`
 * (Debian's docker-compose) validates both profiles; the resolved file is read back (through
 * the PyYAML docker-compose itself depends on) to check the memory budget and health checks.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const MiB = 1024 * 1024;

interface Service {
  deploy?: { resources?: { limits?: { memory?: string }; reservations?: { memory?: string } } };
  healthcheck?: { test?: string[] | string };
  restart?: string;
  environment?: Record<string, string>;
  profiles?: string[];
}

async function run(cmd: string, args: string[], env: Record<string, string>, stdin = "") {
  let child;
  try {
    child = new Deno.Command(cmd, {
      args,
      cwd: ROOT,
      env,
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new Error(`cannot run ${cmd}: apt-get install docker-compose (${(e as Error).message})`);
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

const ENV = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", POSTGRES_PASSWORD: "test" };

/**
 * The services a profile starts, from the resolved file. docker-compose 1.x prints every
 * service with its `profiles`; the ones without a profile always start.
 */
async function resolved(profile?: string): Promise<{ services: Record<string, Service> }> {
  const args = [...(profile ? ["--profile", profile] : []), "config"];
  const config = await run("docker-compose", args, ENV);
  assert.equal(config.code, 0, config.stderr);
  const toJson = "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))";
  const json = await run("python3", ["-c", toJson], ENV, config.stdout);
  assert.equal(json.code, 0, json.stderr);
  const all: Record<string, Service> = JSON.parse(json.stdout).services;
  const started = Object.entries(all).filter(([, s]) =>
    !s.profiles || (profile && s.profiles.includes(profile))
  );
  return { services: Object.fromEntries(started) };
}

function bytes(size: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(size ?? "");
  assert.ok(m, `not a memory size: ${size}`);
  const unit = { "": 1, k: 1024, m: MiB, g: 1024 * MiB }[m[2].toLowerCase()]!;
  return Number(m[1]) * unit;
}

const limit = (s: Service) => bytes(s.deploy?.resources?.limits?.memory);
const reservation = (s: Service) => bytes(s.deploy?.resources?.reservations?.memory);

Deno.test("compose: the default profile is app + postgres within 512 MiB of limits", async () => {
  const { services } = await resolved();
  assert.deepEqual(Object.keys(services).sort(), ["app", "postgres"]);
  const { app, postgres } = services;
  assert.ok(limit(app) <= 256 * MiB, "app limit above 256 MiB");
  assert.ok(limit(postgres) <= 256 * MiB, "postgres limit above 256 MiB");
  assert.ok(limit(app) + limit(postgres) <= 512 * MiB);
  for (const [name, s] of Object.entries(services)) {
    assert.ok(reservation(s) > 0 && reservation(s) <= limit(s), `${name}: reservation`);
    assert.ok(s.healthcheck?.test, `${name}: no health check`);
    assert.equal(s.restart, "unless-stopped", `${name}: restart policy`);
  }
  assert.match(String(app.healthcheck?.test), /\/ready/);
  assert.match(String(postgres.healthcheck?.test), /pg_isready/);
  assert.equal(app.environment?.LIGERO_MEMORY__CEILING, "auto");
  assert.match(app.environment?.DATABASE_URL ?? "", /^postgres:\/\/ligero:test@postgres:5432\//);
});

Deno.test("compose: the scale profile adds a second replica and a small proxy", async () => {
  const { services } = await resolved("scale");
  assert.deepEqual(Object.keys(services).sort(), ["app", "app-2", "postgres", "proxy"]);
  assert.equal(limit(services["app-2"]), limit(services.app));
  assert.deepEqual(services["app-2"].environment, services.app.environment);
  assert.ok(limit(services.proxy) <= 32 * MiB, "proxy limit above 32 MiB");
});

Deno.test("compose: the monitoring profile adds Prometheus and Grafana, each limited", async () => {
  const { services } = await resolved("monitoring");
  assert.deepEqual(Object.keys(services).sort(), ["app", "grafana", "postgres", "prometheus"]);
  for (const name of ["prometheus", "grafana"]) {
    assert.ok(limit(services[name]) <= 192 * MiB, `${name} limit`);
  }
});

Deno.test("grafana dashboard: every panel queries a metric the server exports", async () => {
  const dashboard = JSON.parse(await Deno.readTextFile(`${ROOT}deploy/grafana/ligero.json`));
  const exported = new Set<string>();
  for await (const file of walk(ROOT, /\.ts$/)) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(/new (?:Counter|Gauge|Histogram)\(\s*"(\w+)"/g)) {
      exported.add(m[1]);
    }
    for (const m of text.matchAll(/gauge\(\s*"(\w+)"/g)) exported.add(m[1]);
  }
  assert.ok(exported.has("process_resident_memory_bytes"), "the metric scan found nothing");
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      for (const [name] of target.expr.matchAll(/\b(?:ligero|process)_\w+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, "");
        assert.ok(exported.has(base), `${panel.title}: ${name} is not exported`);
      }
    }
  }
});

async function* walk(dir: string, match: RegExp): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".") || ["node_modules", "target", "data"].includes(entry.name)) {
      continue;
    }
    const path = `${dir}${dir.endsWith("/") ? "" : "/"}${entry.name}`;
    if (entry.isDirectory) yield* walk(path, match);
    else if (match.test(entry.name) && !entry.name.endsWith(".test.ts")) yield path;
  }
}

Deno.test("compose: refuses to resolve without a database password", async () => {
  const { code, stderr } = await run("docker-compose", ["config", "-q"], { PATH: ENV.PATH });
  assert.notEqual(code, 0);
  assert.match(stderr, /POSTGRES_PASSWORD/);
});

Deno.test("postgresql.conf: enough connections for both replicas' pools", async () => {
  const conf = await Deno.readTextFile(`${ROOT}deploy/postgresql.conf`);
  const setting = (name: string) => new RegExp(`^${name}\\s*=\\s*(\\d+)`, "m").exec(conf)?.[1];
  const { services } = await resolved("scale");
  const pool = Number(services.app.environment?.LIGERO_STORE__POOL_SIZE);
  assert.ok(Number(setting("max_connections")) >= 2 * pool + 5);
  assert.match(conf, /^shared_buffers = \d+MB/m);
  assert.match(conf, /^work_mem = \d+MB/m);
});

Deno.test("Dockerfile: same Deno as CI, and the serve task's permissions", async () => {
  const dockerfile = await Deno.readTextFile(`${ROOT}Dockerfile`);
  const ci = await Deno.readTextFile(`${ROOT}.ci/run`);
  const version = /ARG DENO_VERSION=(\S+)/.exec(dockerfile)?.[1];
  assert.ok(
    version && ci.includes(`deno@${version}`),
    `Dockerfile Deno ${version} differs from CI`,
  );
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks;
  const serveFlags = tasks.serve.command.match(/--allow-\w+/g).sort();
  const cmd = /^CMD (\[[\s\S]*?\])/m.exec(dockerfile)?.[1].replace(/\\\n/g, "");
  const imageFlags = JSON.parse(cmd!).filter((a: string) => a.startsWith("--allow-")).sort();
  assert.deepEqual(imageFlags, serveFlags);
});

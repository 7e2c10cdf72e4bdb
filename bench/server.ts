/**
 * The server itself: idle RSS (the embedding model is loaded on demand, so idle means without
 * it), RSS once a search has loaded the model, and `/health` throughput under a bounded local
 * load (wrk, 127.0.0.1 only, fixed duration), beside a FastAPI + uvicorn app — what the seed
 * stack ran — when Python has them installed (`pip install fastapi uvicorn`).
 */
import { startServer } from "../tests/support/server.ts";
import { hasCommand, mib, procMemory, run } from "./support/proc.ts";

const LOAD_SECONDS = 10;
const CONNECTIONS = 64;

interface Row {
  name: string;
  idle: string;
  withModel: string;
  rps: string;
  p99: string;
  peak: string;
}

async function wrk(url: string): Promise<{ rps: string; p99: string }> {
  const out = await run("wrk", [
    "-t1",
    `-c${CONNECTIONS}`,
    `-d${LOAD_SECONDS}s`,
    "--latency",
    url,
  ]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? "?";
  const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? "?";
  return { rps: Number(rps).toFixed(0), p99 };
}

async function ligeroRow(): Promise<Row> {
  const server = await startServer();
  try {
    await new Promise((r) => setTimeout(r, 3000)); // let start-up garbage settle
    const idle = procMemory(server.pid).rss;
    const search = await fetch(`${server.url}/search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "what does the server hold in memory" }),
    });
    await search.body?.cancel();
    await new Promise((r) => setTimeout(r, 1000));
    const withModel = procMemory(server.pid).rss;
    const load = await wrk(`${server.url}/health`);
    return {
      name: "ligero (Deno + Hono)",
      idle: mib(idle),
      withModel: mib(withModel),
      ...load,
      peak: mib(procMemory(server.pid).peak),
    };
  } finally {
    await server.stop();
  }
}

const FASTAPI_APP = `
from fastapi import FastAPI
app = FastAPI()
@app.get("/health")
def health():
    return {"status": "ok"}
`;

async function fastapiRow(): Promise<Row> {
  const missing = { idle: "-", withModel: "-", rps: "-", p99: "-", peak: "-" };
  const probe = await new Deno.Command("python3", {
    args: ["-c", "import fastapi, uvicorn"],
    stderr: "null",
  }).output();
  if (!probe.success) return { name: "FastAPI + uvicorn: not installed", ...missing };
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/app.py`, FASTAPI_APP);
  const port = 18000 + Math.floor(Math.random() * 1000);
  const child = new Deno.Command("python3", {
    args: ["-m", "uvicorn", "app:app", "--port", String(port), "--log-level", "warning"],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const idle = procMemory(child.pid).rss;
    const load = await wrk(`http://127.0.0.1:${port}/health`);
    return {
      name: "FastAPI + uvicorn (1 worker)",
      idle: mib(idle),
      withModel: "-",
      ...load,
      peak: mib(procMemory(child.pid).peak),
    };
  } finally {
    child.kill();
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

export default async function run_(): Promise<void> {
  if (!(await hasCommand("wrk"))) {
    console.log("wrk is not installed (apt-get install wrk): server rows skipped");
    return;
  }
  const rows = [await ligeroRow(), await fastapiRow()];
  console.log(`/health, wrk 1 thread, ${CONNECTIONS} connections, ${LOAD_SECONDS} s\n`);
  console.log(
    "| server | idle RSS MiB | RSS with the model MiB | /health req/s | p99 | peak RSS MiB |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.idle} | ${r.withModel} | ${r.rps} | ${r.p99} | ${r.peak} |`);
  }
}

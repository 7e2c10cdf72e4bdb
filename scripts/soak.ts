/**
 * `deno task soak [--seconds N]` (default 1800; CI runs 60): steady mixed traffic at a
 * sustainable rate (older documents deleted as new ones arrive, so the data set stays the
 * same size), with clients that misbehave — chat streams aborted after the first
 * event, uploads abandoned half-way, requests timed out by the client — against a server
 * on a fresh data directory. Passes when RSS after warm-up grows by at most 5 MB (runs under
 * 5 minutes: RSS without the V8 heap, which grows for minutes before its first full GC), no upload
 * temp file is left, and the server is healthy; prints one markdown row for
 * docs/reliability.md. Exits 1 on failure.
 */
import { parseArgs } from "node:util";
import { runMixedLoad, summarize } from "../bench/support/mixed-load.ts";
import { mib, procMemory } from "../bench/support/proc.ts";
import { rawRequest } from "../tests/reliability/raw_http.ts";
import { startServer, type TestServer } from "../tests/support/server.ts";

const MAX_GROWTH = 5 * 1024 * 1024;
const RATE = 2;
const KEEP_DOCUMENTS = 20;
/** From this long on the whole RSS is judged; shorter runs judge RSS without the V8 heap. */
const LONG_RUN = 300;

const { values } = parseArgs({ args: Deno.args, options: { seconds: { type: "string" } } });
const seconds = Number(values.seconds ?? 1800);
const warmup = Math.max(20, Math.round(seconds / 3));

/** One misbehaving client per second, round robin. */
async function misbehave(server: TestServer, n: number): Promise<void> {
  switch (n % 3) {
    case 0: { // a chat stream aborted after its first event
      const abort = new AbortController();
      const res = await fetch(`${server.url}/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: `what keeps memory under the ceiling ${n}?` }),
        signal: abort.signal,
      }).catch(() => undefined);
      await res?.body?.getReader().read().catch(() => {});
      abort.abort();
      return;
    }
    case 1: // an upload that stops half-way and hangs up
      await rawRequest({
        port: server.port,
        head: "POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" +
          "Content-Length: 200000\r\n\r\n",
        pieces: ["half of a document that never arrives ".repeat(2500)],
        timeoutMs: 300,
      });
      return;
    default: // a client that gives up before the answer
      await fetch(`${server.url}/v1/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: Array(16).fill(`timed out client ${n}`) }),
        signal: AbortSignal.timeout(20),
      }).then((r) => r.body?.cancel()).catch(() => {});
  }
}

/** Deletes all but the newest `keep` documents, so the data set stays the same size and
 * growth means a leak, not more data. */
async function keepRecent(server: TestServer, keep: number): Promise<void> {
  const res = await fetch(`${server.url}/documents?limit=200`).catch(() => undefined);
  if (!res?.ok) return void await res?.body?.cancel();
  const { documents } = await res.json() as { documents: { id: string; createdAt: string }[] };
  const old = documents.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(keep);
  for (const doc of old) {
    await fetch(`${server.url}/documents/${doc.id}`, { method: "DELETE" })
      .then((r) => r.body?.cancel()).catch(() => {});
  }
}

async function soak(): Promise<boolean> {
  const server = await startServer({
    env: { DENO_V8_FLAGS: "--max-semi-space-size=1" }, // as the serve task runs it
  });
  try {
    let stop = false;
    const rude = (async () => {
      for (let n = 0; !stop; n++) {
        await Promise.all([
          misbehave(server, n),
          keepRecent(server, KEEP_DOCUMENTS),
          new Promise((r) => setTimeout(r, 1000)),
        ]);
      }
    })();
    // RSS without V8's heap, once a second: what the kernels, FFI buffers and sockets hold
    const native: [number, number][] = [];
    const started = performance.now();
    const sampler = setInterval(async () => {
      const text = await fetch(`${server.url}/metrics`).then((r) => r.text()).catch(() => "");
      const heap = Number(/^ligero_heap_total_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
      const t = (performance.now() - started) / 1000;
      if (Number.isFinite(heap)) native.push([t, procMemory(server.pid).rss - heap]);
    }, 1000);
    const load = await runMixedLoad({
      url: server.url,
      pid: server.pid,
      ratePerSecond: RATE,
      seconds,
      sampleMs: 250,
      timeoutMs: 30_000,
    });
    stop = true;
    clearInterval(sampler);
    await rude;

    const window = Math.min(10, seconds / 6);
    // the lowest RSS of a window: after a GC, so V8's lazy heap growth is not counted
    const at = (series: [number, number][], from: number, to: number) =>
      Math.min(...series.filter(([t]) => t >= from && t < to).map(([, b]) => b));
    const growthOf = (series: [number, number][]) =>
      at(series, seconds - window, seconds + 1) - at(series, warmup, warmup + window);
    const after = at(load.rss, warmup, warmup + window);
    const end = at(load.rss, seconds - window, seconds + 1);
    const growth = end - after;
    // V8 grows its heap for minutes before the first full GC: short runs judge native memory
    const judged = seconds >= LONG_RUN ? growth : growthOf(native);
    const left = [...Deno.readDirSync(`${server.dataDir}/uploads`)]
      .filter((e) => e.name.startsWith("incoming-")).length;
    const healthy = (await fetch(`${server.url}/health`).then((r) => r.status)) === 200;
    const s = summarize(load.outcomes);
    const peak = procMemory(server.pid).peak;
    const pass = judged <= MAX_GROWTH && left === 0 && healthy && s.timeouts === 0;

    console.log(
      "| seconds | req/s | requests | ok | shed | errors | timeouts | RSS after warm-up | RSS at end | growth | growth without V8 heap | peak | temp files left | result |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    console.log(
      `| ${seconds} | ${RATE} + 1 rude | ${s.total} | ${s.ok} | ${s.shed} | ${s.errors} | ` +
        `${s.timeouts} | ${mib(after)} MiB | ${mib(end)} MiB | ${
          (growth / 2 ** 20).toFixed(1)
        } MiB | ${(growthOf(native) / 2 ** 20).toFixed(1)} MiB | ` +
        `${mib(peak)} MiB | ${left} | ${pass ? "pass" : "FAIL"} |`,
    );
    return pass;
  } finally {
    await server.stop();
  }
}

if (import.meta.main) Deno.exit((await soak()) ? 0 : 1);

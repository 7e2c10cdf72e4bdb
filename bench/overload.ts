/**
 * Overload, the long version of tests/reliability/overload.test.ts: a sustainable rate of
 * mixed traffic, then 10× it, then the sustainable rate again, against a server with a
 * 256 MiB ceiling. Prints a table per phase and writes the time series (RSS, p50/p99, shed
 * rate per second) to docs/overload.json; bench/overload_plot.py draws docs/overload.png
 * from it when Python has matplotlib (`OVERLOAD_PYTHON` picks the interpreter).
 */
import { startServer } from "../tests/support/server.ts";
import { type LoadResult, percentile, runMixedLoad, summarize } from "./support/mixed-load.ts";
import { mib, procMemory } from "./support/proc.ts";

const CEILING = 256 * 1024 * 1024;
const SUSTAINABLE = 3;
const PHASES = [
  { name: "sustainable", rate: SUSTAINABLE, seconds: 10 },
  { name: "10× overload", rate: SUSTAINABLE * 10, seconds: 30 },
  { name: "recovery", rate: SUSTAINABLE, seconds: 15 },
];
const DOCS = new URL("../docs/", import.meta.url).pathname;

interface Second {
  t: number;
  rssMiB: number;
  p50: number;
  p99: number;
  sent: number;
  shedPct: number;
}

export default async function run(): Promise<void> {
  const server = await startServer({
    // the young generation as the serve task sizes it (deno.json): 1 MiB semi-spaces keep
    // ~20 MiB of garbage from riding on RSS under load
    env: { LIGERO_MEMORY__CEILING: String(CEILING), DENO_V8_FLAGS: "--max-semi-space-size=1" },
  });
  const results: { name: string; offset: number; load: LoadResult }[] = [];
  try {
    let offset = 0;
    for (const phase of PHASES) {
      const load = await runMixedLoad({
        url: server.url,
        pid: server.pid,
        ratePerSecond: phase.rate,
        seconds: phase.seconds,
        timeoutMs: 30_000,
      });
      results.push({ name: phase.name, offset, load });
      offset += phase.seconds;
    }
    const peak = procMemory(server.pid).peak;

    console.log(`ceiling ${mib(CEILING)} MiB, peak RSS (VmHWM) ${mib(peak)} MiB\n`);
    console.log(
      "| phase | rate req/s | sent | ok | shed 503 | other errors | timeouts | p50 ms | p99 ms | max RSS MiB |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const [i, { name, load }] of results.entries()) {
      const s = summarize(load.outcomes);
      const rss = Math.max(...load.rss.map(([, b]) => b));
      console.log(
        `| ${name} | ${PHASES[i].rate} | ${s.total} | ${s.ok} | ${s.shed} | ${s.errors} | ` +
          `${s.timeouts} | ${s.p50.toFixed(0)} | ${s.p99.toFixed(0)} | ${mib(rss)} |`,
      );
    }
    const series = perSecond(results);
    await Deno.writeTextFile(
      `${DOCS}overload.json`,
      JSON.stringify({ ceilingMiB: CEILING / 2 ** 20, phases: PHASES, series }),
    );
    await plot();
  } finally {
    await server.stop();
  }
}

function perSecond(results: { offset: number; load: LoadResult }[]): Second[] {
  const out: Second[] = [];
  for (const { offset, load } of results) {
    const end = Math.ceil(Math.max(...load.outcomes.map((o) => o.at), 0));
    for (let s = 0; s <= end; s++) {
      const sent = load.outcomes.filter((o) => o.at >= s && o.at < s + 1);
      const rss = load.rss.filter(([t]) => t >= s && t < s + 1).map(([, b]) => b);
      if (sent.length === 0 && rss.length === 0) continue;
      const ms = sent.filter((o) => o.status !== 0).map((o) => o.ms);
      out.push({
        t: offset + s,
        rssMiB: rss.length ? Math.max(...rss) / 2 ** 20 : NaN,
        p50: percentile(ms, 0.5),
        p99: percentile(ms, 0.99),
        sent: sent.length,
        shedPct: sent.length ? 100 * summarize(sent).shed / sent.length : 0,
      });
    }
  }
  return out;
}

async function plot(): Promise<void> {
  const python = Deno.env.get("OVERLOAD_PYTHON") ?? "python3";
  const script = new URL("./overload_plot.py", import.meta.url).pathname;
  try {
    const out = await new Deno.Command(python, {
      args: [script, `${DOCS}overload.json`, `${DOCS}overload.png`],
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    console.log(`\nplot: docs/overload.png`);
  } catch (e) {
    console.log(`\n(no plot: ${(e as Error).message.split("\n").at(-2) ?? e})`);
  }
}

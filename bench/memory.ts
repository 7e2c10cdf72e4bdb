/**
 * Server memory: RSS by component at idle, while and after ingesting r-intro.pdf (113 pages),
 * after 100 searches and 20 offline chats. Variants run interleaved, so a loaded machine
 * hurts them alike; each cell is the median over the rounds. `deno run -A bench/memory.ts
 * [rounds] [variant...]` runs a chosen set (names from VARIANTS).
 */
import { median, mib } from "./support/proc.ts";
import { type Profile, profileServer, type Variant } from "./support/memory-run.ts";

const VARIANTS: Record<string, Variant> = {
  default: { name: "default" },
  "optimize-for-size": {
    name: "default + --optimize-for-size",
    denoArgs: ["--v8-flags=--max-semi-space-size=1,--optimize-for-size"],
  },
  "minor-ms": {
    name: "default + --minor-ms (young generation mark-sweep)",
    denoArgs: ["--v8-flags=--max-semi-space-size=1,--minor-ms"],
  },
};

export default async function run(rounds = 1, names = Object.keys(VARIANTS)): Promise<void> {
  const profiles = new Map<string, Profile[]>(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of names) profiles.get(name)!.push(await profileServer(VARIANTS[name]));
  }
  for (const [name, runs] of profiles) printProfile(name, runs);
}

function printProfile(name: string, runs: Profile[]): void {
  const med = (f: (p: Profile) => number) => mib(median(runs.map(f)));
  console.log(`### ${name} (${runs.length} run${runs.length > 1 ? "s" : ""}, MiB, medians)\n`);
  console.log(
    "| phase | RSS | deno binary | anon (V8, arenas) | brk heap | model file | libraries | " +
      "V8 heap total | external | model (reported) |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  runs[0].phases.forEach((phase, i) => {
    const at = med;
    const ph = (p: Profile) => p.phases[i];
    console.log(
      `| ${phase.name} | ${at((p) => ph(p).rss)} | ${at((p) => ph(p).parts.binary)} | ${
        at((p) => ph(p).parts.anon)
      } | ${at((p) => ph(p).parts.brk)} | ${at((p) => ph(p).parts.model)} | ${
        at((p) => ph(p).parts.libraries)
      } | ${at((p) => ph(p).reported.heap_total ?? 0)} | ${
        at((p) => ph(p).reported.external_memory ?? 0)
      } | ${at((p) => ph(p).reported.model ?? 0)} |`,
    );
  });
  console.log(
    `\nIngestion peak (sampled) ${med((p) => p.ingestPeak)} MiB, VmHWM ${
      med((p) => p.hwm)
    } MiB, ingestion ${(median(runs.map((p) => p.ingestMs)) / 1000).toFixed(1)} s; peak by ` +
      `status: ${
        ["extracting", "embedding"].map((s) => `${s} ${med((p) => p.peakBy[s] ?? 0)}`).join(", ")
      } MiB; search ${median(runs.map((p) => p.searchMs)).toFixed(1)} ms, chat ${
        median(runs.map((p) => p.chatMs)).toFixed(1)
      } ms (medians)\n`,
  );
}

if (import.meta.main) {
  const [rounds, ...names] = Deno.args;
  await run(Number(rounds ?? 1), names.length ? names : undefined);
}

/**
 * `deno task test`: every check the project has, in order, then one closing line
 * `N passed, N failed`. Tests count one each (Deno and cargo); each lint/format step counts
 * as one. Exits non-zero when anything failed.
 */
import { prepare } from "./prepare.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const KERNELS = `${ROOT}kernels`;
const DENO = Deno.execPath();

interface Step {
  name: string;
  cmd: string[];
  cwd?: string;
  /** Reads passed/failed test counts from the output; absent: the step is one check. */
  count?: (output: string) => { passed: number; failed: number } | undefined;
}

const denoCounts = (out: string) => {
  const m = /(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(out);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
};

const cargoCounts = (out: string) => {
  let passed = 0, failed = 0, seen = false;
  for (const m of out.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
    seen = true;
  }
  return seen ? { passed, failed } : undefined;
};

const steps: Step[] = [
  { name: "deno fmt", cmd: [DENO, "fmt", "--check"] },
  { name: "deno lint", cmd: [DENO, "lint"] },
  { name: "deno check", cmd: [DENO, "check", "main.ts", "scripts/", "bench/"] },
  { name: "cargo fmt", cmd: ["cargo", "fmt", "--all", "--check"], cwd: KERNELS },
  {
    name: "cargo clippy",
    cmd: ["cargo", "clippy", "--release", "--workspace", "--all-targets", "--", "-D", "warnings"],
    cwd: KERNELS,
  },
  {
    name: "cargo test",
    cmd: ["cargo", "test", "--release", "--workspace"],
    cwd: KERNELS,
    count: cargoCounts,
  },
  { name: "deno test", cmd: [DENO, "test", "-A", "--no-check=remote"], count: denoCounts },
  // the short soak: RSS growth after warm-up, temp files left by rude clients
  { name: "soak 60 s", cmd: [DENO, "run", "-A", "scripts/soak.ts", "--seconds", "60"] },
];

async function run(step: Step): Promise<{ passed: number; failed: number }> {
  console.log(`\n=== ${step.name}: ${step.cmd.join(" ")}`);
  const child = new Deno.Command(step.cmd[0], {
    args: step.cmd.slice(1),
    cwd: step.cwd ?? ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      await sink.write(chunk);
      output += new TextDecoder().decode(chunk);
    }
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
  ]);
  const counted = step.count?.(output);
  if (counted) {
    // a runner that crashed after its tests still fails the step
    if (!status.success && counted.failed === 0) counted.failed = 1;
    return counted;
  }
  return status.success ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

await prepare();
let passed = 0, failed = 0;
const failedSteps: string[] = [];
for (const step of steps) {
  const result = await run(step);
  passed += result.passed;
  failed += result.failed;
  if (result.failed > 0) failedSteps.push(step.name);
}
console.log(
  failedSteps.length ? `\nfailed steps: ${failedSteps.join(", ")}` : "\nall steps passed",
);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed > 0 ? 1 : 0);

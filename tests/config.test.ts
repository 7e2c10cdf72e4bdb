import assert from "node:assert/strict";
import { startExpectingFailure } from "./support/server.ts";

async function refusal(env: Record<string, string>): Promise<string> {
  const { code, output } = await startExpectingFailure(env);
  assert.equal(code, 2, `exit code; output:\n${output}`);
  const lines = output.trim().split("\n");
  assert.equal(lines.length, 1, `one clear line, got:\n${output}`);
  return lines[0];
}

Deno.test("invalid config: the server refuses to start with one line naming the key", async (t) => {
  await t.step("a value out of range", async () => {
    const line = await refusal({ LIGERO_MEMORY__SHED_AT: "1.5" });
    assert.match(line, /^ligero: config: memory\.shedAt: /);
  });

  await t.step("a size that is not a size", async () => {
    const line = await refusal({ LIGERO_MEMORY__CEILING: "lots" });
    assert.match(line, /^ligero: config: memory\.ceiling: not a byte size/);
  });

  await t.step("an unknown kernel implementation lists the valid ones", async () => {
    const line = await refusal({ LIGERO_KERNELS__SIMILARITY: "gpu" });
    assert.match(line, /kernels\.similarity/);
    assert.match(line, /unknown value "gpu" \(valid: auto, rust, ts\)/);
  });

  await t.step("a typo in a key", async () => {
    const line = await refusal({ LIGERO_MEMORY__CEILNG: "1GiB" });
    assert.match(line, /^ligero: config: memory\.ceilng: unknown key \(valid: ceiling, shedAt/);
  });

  await t.step("a config file that does not parse", async () => {
    const file = await Deno.makeTempFile({ suffix: ".jsonc" });
    await Deno.writeTextFile(file, '{ "memory": { "ceiling": "1GiB", } ');
    const line = await refusal({ LIGERO_CONFIG: file });
    assert.match(line, /^ligero: config: .*line 1: /);
    await Deno.remove(file);
  });

  await t.step("a Rust kernel that is named but missing says how to build it", async () => {
    const empty = await Deno.makeTempDir();
    const line = await refusal({
      LIGERO_KERNELS__SIMILARITY: "rust",
      LIGERO_KERNELS__LIBRARY_DIR: empty,
    });
    assert.match(line, /similarity kernel: cannot load .*libsimilarity/);
    assert.match(line, /deno task build:kernels/);
    await Deno.remove(empty);
  });
});

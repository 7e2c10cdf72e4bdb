/**
 * Run by `deno task start` (and the test command) before anything else: builds the Rust
 * kernels when they are missing or stale (cargo decides; a no-op build takes well under a
 * second). Without cargo the server still starts: kernels set to "auto" use their JS twins.
 * Then fetches the embedding model when it is not in .cache/models/ yet (scripts/fetch-model.ts).
 */
import { loadConfig } from "../config/load.ts";
import { fetchModel } from "./fetch-model.ts";
import { buildKernels } from "./kernels.ts";

export async function prepare(): Promise<void> {
  await buildKernels();
  await fetchModel(loadConfig());
}

if (import.meta.main) {
  try {
    await prepare();
  } catch (e) {
    console.error(`prepare: ${(e as Error).message}`);
    Deno.exit(1);
  }
}

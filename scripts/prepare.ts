/**
 * Run by `deno task start` (and the test command) before anything else: builds the Rust
 * kernels when they are missing or stale (cargo decides; a no-op build takes well under a
 * second). Without cargo the server still starts: kernels set to "auto" use their JS twins.
 */
import { buildKernels } from "./kernels.ts";

export async function prepare(): Promise<void> {
  await buildKernels();
}

if (import.meta.main) {
  try {
    await prepare();
  } catch (e) {
    console.error(`prepare: ${(e as Error).message}`);
    Deno.exit(1);
  }
}

/**
 * Run by `deno task start` before the server: builds the Rust kernels when they are missing
 * or stale (cargo decides; a no-op build takes well under a second). Without cargo the
 * server still starts: kernels set to "auto" fall back to their JS twins.
 */
import { buildKernels } from "./kernels.ts";

try {
  await buildKernels();
} catch (e) {
  console.error(`prepare: ${(e as Error).message}`);
  Deno.exit(1);
}

/**
 * The `deno run` flags the server starts with. deno.json's start and serve tasks and the
 * Dockerfile spell them out (run-flags.test.ts checks that they match this list); the test
 * harness starts the server with RUN_FLAGS, so tests see the memory the product has.
 */
export const PERMISSIONS: readonly string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
];

/**
 * 1 MB semi-spaces: V8's young generation otherwise grows to 16 MB per semi-space under
 * allocation bursts and keeps it. Idle RSS −6 MB, ingestion peak −10 MB, same ingestion time
 * (docs/memory.md).
 */
export const V8_FLAGS = "--v8-flags=--max-semi-space-size=1";

/**
 * No V8 code cache: Deno keeps its cache database of compiled modules mapped for the life of
 * the process (2 MiB of RSS at idle, and 0.5 MiB of malloc). Start-up takes ~50 ms longer
 * (0.18 → 0.23 s); requests are not slower: their functions compile lazily either way
 * (docs/memory.md).
 */
export const NO_CODE_CACHE = "--no-code-cache";

export const RUN_FLAGS: readonly string[] = [...PERMISSIONS, V8_FLAGS, NO_CODE_CACHE];

/**
 * The environment the server runs with. Without DENO_NO_UPDATE_CHECK, `deno run` looks for a
 * newer Deno at start: 1.8 MiB more idle RSS (deno's HTTP and TLS code, 6 interleaved starts
 * each, docs/memory.md). The tasks set it before `deno run`, the Dockerfile in ENV, the test
 * harness passes it.
 */
export const RUN_ENV: Readonly<Record<string, string>> = { DENO_NO_UPDATE_CHECK: "1" };

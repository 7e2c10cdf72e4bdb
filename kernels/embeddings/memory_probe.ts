/**
 * Opens the Rust embeddings kernel in a process of its own, uses it, closes it, and prints one
 * JSON line of anonymous RSS (bytes) at each step, for memory.test.ts:
 *   deno run -A kernels/embeddings/memory_probe.ts <model dir> <int8|f32> [library dir]
 */
import { releaseFreedMemory } from "../libc.ts";
import { RustEmbeddings } from "./mod.ts";

function anon(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/^RssAnon:\s+(\d+) kB/m.exec(status)?.[1]) * 1024;
}

const [modelDir, precision, libraryDir] = Deno.args;
const long = "memory budget ".repeat(120);
releaseFreedMemory();
const start = anon();
const kernel = await RustEmbeddings.open({
  modelDir,
  modelId: "probe",
  int8: precision === "int8",
  threads: 0,
  batchSize: 32,
  libraryDir,
});
releaseFreedMemory();
const loaded = anon();
for (let i = 0; i < 10; i++) await kernel.embed(["How much memory does one query take?"]);
await kernel.embed(Array.from({ length: 32 }, () => long));
releaseFreedMemory();
const used = anon();
const modelBytes = kernel.modelBytes;
kernel.close();
// close frees the model after the call in flight; the pool's threads exit on their own
await new Promise((resolve) => setTimeout(resolve, 300));
releaseFreedMemory();
console.log(JSON.stringify({ start, loaded, used, closed: anon(), modelBytes }));

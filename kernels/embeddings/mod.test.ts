/** The Rust kernel through the conformance suite: f32 ≥ 0.9999, int8 ≥ 0.995 cosine. */
import assert from "node:assert/strict";
import { loadConfig } from "../../config/load.ts";
import { embeddingConformance, fixture } from "../../plugins/embeddings/conformance.ts";
import { fetchModel } from "../../scripts/fetch-model.ts";
import { RustEmbeddings } from "./mod.ts";

const config = loadConfig();
const modelDir = await fetchModel(config);
const open = (int8: boolean) =>
  RustEmbeddings.open({
    modelDir,
    modelId: fixture.model,
    int8,
    threads: 0,
    batchSize: 16,
    libraryDir: config.kernels.libraryDir,
  });

embeddingConformance("rust f32", () => open(false), { minCosine: 0.9999 });
embeddingConformance("rust int8", () => open(true), { minCosine: 0.995 });

Deno.test("embeddings rust: describes itself and reports errors from the kernel", async () => {
  const kernel = await open(true);
  try {
    assert.match(kernel.implementation, /^rust\(\w+,int8\)$/);
    assert.equal(kernel.dims, 384);
    // 11.4 MB of int8 layers; the word table is read from the file, not held (words.rs)
    assert.ok(kernel.modelBytes > 10e6 && kernel.modelBytes < 14e6, `${kernel.modelBytes}`);
  } finally {
    kernel.close();
  }
  await assert.rejects(
    RustEmbeddings.open({
      ...{ modelId: "x", int8: false, threads: 1, batchSize: 1 },
      modelDir: "/nonexistent",
    }),
    /not_found|No such file/,
  );
});

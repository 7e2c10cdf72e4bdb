/** The embeddings slot's implementations, by the name the config uses. */
import type { Config } from "../../config/schema.ts";
import { RustEmbeddings } from "../../kernels/embeddings/mod.ts";
import { Gauge, metrics } from "../../server/metrics.ts";
import { modelDirectory } from "./models.ts";
import { OnDemandEmbeddings } from "./on-demand.ts";
import type { EmbeddingKernel } from "./types.ts";

const modelBytes = metrics.register(
  new Gauge("ligero_model_bytes", "Bytes of embedding-model weights held in memory, by model."),
);

/** Reports the kernel's weight bytes in /metrics (the latest kernel of a model wins). */
function reported(kernel: EmbeddingKernel): EmbeddingKernel {
  modelBytes.collect(() => kernel.modelBytes, { model: kernel.modelId });
  return kernel;
}

/** The kernel `open` gives, held in memory only while used (config keepAliveSeconds). */
async function onDemand(
  config: Config,
  open: () => Promise<EmbeddingKernel>,
): Promise<EmbeddingKernel> {
  return reported(await OnDemandEmbeddings.open(open, config.embeddings.keepAliveSeconds * 1000));
}

export const embeddingsImplementations = {
  rust: (config: Config): Promise<EmbeddingKernel> =>
    onDemand(config, () =>
      RustEmbeddings.open({
        modelDir: modelDirectory(config),
        modelId: config.embeddings.model,
        int8: config.embeddings.quantization === "int8",
        threads: config.embeddings.threads,
        batchSize: config.embeddings.batchSize,
        libraryDir: config.kernels.libraryDir,
      })),
  // transformers.js brings onnxruntime and sharp (~40 MB of native code): loaded only when
  // the twin is chosen
  transformers: (config: Config): Promise<EmbeddingKernel> =>
    onDemand(config, async () =>
      (await import("./transformers.ts")).TransformersEmbeddings.open({
        modelDir: modelDirectory(config),
        modelId: config.embeddings.model,
        q8: config.embeddings.quantization === "int8",
        threads: config.embeddings.threads,
      })),
};

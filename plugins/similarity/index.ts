/** The similarity slot's implementations, by the name the config uses. */
import type { Config } from "../../config/schema.ts";
import { RustSimilarity } from "../../kernels/similarity/mod.ts";
import { TsSimilarity } from "./ts.ts";
import type { SimilarityKernel } from "./types.ts";

export const similarityImplementations = {
  rust: (config: Config): SimilarityKernel => new RustSimilarity(config.kernels.libraryDir),
  ts: (): SimilarityKernel => new TsSimilarity(),
};

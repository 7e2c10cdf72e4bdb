/**
 * Builds the implementation the config names for each plugin slot. "auto" takes the Rust
 * kernel when its library loads and otherwise the JS twin, and says so in the log.
 */
import type { Config } from "../config/schema.ts";
import { KernelMissingError } from "../kernels/ffi.ts";
import { log } from "../server/log.ts";
import { embeddingsImplementations } from "./embeddings/index.ts";
import type { EmbeddingKernel } from "./embeddings/types.ts";
import { instrument } from "./instrument.ts";
import { llmImplementations } from "./llm/index.ts";
import { metered } from "./llm/metered.ts";
import type { LlmProvider } from "./llm/types.ts";
import { pdfImplementations } from "./pdf/index.ts";
import type { PdfKernel } from "./pdf/types.ts";
import { similarityImplementations } from "./similarity/index.ts";
import type { SimilarityKernel } from "./similarity/types.ts";
import { openStore } from "./store/index.ts";
import type { Store } from "./store/types.ts";

export class PluginError extends Error {
  override name = "PluginError";
}

type Factory<T> = (config: Config) => T | Promise<T>;

/** What "auto" tries, in order: the Rust kernel first, then its twin. */
const AUTO_ORDER: Record<string, string[]> = {
  similarity: ["rust", "ts"],
  embeddings: ["rust", "transformers"],
  pdf: ["rust", "unpdf"],
};

export interface Plugins {
  similarity: SimilarityKernel;
  embeddings: EmbeddingKernel;
  pdf: PdfKernel;
  llm: LlmProvider;
  store: Store;
}

/** Every slot the server has, for /ready: slot → implementation in use. */
export function describe(plugins: Plugins): Record<string, string> {
  return {
    similarity: plugins.similarity.implementation,
    embeddings: plugins.embeddings.implementation,
    pdf: plugins.pdf.implementation,
    llm: `${plugins.llm.name}(${plugins.llm.model})`,
    store: plugins.store.implementation,
  };
}

export async function buildPlugins(config: Config): Promise<Plugins> {
  const similarity = await buildKernel(
    "similarity",
    config.kernels.similarity,
    similarityImplementations,
    config,
  );
  const embeddings = await buildKernel(
    "embeddings",
    config.kernels.embeddings,
    embeddingsImplementations,
    config,
  );
  const pdf = await buildKernel("pdf", config.kernels.pdf, pdfImplementations, config);
  const llm = buildLlm(config);
  const store = await openStore(config);
  log.info("store ready", { implementation: store.implementation });
  return { similarity, embeddings, pdf, llm, store };
}

/** The configured LLM provider, metered. A missing key stops startup with a ConfigError. */
function buildLlm(config: Config): LlmProvider {
  const name = config.llm.provider;
  const factory = llmImplementations[name as keyof typeof llmImplementations];
  if (!factory) {
    throw new PluginError(
      `config: llm.provider: unknown provider "${name}" (valid: ${
        Object.keys(llmImplementations).join(", ")
      })`,
    );
  }
  const llm = factory(config);
  log.info("llm ready", { provider: llm.name, model: llm.model });
  return metered(llm);
}

async function buildKernel<T extends { implementation: string }>(
  slot: string,
  choice: string,
  implementations: Record<string, Factory<T>>,
  config: Config,
): Promise<T> {
  const names = choice === "auto" ? AUTO_ORDER[slot] : [choice];
  for (const [i, name] of names.entries()) {
    const factory = implementations[name];
    if (!factory) {
      throw new PluginError(
        `config: kernels.${slot}: unknown implementation "${name}" (valid: auto, ${
          Object.keys(implementations).join(", ")
        })`,
      );
    }
    try {
      const kernel = await factory(config);
      log.info("kernel ready", { slot, implementation: kernel.implementation });
      return instrument(slot, kernel.implementation, kernel);
    } catch (e) {
      const last = i === names.length - 1;
      if (!(e instanceof KernelMissingError) || last) throw e;
      log.warn("kernel unavailable, falling back", {
        slot,
        tried: name,
        next: names[i + 1],
        reason: e.message,
      });
    }
  }
  throw new PluginError(`no implementation for ${slot}`);
}

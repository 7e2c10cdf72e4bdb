/** The embeddings slot: a sentence encoder. Owned by the embeddings kernel issue (#10). */

/** What one batch produced besides the vectors. */
export interface Encoded {
  /** L2-normalized embeddings, `texts.length × dims` floats row-major. */
  vectors: Float32Array;
  /** Tokens the model saw per text, special tokens included (OpenAI's prompt_tokens). */
  tokens: Uint32Array;
  /** 1 where the text was cut at `maxTokens`. */
  truncated: Uint8Array;
}

export interface EmbeddingKernel {
  /** "rust(avx512,int8)", "transformers", ...: reported in /ready and as a metrics label. */
  readonly implementation: string;
  /** e.g. "sentence-transformers/all-MiniLM-L6-v2"; stored beside every vector. */
  readonly modelId: string;
  readonly dims: number;
  /** The model's maximum sequence length in tokens, special tokens included. */
  readonly maxTokens: number;
  /** Bytes of weights held in memory (`ligero_model_bytes`). */
  readonly modelBytes: number;
  /** L2-normalized embeddings, `texts.length × dims` floats row-major. */
  embed(texts: string[]): Promise<Float32Array>;
  /** `embed` plus per-text token counts and truncation flags. */
  encode(texts: string[]): Promise<Encoded>;
  /** Tokens the model sees for `text`, special tokens excluded: chunking sizes by this. */
  countTokens(text: string): number;
  /**
   * Where each token of `text` comes from, special tokens excluded and without truncation:
   * `[start, end)` pairs of UTF-16 indices into `text` (so `text.slice(start, end)`), in
   * order. A chunker cuts at `offsets[2 * i]` to start a chunk at token `i`.
   */
  tokenOffsets(text: string): Uint32Array;
  /**
   * Runs `work` with the model kept in memory: tokenizing is synchronous, so a model loaded
   * on demand (on-demand.ts) must be held around it. Kernels that stay loaded just run it.
   */
  hold<T>(work: () => Promise<T>): Promise<T>;
  close(): void;
}

/** Maps UTF-8 byte offsets of `text` to UTF-16 indices (both implementations need it). */
export function byteToUtf16(text: string): Uint32Array {
  const map = new Uint32Array(text.length * 3 + 1);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let b = 0; b < width; b++) map[bytes + b] = i;
    bytes += width;
    if (code >= 0x10000) i++;
  }
  map[bytes] = text.length;
  return map.subarray(0, bytes + 1);
}

/** The embeddings slot: a sentence encoder. Owned by the embeddings kernel issue (#10). */

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
  /** Tokens the model sees for `text`, special tokens excluded: chunking sizes by this. */
  countTokens(text: string): number;
  close(): void;
}

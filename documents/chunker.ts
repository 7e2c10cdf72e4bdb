/**
 * Token-aware chunking. Pages stream in; each is cut into sentences (Intl.Segmenter, so CJK
 * and Spanish punctuation work), sentences are sized in the embedding model's own tokens (one
 * tokenizer call per page), and packed into chunks of about `targetTokens`, closing early at
 * a paragraph end, never past the model's limit. The next chunk repeats whole trailing
 * sentences up to `overlapTokens`. Chunks may span pages and know their page range.
 *
 * The notes in shared/notes/retrieval.md are why: word-sized chunks were silently truncated
 * by the model 77 % of the time.
 */

export interface PageText {
  pageNumber: number;
  text: string;
}

export interface ChunkDraft {
  ordinal: number;
  pageStart: number;
  pageEnd: number;
  text: string;
  tokenCount: number;
}

export interface ChunkerOptions {
  targetTokens: number;
  overlapTokens: number;
  /** The most tokens a chunk may have (the model's limit minus its special tokens). */
  maxTokens: number;
  /** `[start, end)` UTF-16 offsets of each token of `text`, as EmbeddingKernel.tokenOffsets. */
  tokenOffsets: (text: string) => Uint32Array;
  locale?: string;
}

interface Unit {
  page: number;
  text: string;
  tokens: number;
  paragraphEnd: boolean;
}

const PARAGRAPH = "\u2029";

/** Close a chunk at a paragraph end once it has this share of the target. */
const PARAGRAPH_CLOSE_SHARE = 0.6;

export async function* chunkPages(
  pages: AsyncIterable<PageText> | Iterable<PageText>,
  options: ChunkerOptions,
): AsyncGenerator<ChunkDraft> {
  const target = Math.min(options.targetTokens, options.maxTokens);
  const segmenter = new Intl.Segmenter(options.locale, { granularity: "sentence" });
  let current: Unit[] = [];
  let tokens = 0;
  let fresh = 0; // units added since the last chunk, beyond the carried overlap
  let ordinal = 0;

  const emit = (): ChunkDraft => {
    const chunk = draft(current, tokens, ordinal++);
    // carry whole trailing sentences as overlap, if they leave room to grow
    const carried: Unit[] = [];
    let carriedTokens = 0;
    for (let i = current.length - 1; i > 0; i--) {
      if (carriedTokens + current[i].tokens > options.overlapTokens) break;
      carried.unshift(current[i]);
      carriedTokens += current[i].tokens;
    }
    current = carried;
    tokens = carriedTokens;
    fresh = 0;
    return chunk;
  };

  for await (const page of pages) {
    for (const unit of pageUnits(page, segmenter, options.tokenOffsets, target)) {
      if (fresh > 0 && tokens + unit.tokens > target) yield emit();
      if (tokens + unit.tokens > options.maxTokens) {
        current = [];
        tokens = 0;
      }
      current.push(unit);
      tokens += unit.tokens;
      fresh++;
      if (unit.paragraphEnd && tokens >= target * PARAGRAPH_CLOSE_SHARE) yield emit();
    }
  }
  if (fresh > 0) yield draft(current, tokens, ordinal);
}

function draft(units: Unit[], tokens: number, ordinal: number): ChunkDraft {
  let text = "";
  for (const [i, unit] of units.entries()) {
    if (i > 0) {
      text += unit.page !== units[i - 1].page ? "\n" : units[i - 1].paragraphEnd ? "\n\n" : " ";
    }
    text += unit.text;
  }
  return {
    ordinal,
    pageStart: units[0].page,
    pageEnd: units[units.length - 1].page,
    text,
    tokenCount: tokens,
  };
}

/**
 * Joins lines a PDF wrapped (keeping blank-line paragraph breaks and re-joining words split by
 * a hyphen at the line end), so sentence segmentation sees sentences, not lines.
 */
export function unwrapLines(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/(\p{Ll})-\n(\p{Ll})/gu, "$1$2")
    .replace(/[ \t]*\n[ \t]*\n\s*/g, PARAGRAPH)
    .replace(/[ \t]*\n[ \t]*/g, " ")
    .replaceAll(PARAGRAPH, "\n\n")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

function* pageUnits(
  page: PageText,
  segmenter: Intl.Segmenter,
  tokenOffsets: (text: string) => Uint32Array,
  pieceTokens: number,
): Generator<Unit> {
  const text = unwrapLines(page.text);
  if (!text) return;
  const offsets = tokenOffsets(text);
  let t = 0; // index of the first token not yet assigned to a sentence
  const tokenCount = offsets.length / 2;
  for (const { segment, index } of segmenter.segment(text)) {
    const end = index + segment.length;
    const first = t;
    while (t < tokenCount && offsets[2 * t] < end) t++;
    const sentence = segment.trim();
    if (!sentence) continue;
    const paragraphEnd = /\n\s*$/.test(segment);
    const count = t - first;
    if (count <= pieceTokens) {
      yield { page: page.pageNumber, text: sentence, tokens: Math.max(count, 1), paragraphEnd };
      continue;
    }
    // a "sentence" longer than a chunk (tables, code, run-on text): cut at token starts
    for (let from = first; from < t; from += pieceTokens) {
      const to = Math.min(from + pieceTokens, t);
      const start = offsets[2 * from];
      const stop = to < tokenCount ? offsets[2 * to] : text.length;
      yield {
        page: page.pageNumber,
        text: text.slice(start, Math.min(stop, end)).trim(),
        tokens: to - from,
        paragraphEnd: paragraphEnd && to === t,
      };
    }
  }
}

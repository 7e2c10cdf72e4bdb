/** The PDF slot: text per page, for citations. Owned by the PDF kernel issue (#9). */

export interface PdfInfo {
  pages: number;
  title?: string;
  author?: string;
  encrypted: boolean;
  /** False for scans: no page has extractable text (OCR would be needed). */
  hasTextLayer: boolean;
  /** The file was damaged or truncated and its objects were found by scanning. */
  repaired?: boolean;
  /** A page read while looking for text went over the extractor's decode budget (a bomb). */
  overBudget?: boolean;
}

/** One page's text; `page` counts from 1. */
export interface PdfPage {
  page: number;
  text: string;
}

/** An opened PDF. Pages are numbered from 1. Close it to free native memory. */
export interface PdfDocument {
  readonly info: PdfInfo;
  pageText(page: number): Promise<string>;
  /**
   * Pages `from..to` (inclusive, default all) in order, extracted a batch at a time, so a
   * 2 000-page file is never held as one string.
   */
  pages(from?: number, to?: number): AsyncGenerator<PdfPage>;
  close(): void;
}

/** Why a PDF cannot be read; the documents route maps each code to a distinct 4xx. */
export type PdfErrorCode = "not_pdf" | "encrypted" | "damaged" | "no_text" | "too_large";

export class PdfError extends Error {
  override name = "PdfError";
  constructor(readonly code: PdfErrorCode, message: string) {
    super(message);
  }
}

export interface PdfKernel {
  /** "rust(...)" or "unpdf": reported in /ready and as a metrics label. */
  readonly implementation: string;
  open(bytes: Uint8Array): Promise<PdfDocument>;
  /**
   * Opens a file on this machine. The Rust kernel maps it instead of holding a copy, so the
   * file must stay unchanged (it may be removed) until the document is closed.
   */
  openFile(path: string): Promise<PdfDocument>;
  close(): void;
}

/**
 * Throws for a document without a text layer: `no_text` for a scan (OCR would be needed),
 * `too_large` when a page's content went over the decode budget before any text was found.
 */
export function requireTextLayer(info: PdfInfo): void {
  if (info.hasTextLayer) return;
  if (info.overBudget) {
    throw new PdfError("too_large", "no text within the decode budget of a page (limits.rs)");
  }
  throw new PdfError("no_text", "scanned PDF without a text layer: OCR needed");
}

/** Checks a 1-based inclusive page range against the page count; returns it clamped. */
export function pageRange(info: PdfInfo, from = 1, to = info.pages): [number, number] {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from) {
    throw new RangeError(`invalid page range ${from}-${to}`);
  }
  if (from > info.pages) throw new RangeError(`page ${from} past the last page (${info.pages})`);
  return [from, Math.min(to, info.pages)];
}

/** The PDF slot: text per page, for citations. Owned by the PDF kernel issue (#9). */

export interface PdfInfo {
  pages: number;
  title?: string;
  author?: string;
  encrypted: boolean;
}

/** An opened PDF. Pages are numbered from 1. Close it to free native memory. */
export interface PdfDocument {
  readonly info: PdfInfo;
  pageText(page: number): Promise<string>;
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
  close(): void;
}

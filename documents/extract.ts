/**
 * Opens an upload as a sequence of pages, whatever its kind: PDFs through the PDF slot, text
 * formats through their parsers. Pages are produced one at a time so a 2 000-page PDF is
 * never held as one string.
 */
import {
  type PdfDocument,
  PdfError,
  type PdfKernel,
  requireTextLayer,
} from "../plugins/pdf/types.ts";
import type { PageText } from "./chunker.ts";
import type { DocumentKind } from "./detect.ts";

/** Why a document cannot be ingested; the upload route maps each code to a 4xx. */
export class ExtractionError extends Error {
  override name = "ExtractionError";
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface OpenedDocument {
  pageCount: number;
  /** A title found inside the document (HTML <title>, Markdown # heading, PDF Title). */
  title?: string;
  /** Pages from `first` (1-based) to the end. */
  pages(first: number): AsyncGenerator<PageText>;
  close(): void;
}

/** The HTTP status of an upload refused with `code`: too big is 413, the rest 422. */
export function extractionStatus(code: string): 413 | 422 {
  return code === "too_many_pages" || code === "archive_too_large" ? 413 : 422;
}

const PDF_CODES: Record<string, [string, string]> = {
  not_pdf: ["not_pdf", "the file is not a PDF"],
  encrypted: ["pdf_encrypted", "the PDF is encrypted with a password ligero does not have"],
  damaged: ["pdf_damaged", "the PDF is damaged beyond recovery"],
  no_text: ["needs_ocr", "the PDF has no text layer (a scan?): it needs OCR"],
  too_large: ["pdf_too_large", "the PDF exceeds the extractor's limits"],
};

export function pdfFailure(e: PdfError): ExtractionError {
  const [code, what] = PDF_CODES[e.code] ?? ["pdf_damaged", "the PDF cannot be read"];
  return new ExtractionError(code, `${what} (${e.message})`);
}

/** An upload's content: its bytes, or its file on this machine (a PDF is then mapped, not read). */
export type DocumentSource = { bytes: Uint8Array } | { path: string };

export async function openDocument(
  kind: DocumentKind,
  source: DocumentSource,
  pdf: PdfKernel,
  maxPages: number,
): Promise<OpenedDocument> {
  if (kind === "pdf") return await openPdf(source, pdf, maxPages);
  const bytes = "bytes" in source ? source.bytes : await Deno.readFile(source.path);
  const { pages, title } = await pagesOf(kind, bytes);
  if (pages.length > maxPages) throw tooManyPages(pages.length, maxPages);
  return {
    pageCount: pages.length,
    title,
    async *pages(first) {
      for (let n = first; n <= pages.length; n++) yield { pageNumber: n, text: pages[n - 1] };
    },
    close() {},
  };
}

async function openPdf(source: DocumentSource, pdf: PdfKernel, maxPages: number) {
  let doc: PdfDocument;
  try {
    doc = await ("bytes" in source ? pdf.open(source.bytes) : pdf.openFile(source.path));
  } catch (e) {
    throw e instanceof PdfError ? pdfFailure(e) : e;
  }
  if (doc.info.pages > maxPages) {
    doc.close();
    throw tooManyPages(doc.info.pages, maxPages);
  }
  if (doc.info.pages === 0) {
    doc.close();
    throw new ExtractionError("pdf_damaged", "the PDF has no pages");
  }
  try {
    requireTextLayer(doc.info);
  } catch (e) {
    doc.close();
    throw pdfFailure(e as PdfError);
  }
  return {
    pageCount: doc.info.pages,
    title: doc.info.title?.trim() || undefined,
    async *pages(first: number) {
      let next = first;
      try {
        // a batch of pages per kernel call, extracted on every core
        for await (const { page, text } of doc.pages(first)) {
          yield { pageNumber: page, text };
          next = page + 1;
        }
      } catch (e) {
        if (!(e instanceof PdfError)) throw e;
        if (e.code === "too_large") throw pdfFailure(e); // the document fails as pdf_too_large
        // a batch failed: page by page from there, so one unreadable page does not sink it
        for (let n = next; n <= doc.info.pages; n++) {
          yield { pageNumber: n, text: await doc.pageText(n).catch(() => "") };
        }
      }
    },
    close: () => doc.close(),
  };
}

/**
 * The parsers (HTML, Markdown, Office) load on first use: ~8 MB of RSS an idle server does
 * without. Office formats say where pages start; a text file's form feeds do.
 */
async function pagesOf(
  kind: Exclude<DocumentKind, "pdf">,
  bytes: Uint8Array,
): Promise<{ pages: string[]; title?: string }> {
  if (kind === "docx" || kind === "pptx" || kind === "odt") {
    const { readOffice } = await import("./office/index.ts");
    return await readOffice(kind, bytes);
  }
  const raw = new TextDecoder().decode(bytes);
  if (kind === "text") return { pages: splitPages(raw) };
  const { htmlToText, markdownToText } = await import("./text-formats.ts");
  const { text, title } = kind === "html" ? htmlToText(raw) : markdownToText(raw);
  return { pages: splitPages(text), title };
}

/** A form feed separates pages in text files (as pdftotext writes them). */
function splitPages(text: string): string[] {
  const pages = text.split("\f");
  while (pages.length > 1 && pages[pages.length - 1].trim() === "") pages.pop();
  return pages;
}

function tooManyPages(pages: number, max: number): ExtractionError {
  return new ExtractionError(
    "too_many_pages",
    `the document has ${pages} pages; the limit is ${max} (limits.pages)`,
  );
}

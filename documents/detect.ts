/**
 * What an upload is. The bytes decide, not the name or the declared type: a file whose bytes
 * say PDF is a PDF; a ZIP is a DOCX, PPTX or ODT by what it holds (documents/office/detect.ts);
 * text formats are told apart by the declared type and the extension, and must be valid UTF-8.
 */
import { ApiError } from "../server/errors.ts";
import { ExtractionError, extractionStatus } from "./extract.ts";

export type DocumentKind = "pdf" | "text" | "markdown" | "html" | "docx" | "pptx" | "odt";

export const MIME: Record<DocumentKind, string> = {
  pdf: "application/pdf",
  text: "text/plain",
  markdown: "text/markdown",
  html: "text/html",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  odt: "application/vnd.oasis.opendocument.text",
};

export function kindOfMime(mime: string): DocumentKind {
  const kind = (Object.keys(MIME) as DocumentKind[]).find((k) => MIME[k] === mime);
  if (!kind) throw new Error(`no document kind for ${mime}`);
  return kind;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
/** Real PDFs may carry junk before the header; readers accept it within the first 1 KiB. */
const PDF_HEADER_WINDOW = 1024;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
/** Office saves a password-protected DOCX/XLSX/PPTX as an OLE file with this stream. */
const ENCRYPTED_PACKAGE = new Uint8Array(
  [..."EncryptedPackage"].flatMap((c) => [c.charCodeAt(0), 0]),
);

/** Formats we recognize but cannot read: a precise 415 beats a garbled document. */
const KNOWN_BINARY: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image (needs OCR, not supported)"],
  [[0xff, 0xd8, 0xff], "a JPEG image (needs OCR, not supported)"],
  [[0x1f, 0x8b], "a gzip archive"],
];

export async function detectKind(
  bytes: Uint8Array,
  declaredType: string,
  fileName: string,
): Promise<DocumentKind> {
  if (findPdfHeader(bytes) >= 0) return "pdf";
  if (startsWith(bytes, ZIP_MAGIC, 0)) return await zipKind(bytes);
  if (startsWith(bytes, OLE_MAGIC, 0)) {
    const what = includes(bytes, ENCRYPTED_PACKAGE)
      ? "a password-protected Office document (remove the password and upload it again)"
      : "a legacy Office document (DOC, XLS, PPT: save it as DOCX or PPTX)";
    throw new ApiError(415, "unsupported_media_type", `the file is ${what}`);
  }
  for (const [magic, what] of KNOWN_BINARY) {
    if (startsWith(bytes, magic, 0)) {
      throw new ApiError(415, "unsupported_media_type", `the file is ${what}`);
    }
  }
  const type = declaredType.split(";")[0].trim().toLowerCase();
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? "";
  if (type === "application/pdf" || ext === "pdf") {
    throw new ApiError(415, "not_pdf", "the file is named or declared a PDF but has no PDF header");
  }
  if (!isUtf8(bytes)) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      "unsupported file type: send a PDF, DOCX, PPTX, ODT, or UTF-8 plain text, Markdown or HTML",
    );
  }
  if (type === "text/html" || type === "application/xhtml+xml" || ext === "html" || ext === "htm") {
    return "html";
  }
  if (
    type === "text/markdown" || type === "text/x-markdown" || ext === "md" || ext === "markdown"
  ) {
    return "markdown";
  }
  if (type.startsWith("text/") || type === "" || type === "application/octet-stream") return "text";
  throw new ApiError(415, "unsupported_media_type", `unsupported content type ${type}`);
}

/** The Office reader loads on the first ZIP upload, like the HTML and Markdown parsers. */
async function zipKind(bytes: Uint8Array): Promise<DocumentKind> {
  const { officeKind } = await import("./office/detect.ts");
  try {
    return await officeKind(bytes);
  } catch (e) {
    if (!(e instanceof ExtractionError)) throw e;
    throw new ApiError(extractionStatus(e.code), e.code, e.message);
  }
}

/** Whether the file at `path` is a PDF, from its first bytes only (so it can be mapped, not read). */
export async function isPdfFile(path: string): Promise<boolean> {
  const file = await Deno.open(path);
  try {
    const head = new Uint8Array(PDF_HEADER_WINDOW + PDF_MAGIC.length);
    let filled = 0;
    while (filled < head.length) {
      const n = await file.read(head.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return findPdfHeader(head.subarray(0, filled)) >= 0;
  } finally {
    file.close();
  }
}

function findPdfHeader(bytes: Uint8Array): number {
  if (startsWith(bytes, ZIP_MAGIC, 0)) return -1; // a ZIP, even one that stores a PDF first
  const end = Math.min(bytes.length - PDF_MAGIC.length, PDF_HEADER_WINDOW);
  for (let i = 0; i <= end; i++) if (startsWith(bytes, PDF_MAGIC, i)) return i;
  return -1;
}

function startsWith(bytes: Uint8Array, magic: number[], at: number): boolean {
  return magic.every((b, i) => bytes[at + i] === b);
}

function includes(bytes: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  for (let i = bytes.indexOf(first); i >= 0; i = bytes.indexOf(first, i + 1)) {
    if (needle.every((b, j) => bytes[i + j] === b)) return true;
  }
  return false;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return !bytes.includes(0);
  } catch {
    return false;
  }
}

/**
 * Office documents (DOCX, PPTX, ODT) as pages of text. Loaded on the first Office upload,
 * like the HTML and Markdown parsers. Archive failures become ExtractionErrors with codes of
 * their own, so a zip bomb or a damaged file fails its upload or job with a clear 4xx.
 */
import { ExtractionError } from "../extract.ts";
import { ZipArchive, ZipError, type ZipErrorCode, type ZipLimits } from "../zip.ts";
import { readDocx } from "./docx.ts";
import { readOdt } from "./odt.ts";
import type { OfficeText } from "./pages.ts";
import { readPptx } from "./pptx.ts";

export type OfficeKind = "docx" | "pptx" | "odt";

const READERS: Record<OfficeKind, (zip: ZipArchive) => Promise<OfficeText>> = {
  docx: readDocx,
  pptx: readPptx,
  odt: readOdt,
};

export function readOffice(kind: OfficeKind, bytes: Uint8Array): Promise<OfficeText> {
  return withArchive(bytes, undefined, READERS[kind]);
}

const FAILURES: Record<ZipErrorCode, [string, string]> = {
  damaged: ["archive_damaged", "the document's ZIP container is damaged"],
  encrypted: ["archive_encrypted", "the document is encrypted"],
  unsupported: ["archive_unsupported", "the document's ZIP container uses an unsupported feature"],
  too_large: ["archive_too_large", "the document inflates past ligero's limits (a zip bomb?)"],
};

/** Runs `read` over the archive, turning what the archive does wrong into ExtractionErrors. */
export async function withArchive<T>(
  bytes: Uint8Array,
  limits: ZipLimits | undefined,
  read: (zip: ZipArchive) => Promise<T>,
): Promise<T> {
  try {
    return await read(new ZipArchive(bytes, limits));
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    const [code, what] = FAILURES[e.code];
    throw new ExtractionError(code, `${what} (${e.message})`);
  }
}

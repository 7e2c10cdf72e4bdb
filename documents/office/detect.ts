/**
 * What a ZIP upload is, from its content: an OpenDocument file names its type in its first
 * entry, `mimetype`; an Office Open XML package names its main part's type in
 * `[Content_Types].xml`. The file's name plays no part. What we cannot read gets a 415 that
 * says what it is.
 */
import { ApiError } from "../../server/errors.ts";
import type { ZipArchive } from "../zip.ts";
import { WORD_TYPES } from "./docx.ts";
import { type OfficeKind, withArchive } from "./index.ts";
import { PRESENTATION_TYPES } from "./pptx.ts";
import { contentTypes } from "./xml.ts";

/** The manifests are small; a bomb posing as one stops here. */
const MANIFEST_LIMITS = {
  entryBytes: 2 * 1024 * 1024,
  totalBytes: 4 * 1024 * 1024,
  entries: 65_535,
};

const ODF_TEXT = "application/vnd.oasis.opendocument.text";

const OTHER_ODF: Record<string, string> = {
  "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (ODS)",
  "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (ODP)",
  "application/vnd.oasis.opendocument.graphics": "an OpenDocument drawing (ODG)",
  "application/epub+zip": "an EPUB book",
};

const OTHER_OOXML: [RegExp, string][] = [
  [/spreadsheetml|ms-excel/, "an Excel workbook (XLSX)"],
  [/ms-visio|drawingml\.diagram/, "a Visio drawing (VSDX)"],
  [/ms-xpsdocument|oxps/, "an XPS document"],
];

export function officeKind(bytes: Uint8Array): Promise<OfficeKind> {
  return withArchive(bytes, MANIFEST_LIMITS, kindOf);
}

async function kindOf(zip: ZipArchive): Promise<OfficeKind> {
  if (zip.has("mimetype")) {
    const type = (await zip.text("mimetype")).trim();
    if (type === ODF_TEXT) return "odt";
    throw unsupported(OTHER_ODF[type] ?? `an OpenDocument file of type ${JSON.stringify(type)}`);
  }
  if (zip.has("[Content_Types].xml")) {
    const types = [...(await contentTypes(zip)).values()];
    if (types.some((t) => WORD_TYPES.includes(t))) return "docx";
    if (types.some((t) => PRESENTATION_TYPES.includes(t))) return "pptx";
    const other = OTHER_OOXML.find(([pattern]) => types.some((t) => pattern.test(t)));
    if (other) throw unsupported(other[1]);
    // a manifest that types its parts by extension only: the main part where writers put it
    if (zip.has("word/document.xml")) return "docx";
    if (zip.has("ppt/presentation.xml")) return "pptx";
    throw unsupported("an Office Open XML package of a kind ligero does not read");
  }
  throw unsupported("a ZIP archive, not a Word, PowerPoint or OpenDocument text file");
}

function unsupported(what: string): ApiError {
  return new ApiError(
    415,
    "unsupported_media_type",
    `the file is ${what}: ligero reads DOCX, PPTX and ODT among ZIP-based formats`,
  );
}

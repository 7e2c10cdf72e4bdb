/**
 * XML parts of an Office archive, streamed from the ZIP into htmlparser2 in XML mode: a
 * non-validating parse that decodes only the predefined and numeric entities, ignores any DTD
 * (no entity expansion, no external fetches) and keeps no tree. Plus the two Open Packaging
 * Conventions lookups DOCX and PPTX need: content types and relationships.
 */
import { type Handler, Parser } from "htmlparser2";
import type { ZipArchive } from "../zip.ts";

export type XmlHandler = Partial<Pick<Handler, "onopentag" | "ontext" | "onclosetag">>;

export async function parsePart(zip: ZipArchive, part: string, handler: XmlHandler): Promise<void> {
  const parser = new Parser(handler, { xmlMode: true, decodeEntities: true });
  const decoder = new TextDecoder();
  for await (const chunk of zip.chunks(part)) parser.write(decoder.decode(chunk, { stream: true }));
  parser.write(decoder.decode());
  parser.end();
}

/** Part name → content type, from `[Content_Types].xml`'s overrides (names without "/"). */
export async function contentTypes(zip: ZipArchive): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  await parsePart(zip, "[Content_Types].xml", {
    onopentag(name, attrs) {
      if (localName(name) === "Override" && attrs.PartName && attrs.ContentType) {
        types.set(attrs.PartName.replace(/^\/+/, ""), attrs.ContentType.toLowerCase());
      }
    },
  });
  return types;
}

export interface Relationship {
  type: string;
  /** The target part's name inside the archive. */
  target: string;
}

/** A part's relationships by id, targets resolved against the part's folder. */
export async function relationships(
  zip: ZipArchive,
  part: string,
): Promise<Map<string, Relationship>> {
  const slash = part.lastIndexOf("/");
  const folder = part.slice(0, slash + 1);
  const relsPart = `${folder}_rels/${part.slice(slash + 1)}.rels`;
  const rels = new Map<string, Relationship>();
  if (!zip.has(relsPart)) return rels;
  await parsePart(zip, relsPart, {
    onopentag(name, attrs) {
      if (localName(name) !== "Relationship" || attrs.TargetMode === "External") return;
      if (!attrs.Id || !attrs.Target) return;
      rels.set(attrs.Id, { type: attrs.Type ?? "", target: resolve(folder, attrs.Target) });
    },
  });
  return rels;
}

/** `dc:title` of the core properties (OOXML docProps/core.xml, ODF meta.xml). */
export async function coreTitle(zip: ZipArchive, part: string): Promise<string | undefined> {
  if (!zip.has(part)) return undefined;
  let title = "";
  let inTitle = false;
  await parsePart(zip, part, {
    onopentag: (name) => inTitle = name === "dc:title",
    ontext: (text) => inTitle && (title += text),
    onclosetag: () => inTitle = false,
  });
  return title.trim() || undefined;
}

export function localName(name: string): string {
  return name.slice(name.indexOf(":") + 1);
}

/** "ppt/" + "../notesSlides/n1.xml" → "notesSlides/n1.xml"; never above the archive's root. */
function resolve(folder: string, target: string): string {
  const parts = target.startsWith("/") ? [] : folder.split("/").filter(Boolean);
  for (const piece of target.split("/")) {
    if (piece === "..") parts.pop();
    else if (piece && piece !== ".") parts.push(piece);
  }
  return parts.join("/");
}

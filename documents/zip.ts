/**
 * Reads a ZIP upload (DOCX, PPTX and ODT are ZIPs) without trusting it. The central directory
 * is parsed from the bytes we already hold; an entry is inflated a few KiB of input at a time,
 * and every byte it yields counts against a per-entry and a per-archive budget, so a zip bomb
 * stops with an error after at most a budget's worth of output instead of filling the heap
 * (one step of 4 KiB deflate inflates to at most ~4 MiB). Entry names are only looked up,
 * never used as paths. Only stored and deflated entries are read; encrypted ones are refused.
 */
import { crc32 } from "node:zlib";

export type ZipErrorCode = "damaged" | "encrypted" | "unsupported" | "too_large";

export class ZipError extends Error {
  override name = "ZipError";
  constructor(readonly code: ZipErrorCode, message: string) {
    super(message);
  }
}

export interface ZipLimits {
  /** Most bytes one entry may inflate to. */
  entryBytes: number;
  /** Most bytes all entries read from one archive may inflate to together. */
  totalBytes: number;
  /** Most entries the central directory may list. */
  entries: number;
}

/** A DOCX of ~3 000 pages has ~30 MiB of document.xml; these bound what a bomb can cost. */
export const ZIP_LIMITS: ZipLimits = {
  entryBytes: 32 * 1024 * 1024,
  totalBytes: 64 * 1024 * 1024,
  entries: 65_535,
};

interface Entry {
  /** For messages (see printable); lookups use the raw name's key. */
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
const AES = 99;
/** Input fed to the inflater per step: the most one step can yield is ~1032 times this. */
const STEP = 4096;

const METHOD_NAMES: Record<number, string> = {
  9: "Deflate64",
  12: "bzip2",
  14: "LZMA",
  93: "Zstandard",
  95: "XZ",
};

export class ZipArchive {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #entries = new Map<string, Entry>();
  readonly #limits: ZipLimits;
  #inflated = 0;

  constructor(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#limits = limits;
    this.#readDirectory();
  }

  /** Part names are case-insensitive in OPC; lookups ignore case and a leading slash. */
  has(name: string): boolean {
    return this.#entries.has(key(name));
  }

  /** An entry's inflated bytes, a step at a time; throws ZipError past a budget. */
  async *chunks(name: string): AsyncGenerator<Uint8Array> {
    const entry = this.#entries.get(key(name));
    if (!entry) throw new ZipError("damaged", `the archive has no ${printable(name)}`);
    if (entry.flags & 1 || entry.method === AES) {
      throw new ZipError("encrypted", `${entry.name} is encrypted`);
    }
    if (entry.method !== STORED && entry.method !== DEFLATED) {
      const method = METHOD_NAMES[entry.method] ?? `method ${entry.method}`;
      throw new ZipError("unsupported", `${entry.name} is compressed with ${method}`);
    }
    if (entry.size > this.#limits.entryBytes) throw this.#tooLarge(entry);
    const data = this.#data(entry);
    const source = entry.method === STORED ? slices(data) : inflate(data);
    let size = 0;
    let crc = 0;
    for await (const chunk of source) {
      size += chunk.length;
      this.#inflated += chunk.length;
      // leaving the loop closes the inflater
      if (size > this.#limits.entryBytes || this.#inflated > this.#limits.totalBytes) {
        throw this.#tooLarge(entry);
      }
      crc = crc32(chunk, crc);
      yield chunk;
    }
    if (size !== entry.size || crc !== entry.crc32) {
      throw new ZipError("damaged", `${entry.name} is damaged (its size or checksum is wrong)`);
    }
  }

  /** A small entry (a manifest, a relationship list) whole, as UTF-8. */
  async text(name: string): Promise<string> {
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of this.chunks(name)) text += decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  }

  #tooLarge(entry: Entry): ZipError {
    const { entryBytes, totalBytes } = this.#limits;
    return new ZipError(
      "too_large",
      `${entry.name} inflates past the limit (${entryBytes} bytes an entry, ${totalBytes} in all)`,
    );
  }

  #readDirectory(): void {
    const v = this.#view;
    const eocd = this.#findEocd();
    if (v.getUint16(eocd + 4, true) !== 0 || v.getUint16(eocd + 6, true) !== 0) {
      throw new ZipError("unsupported", "the archive spans several disks");
    }
    let count = v.getUint16(eocd + 10, true);
    let offset = v.getUint32(eocd + 16, true);
    if (count === 0xffff || offset === 0xffffffff) {
      const locator = eocd - 20;
      if (locator < 0 || v.getUint32(locator, true) !== ZIP64_LOCATOR) {
        throw new ZipError("damaged", "the archive's ZIP64 directory is missing");
      }
      const at = this.#u64(locator + 8);
      if (at + 56 > this.#bytes.length || v.getUint32(at, true) !== ZIP64_EOCD) {
        throw new ZipError("damaged", "the archive's ZIP64 directory is damaged");
      }
      count = this.#u64(at + 32);
      offset = this.#u64(at + 48);
    }
    if (count > this.#limits.entries) {
      throw new ZipError("too_large", `the archive lists ${count} entries`);
    }
    const names = new TextDecoder();
    for (let i = 0; i < count; i++) {
      if (offset + 46 > this.#bytes.length || v.getUint32(offset, true) !== CENTRAL) {
        throw new ZipError("damaged", "the archive's central directory is damaged or truncated");
      }
      const nameLength = v.getUint16(offset + 28, true);
      const extraLength = v.getUint16(offset + 30, true);
      const commentLength = v.getUint16(offset + 32, true);
      const end = offset + 46 + nameLength + extraLength + commentLength;
      if (end > this.#bytes.length) throw new ZipError("damaged", "the archive is truncated");
      const name = names.decode(this.#bytes.subarray(offset + 46, offset + 46 + nameLength));
      const entry: Entry = {
        name: printable(name),
        flags: v.getUint16(offset + 8, true),
        method: v.getUint16(offset + 10, true),
        crc32: v.getUint32(offset + 16, true),
        compressedSize: v.getUint32(offset + 20, true),
        size: v.getUint32(offset + 24, true),
        localOffset: v.getUint32(offset + 42, true),
      };
      this.#zip64Sizes(entry, offset + 46 + nameLength, extraLength);
      if (!this.#entries.has(key(name))) this.#entries.set(key(name), entry);
      offset = end;
    }
  }

  /** The end-of-central-directory record: the last 22 bytes, or before a comment. */
  #findEocd(): number {
    const v = this.#view;
    const last = this.#bytes.length - 22;
    for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
      if (v.getUint32(at, true) === EOCD) return at;
    }
    throw new ZipError("damaged", "the archive has no central directory (truncated?)");
  }

  /** Sizes and offsets that did not fit 32 bits are in the ZIP64 extra field, in this order. */
  #zip64Sizes(entry: Entry, extra: number, length: number): void {
    const v = this.#view;
    for (let at = extra; at + 4 <= extra + length;) {
      const id = v.getUint16(at, true);
      const size = v.getUint16(at + 2, true);
      if (id === 0x0001) {
        let field = at + 4;
        const next = (): number => {
          if (field + 8 > at + 4 + size) throw new ZipError("damaged", "a ZIP64 field is short");
          const value = this.#u64(field);
          field += 8;
          return value;
        };
        if (entry.size === 0xffffffff) entry.size = next();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
        if (entry.localOffset === 0xffffffff) entry.localOffset = next();
        return;
      }
      at += 4 + size;
    }
  }

  /** The entry's stored bytes, after its local header. */
  #data(entry: Entry): Uint8Array {
    const v = this.#view;
    const at = entry.localOffset;
    if (at + 30 > this.#bytes.length || v.getUint32(at, true) !== LOCAL) {
      throw new ZipError("damaged", `${entry.name}: the archive is damaged or truncated`);
    }
    const start = at + 30 + v.getUint16(at + 26, true) + v.getUint16(at + 28, true);
    const end = start + entry.compressedSize;
    if (end > this.#bytes.length) throw new ZipError("damaged", `${entry.name} is truncated`);
    return this.#bytes.subarray(start, end);
  }

  #u64(at: number): number {
    const value = this.#view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError("damaged", "a size is absurd");
    return Number(value);
  }
}

/** Entry names reach error messages: no control characters, no 64 KiB names. */
function printable(name: string): string {
  // deno-lint-ignore no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, "?").slice(0, 120);
}

function key(name: string): string {
  return name.replace(/^\/+/, "").toLowerCase();
}

async function* slices(data: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += STEP * 16) yield data.subarray(at, at + STEP * 16);
}

/** Raw deflate through the runtime's decompressor, fed STEP bytes at a time. */
async function* inflate(data: Uint8Array): AsyncGenerator<Uint8Array> {
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const feeding = (async () => {
    for (let at = 0; at < data.length; at += STEP) await writer.write(data.slice(at, at + STEP));
    await writer.close();
  })();
  feeding.catch(() => {}); // its failure surfaces through the reader
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) break;
      yield next.value;
    }
    done = true;
  } catch (e) {
    throw new ZipError("damaged", `the archive's data is damaged (${(e as Error).message})`);
  } finally {
    if (!done) {
      await reader.cancel().catch(() => {});
      await writer.abort().catch(() => {});
    }
  }
}

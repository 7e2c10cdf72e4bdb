/**
 * A minimal ZIP writer for tests: builds archives, honest or hostile (a lying size, a wrong
 * checksum, an encrypted flag, an unknown method, a cut deflate stream), in memory.
 */
import { crc32, deflateRawSync } from "node:zlib";

export interface ZipFile {
  name: string;
  data: string | Uint8Array;
  /** 0 stored, 8 deflated (the default); any other number is written as is. */
  method?: number;
  flags?: number;
  declaredSize?: number;
  crc?: number;
  /** The entry's bytes as written, instead of `data` deflated. */
  compressed?: Uint8Array;
}

export function zipOf(files: ZipFile[], options: { truncateData?: number } = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const raw = typeof file.data === "string" ? new TextEncoder().encode(file.data) : file.data;
    const method = file.method ?? 8;
    let data = file.compressed ?? (method === 8 ? new Uint8Array(deflateRawSync(raw)) : raw);
    if (options.truncateData) data = data.subarray(0, options.truncateData);
    const name = new TextEncoder().encode(file.name);
    const crc = file.crc ?? crc32(raw);
    const size = file.declaredSize ?? raw.length;
    const flags = (file.flags ?? 0) | 0x800;
    const local = new Uint8Array(30 + name.length + data.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(6, flags, true);
    l.setUint16(8, method, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, size, true);
    l.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(data, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, flags, true);
    c.setUint16(10, method, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, data.length, true);
    c.setUint32(24, size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const directorySize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, files.length, true);
  e.setUint16(10, files.length, true);
  e.setUint32(12, directorySize, true);
  e.setUint32(16, offset, true);
  const out = new Uint8Array(offset + directorySize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Parses sizes such as "256MiB", "1.5GB", "4096" (bytes) into a byte count. */
const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

export function parseBytes(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new Error(`not a byte size: ${value}`);
    return Math.floor(value);
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const factor = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new Error(`not a byte size: "${value}" (use e.g. "256MiB", "50MB" or a number of bytes)`);
  }
  return Math.floor(Number(match[1]) * factor);
}

export function formatBytes(bytes: number): string {
  const mib = bytes / 1024 ** 2;
  return mib >= 1 ? `${mib.toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

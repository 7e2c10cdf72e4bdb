/**
 * The memory limit of the cgroup this process runs in, if one is set (v2 `memory.max`,
 * else v1 `memory.limit_in_bytes`). Containers get their ceiling from here.
 */
const V1_UNLIMITED = 2 ** 62; // v1 reports "no limit" as a huge page-aligned number

export function cgroupMemoryLimit(root = "/sys/fs/cgroup"): number | undefined {
  const v2 = readLimit(`${root}/memory.max`);
  if (v2 !== undefined) return v2;
  const v1 = readLimit(`${root}/memory/memory.limit_in_bytes`);
  return v1 !== undefined && v1 < V1_UNLIMITED ? v1 : undefined;
}

function readLimit(path: string): number | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(path).trim();
  } catch {
    return undefined;
  }
  if (text === "max") return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

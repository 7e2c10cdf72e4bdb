/**
 * Where a process's resident memory is, read from /proc/<pid>/smaps: the Deno binary's own
 * pages, the model file, the kernel libraries, the brk heap (glibc's main arena) and the other
 * anonymous mappings (V8's heap, thread arenas, mmap'd native buffers).
 */

export interface RssBreakdown {
  total: number;
  /** Text and data pages of the deno executable (shared with any other deno process). */
  binary: number;
  /** Pages of model files still mapped (safetensors / tokenizer). */
  model: number;
  /** Shared libraries: our kernels, libc, libm, ld.so. */
  libraries: number;
  /** The brk heap: glibc's main arena. */
  brk: number;
  /** Every other anonymous mapping: V8 heap, glibc thread arenas, large mallocs, stacks. */
  anon: number;
  other: number;
}

export function rssBreakdown(pid: number): RssBreakdown {
  const out: RssBreakdown = {
    total: 0,
    binary: 0,
    model: 0,
    libraries: 0,
    brk: 0,
    anon: 0,
    other: 0,
  };
  let kind: keyof RssBreakdown = "anon";
  for (const line of Deno.readTextFileSync(`/proc/${pid}/smaps`).split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      kind = classify(header[1]);
      continue;
    }
    if (!line.startsWith("Rss:")) continue;
    const bytes = Number(line.split(/\s+/)[1]) * 1024;
    out[kind] += bytes;
    out.total += bytes;
  }
  return out;
}

function classify(path: string): keyof RssBreakdown {
  if (path === "" || path === "[stack]" || path.startsWith("[anon")) return "anon";
  if (path === "[heap]") return "brk";
  if (/\/deno$/.test(path)) return "binary";
  if (/\.(safetensors|onnx|json)$/.test(path)) return "model";
  if (/\.so(\.|$)/.test(path)) return "libraries";
  return "other";
}

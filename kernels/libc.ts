/**
 * glibc's `malloc_trim`: hands the free pages of every malloc arena back to the OS. glibc keeps
 * what the kernels free (the PDF parser's streams, the tokenizer's and encoder's per-thread
 * buffers) for reuse, so without it RSS stays at an ingestion job's peak for the life of the
 * process (measured in docs/memory.md). Elsewhere (macOS, musl) it is a no-op.
 */

const symbols = {
  // int malloc_trim(size_t pad)
  malloc_trim: { parameters: ["usize"], result: "i32" },
  // int mallopt(int param, int value)
  mallopt: { parameters: ["i32", "i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

let libc: Deno.DynamicLibrary<typeof symbols> | null | undefined;

function open(): Deno.DynamicLibrary<typeof symbols> | null {
  if (libc !== undefined) return libc;
  try {
    libc = Deno.build.os === "linux" ? Deno.dlopen("libc.so.6", symbols) : null;
  } catch {
    libc = null; // not glibc: nothing to trim
  }
  return libc;
}

/** Returns freed native memory to the OS; true when glibc released something. */
export function releaseFreedMemory(): boolean {
  return (open()?.symbols.malloc_trim(0n) ?? 0) === 1;
}

const M_MMAP_THRESHOLD = -3;
const MMAP_THRESHOLD_BYTES = 128 * 1024;

/**
 * Keeps every allocation of 128 KiB or more in its own mapping, returned to the OS the moment
 * it is freed. glibc otherwise raises the threshold to the largest block freed so far, and later
 * blocks that size come from arenas no trim can shrink: closing the embedding model gave back
 * 14 of its 26 MiB that way, until that kernel got an allocator of its own. The PDF parser's
 * stream buffers and SQLite's allocations go through glibc still.
 */
export function pinMmapThreshold(): void {
  open()?.symbols.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
}

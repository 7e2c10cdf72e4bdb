/**
 * glibc's `malloc_trim`: hands the free pages of every malloc arena back to the OS. glibc keeps
 * what the kernels free (the PDF parser's streams, the tokenizer's and encoder's per-thread
 * buffers) for reuse, so without it RSS stays at an ingestion job's peak for the life of the
 * process (measured in docs/memory.md). Elsewhere (macOS, musl) it is a no-op.
 */

const symbols = {
  // int malloc_trim(size_t pad)
  malloc_trim: { parameters: ["usize"], result: "i32" },
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

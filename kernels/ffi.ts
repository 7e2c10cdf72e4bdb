/**
 * Loads a Rust kernel (a cdylib built from `kernels/<name>`) with Deno.dlopen and checks that
 * it speaks our ABI (see `kernels/abi/src/lib.rs`). Every kernel binding goes through here.
 *
 * Lookup order: `kernels.libraryDir` from config, then `kernels/target/release` of this
 * checkout; a missing library is a KernelMissingError that says how to build it.
 */

/** Must equal `ligero_abi::ABI_VERSION`. */
export const ABI_VERSION = 1;

/** Status codes of `ligero_abi::Status`, by value. */
export const STATUS_NAMES: Record<number, string> = {
  0: "ok",
  1: "invalid_argument",
  2: "buffer_too_small",
  3: "not_found",
  4: "damaged",
  5: "encrypted",
  6: "unsupported",
  7: "limit_exceeded",
  8: "io",
  9: "no_text",
  99: "panic",
};

const COMMON_SYMBOLS = {
  ligero_abi_version: { parameters: [], result: "u32" }, // u32 (void)
  ligero_kernel_info: { parameters: ["buffer", "usize"], result: "usize" }, // usize (u8* buf, usize cap)
  ligero_test_panic: { parameters: ["buffer", "usize"], result: "i32" }, // i32 (u8* err, usize err_cap)
} as const satisfies Deno.ForeignLibraryInterface;

export class KernelMissingError extends Error {
  override name = "KernelMissingError";
}

/** A kernel call that returned a non-zero status; `code` is the status name. */
export class KernelError extends Error {
  override name = "KernelError";
  constructor(readonly kernel: string, readonly status: number, message: string) {
    super(`${kernel} kernel: ${message}`);
  }
  get code(): string {
    return STATUS_NAMES[this.status] ?? `status_${this.status}`;
  }
}

const ERROR_CAPACITY = 1024;
const decoder = new TextDecoder();

export function libraryFileName(name: string, os: typeof Deno.build.os = Deno.build.os): string {
  if (os === "windows") return `${name}.dll`;
  return os === "darwin" ? `lib${name}.dylib` : `lib${name}.so`;
}

export function defaultLibraryDir(): string {
  return new URL("./target/release/", import.meta.url).pathname;
}

/** An opened kernel library: its symbols, its description, and status checking. */
export class KernelLibrary<S extends Deno.ForeignLibraryInterface> {
  readonly symbols: Deno.DynamicLibrary<S>["symbols"];
  /** What the kernel runs on, e.g. "avx512"; shown as "rust(avx512)" in /ready. */
  readonly info: string;
  /** Reused by synchronous calls; nonblocking calls each get their own (they may overlap). */
  readonly #syncError = new Uint8Array(ERROR_CAPACITY);
  readonly #lib: Deno.DynamicLibrary<Deno.ForeignLibraryInterface>;
  readonly #common: Deno.DynamicLibrary<typeof COMMON_SYMBOLS>["symbols"];
  #closed = false;

  constructor(readonly name: string, symbols: S, libraryDir = "") {
    const dir = libraryDir || defaultLibraryDir();
    const path = `${dir.replace(/\/$/, "")}/${libraryFileName(name)}`;
    try {
      this.#lib = Deno.dlopen(path, { ...symbols, ...COMMON_SYMBOLS });
    } catch (cause) {
      throw new KernelMissingError(
        `${name} kernel: cannot load ${path} (${(cause as Error).message}); ` +
          "run `deno task build:kernels`, or set the kernel to its JS twin in ligero.jsonc",
        { cause },
      );
    }
    this.symbols = this.#lib.symbols as Deno.DynamicLibrary<S>["symbols"];
    this.#common = this.#lib.symbols as Deno.DynamicLibrary<typeof COMMON_SYMBOLS>["symbols"];
    const version = this.#common.ligero_abi_version();
    if (version !== ABI_VERSION) {
      this.#lib.close();
      throw new KernelMissingError(
        `${name} kernel: ${path} speaks ABI ${version}, this server needs ${ABI_VERSION}; ` +
          "rebuild with `deno task build:kernels`",
      );
    }
    const buf = new Uint8Array(128);
    const len = Number(this.#common.ligero_kernel_info(buf, BigInt(buf.length)));
    this.info = decoder.decode(buf.subarray(0, Math.min(len, buf.length - 1)));
  }

  /** The error buffer for a synchronous call, passed as the call's last two arguments. */
  syncErrorBuffer(): [Uint8Array, bigint] {
    return [this.#syncError, BigInt(ERROR_CAPACITY)];
  }

  /** A fresh error buffer for a nonblocking call. */
  static errorBuffer(): [Uint8Array, bigint] {
    return [new Uint8Array(ERROR_CAPACITY), BigInt(ERROR_CAPACITY)];
  }

  /** Throws a KernelError carrying the kernel's text when `status` is not ok. */
  check(status: number, errorBuffer: Uint8Array = this.#syncError): void {
    if (status === 0) return;
    const end = errorBuffer.indexOf(0);
    const text = decoder.decode(errorBuffer.subarray(0, end < 0 ? undefined : end));
    throw new KernelError(this.name, status, text || STATUS_NAMES[status] || "failed");
  }

  /** Forces a panic inside the kernel's guard; used by tests to prove the host survives. */
  testPanic(): void {
    const [err, cap] = this.syncErrorBuffer();
    this.check(this.#common.ligero_test_panic(err, cap));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lib.close();
  }
}

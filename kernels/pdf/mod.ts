/** The Rust PDF kernel behind the PdfKernel interface. */
import { KernelError, KernelLibrary } from "../ffi.ts";
import {
  pageRange,
  type PdfDocument,
  PdfError,
  type PdfErrorCode,
  type PdfInfo,
  type PdfKernel,
  type PdfPage,
} from "../../plugins/pdf/types.ts";

const symbols = {
  // i32 pdf_open(const u8* bytes, usize len, usize* out_handle, u8* err, usize err_cap)
  pdf_open: {
    parameters: ["buffer", "usize", "buffer", "buffer", "usize"],
    result: "i32",
    nonblocking: true,
  },
  // i32 pdf_open_path(const u8* path, usize path_len, usize* out_handle, u8* err, usize err_cap)
  pdf_open_path: {
    parameters: ["buffer", "usize", "buffer", "buffer", "usize"],
    result: "i32",
    nonblocking: true,
  },
  // i32 pdf_info(usize handle, u8* out, usize cap, usize* out_len, u8* err, usize err_cap)
  // nonblocking: finding out whether there is a text layer may read several pages
  pdf_info: {
    parameters: ["usize", "buffer", "usize", "buffer", "buffer", "usize"],
    result: "i32",
    nonblocking: true,
  },
  // i32 pdf_pages_text(usize handle, u32 first, u32 last, u8* out, usize cap,
  //                    u64* offsets, usize* out_len, u8* err, usize err_cap)
  pdf_pages_text: {
    parameters: ["usize", "u32", "u32", "buffer", "usize", "buffer", "buffer", "buffer", "usize"],
    result: "i32",
    nonblocking: true,
  },
  // void pdf_close(usize handle)
  pdf_close: { parameters: ["usize"], result: "void" },
} as const satisfies Deno.ForeignLibraryInterface;

type Lib = KernelLibrary<typeof symbols>;

/** Kernel status names → PdfError codes; other statuses stay KernelErrors. */
const CODES: Record<string, PdfErrorCode> = {
  unsupported: "not_pdf",
  damaged: "damaged",
  encrypted: "encrypted",
  limit_exceeded: "too_large",
  no_text: "no_text",
};

const BUFFER_TOO_SMALL = 2;
/** Pages per FFI call in `pages()`: enough to keep both cores busy. */
const BATCH = 16;
const decoder = new TextDecoder();

function check(lib: Lib, status: number, err: Uint8Array): void {
  try {
    lib.check(status, err);
  } catch (e) {
    const code = e instanceof KernelError ? CODES[e.code] : undefined;
    if (code) throw new PdfError(code, (e as Error).message);
    throw e;
  }
}

export class RustPdf implements PdfKernel {
  readonly implementation: string;
  readonly #lib: Lib;

  /** `initialCapacity`: first output buffer size in bytes (tests make it tiny). */
  constructor(libraryDir = "", readonly initialCapacity = 256 * 1024) {
    this.#lib = new KernelLibrary("pdf", symbols, libraryDir);
    this.implementation = `rust(${this.#lib.info})`;
  }

  async open(bytes: Uint8Array): Promise<PdfDocument> {
    const out = new BigUint64Array(1);
    const [err, cap] = KernelLibrary.errorBuffer();
    const status = await this.#lib.symbols.pdf_open(bytes, BigInt(bytes.length), out, err, cap);
    return await this.#opened(status, out, err);
  }

  /** The kernel maps the file rather than copying it; it must stay unchanged until close(). */
  async openFile(path: string): Promise<PdfDocument> {
    const name = new TextEncoder().encode(path);
    const out = new BigUint64Array(1);
    const [err, cap] = KernelLibrary.errorBuffer();
    const status = await this.#lib.symbols.pdf_open_path(name, BigInt(name.length), out, err, cap);
    return await this.#opened(status, out, err);
  }

  async #opened(status: number, out: BigUint64Array, err: Uint8Array): Promise<PdfDocument> {
    check(this.#lib, status, err);
    const doc = new RustPdfDocument(this.#lib, out[0], this.initialCapacity);
    try {
      await doc.load();
    } catch (e) {
      doc.close();
      throw e;
    }
    return doc;
  }

  /** Test-only: a panic inside the kernel must come back as an error. */
  testPanic(): void {
    this.#lib.testPanic();
  }

  close(): void {
    this.#lib.close();
  }
}

class RustPdfDocument implements PdfDocument {
  info: PdfInfo = { pages: 0, encrypted: false, hasTextLayer: false };
  /** Output buffer size to start with; grows to the largest result seen. */
  #capacity: number;
  #busy = 0;
  #closing = false;
  #handle: bigint;

  constructor(readonly lib: Lib, handle: bigint, capacity: number) {
    this.#handle = handle;
    this.#capacity = capacity;
  }

  async load(): Promise<void> {
    const json = await this.#call((out, cap, len, err, ecap) =>
      this.lib.symbols.pdf_info(this.#handle, out, cap, len, err, ecap)
    );
    this.info = JSON.parse(decoder.decode(json));
  }

  async pageText(page: number): Promise<string> {
    pageRange(this.info, page, page);
    return (await this.#batch(page, page))[0];
  }

  async *pages(from = 1, to = this.info.pages): AsyncGenerator<PdfPage> {
    const [first, last] = pageRange(this.info, from, to);
    for (let start = first; start <= last; start += BATCH) {
      const end = Math.min(last, start + BATCH - 1);
      const texts = await this.#batch(start, end);
      for (const [i, text] of texts.entries()) yield { page: start + i, text };
    }
  }

  async #batch(first: number, last: number): Promise<string[]> {
    const offsets = new BigUint64Array(last - first + 2);
    const bytes = await this.#call((out, cap, len, err, ecap) =>
      this.lib.symbols.pdf_pages_text(this.#handle, first, last, out, cap, offsets, len, err, ecap)
    );
    const texts: string[] = [];
    for (let i = 0; i < offsets.length - 1; i++) {
      texts.push(decoder.decode(bytes.subarray(Number(offsets[i]), Number(offsets[i + 1]))));
    }
    return texts;
  }

  /**
   * Runs a call that fills a fresh output buffer (calls may overlap), retrying once with
   * the length the kernel asks for; the kernel keeps the result for that retry.
   */
  async #call(
    fn: (
      out: Uint8Array,
      cap: bigint,
      len: BigUint64Array,
      err: Uint8Array,
      ecap: bigint,
    ) => Promise<number>,
  ): Promise<Uint8Array> {
    if (this.#closing) throw new Error("pdf document is closed");
    this.#busy++;
    try {
      const len = new BigUint64Array(1);
      for (let attempt = 0;; attempt++) {
        const out = new Uint8Array(this.#capacity);
        const [err, ecap] = KernelLibrary.errorBuffer();
        const status = await fn(out, BigInt(out.length), len, err, ecap);
        if (status === BUFFER_TOO_SMALL && attempt === 0) {
          this.#capacity = Number(len[0]) + 1024;
          continue;
        }
        check(this.lib, status, err);
        return out.subarray(0, Number(len[0]));
      }
    } finally {
      this.#busy--;
      if (this.#closing && this.#busy === 0) this.#free();
    }
  }

  /** Idempotent; a call still running keeps the native document until it returns. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    if (this.#busy === 0) this.#free();
  }

  #free(): void {
    if (this.#handle === 0n) return;
    this.lib.symbols.pdf_close(this.#handle);
    this.#handle = 0n;
  }
}

/**
 * pdf.js (through `unpdf`) in a worker thread, one document per worker, with a memory budget
 * and a deadline per request (see unpdf.ts). Requests: `{ id, op: "open", bytes | path, budget,
 * ms }` → the document's info, `{ id, op: "page", page, ms }` → its text; each answered
 * `{ id, value }` or `{ id, error: { name, message } }`. `{ id: 0 }` says pdf.js is loaded.
 *
 * pdf.js inflates a stream into a buffer it doubles with `new Uint8Array(n)`, with no size
 * limit, and ArrayBuffers live outside the V8 heap that `resourceLimits` bounds. Deno's
 * `terminate()` does not stop a worker busy in JS (a worker inflating a 1 GiB bomb went on to
 * 2.1 GB after it; denoland/deno#35657), so the bounds are kept here, where the memory is
 * taken: every typed array first checks the request's deadline, and a large one the process's
 * RSS against the document's budget.
 */
import { parentPort } from "node:worker_threads";
import type { PdfInfo } from "./types.ts";

export type UnpdfRequest =
  | { op: "open"; bytes?: Uint8Array; path?: string; budget: number }
  | { op: "page"; page: number };

/** Allocations from this size check the budget; below it they cannot add up fast. */
const LARGE = 256 * 1024;
const MIB = 1024 * 1024;

let limit = Infinity;
let deadline = Infinity;
let spent: Error | undefined;

function late(): void {
  if (performance.now() <= deadline) return;
  spent ??= Object.assign(new Error("pdf.js went over its time budget"), { name: "TimeBudget" });
  throw spent;
}

function reserve(bytes: number): void {
  const rss = Deno.memoryUsage().rss;
  if (!spent && rss + bytes <= limit) return;
  spent ??= Object.assign(
    new Error(
      `pdf.js went over its memory budget: RSS ${Math.round(rss / MIB)} MiB, ` +
        `${Math.round(bytes / MIB)} MiB more asked, limit ${Math.round(limit / MIB)} MiB`,
    ),
    { name: "MemoryBudget" },
  );
  throw spent;
}

for (
  const name of [
    "ArrayBuffer",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int8Array",
    "Uint16Array",
    "Int16Array",
    "Uint32Array",
    "Int32Array",
    "Float32Array",
    "Float64Array",
  ] as const
) {
  const original = globalThis[name];
  const unit = "BYTES_PER_ELEMENT" in original ? original.BYTES_PER_ELEMENT : 1;
  globalThis[name] = new Proxy(original, {
    construct(target, args, newTarget) {
      const from = args[0];
      const n = typeof from === "number"
        ? from
        : Array.isArray(from) || ArrayBuffer.isView(from)
        ? (from as ArrayLike<unknown>).length
        : 0; // a view of an existing buffer allocates nothing
      // once over budget nothing allocates: pdf.js may catch the error and go on to the next
      // stream, whose buffers would start small and grow again
      if (spent || n * unit >= LARGE) reserve(n * unit);
      late();
      return Reflect.construct(target, args, newTarget);
    },
  }) as never;
}

// Deno's DecompressionStream inflates each write whole, natively, before any chunk can be
// looked at; without it pdf.js inflates in JS, through the guarded buffers (its own fallback)
Reflect.deleteProperty(globalThis, "DecompressionStream");

// after the guards, so that pdf.js allocates through them
const { getDocumentProxy, getResolvedPDFJS } = await import("unpdf");
type Document = Awaited<ReturnType<typeof getDocumentProxy>>;
let proxy: Document | undefined;

async function open(bytes: Uint8Array, budget: number): Promise<PdfInfo> {
  if (!new TextDecoder().decode(bytes.subarray(0, 1024)).includes("%PDF-")) {
    throw Object.assign(new Error("not a PDF: no %PDF- header"), { name: "NotPdf" });
  }
  limit = Deno.memoryUsage().rss + bytes.length + budget; // pdf.js holds the file whole
  proxy = await getDocumentProxy(bytes, {
    verbosity: 0,
    // text only: no fonts handed to a renderer
    disableFontFace: true,
    useSystemFonts: false,
  });
  const meta = await proxy.getMetadata().catch(() => ({ info: {} }));
  const info = meta.info as Record<string, unknown>;
  const text = (v: unknown) => typeof v === "string" && v.trim() ? v.trim() : undefined;
  const out: PdfInfo = {
    pages: proxy.numPages,
    title: text(info.Title),
    author: text(info.Author),
    encrypted: Boolean(info.EncryptFilterName),
    hasTextLayer: false,
  };
  for (let p = 1; p <= out.pages && !out.hasTextLayer; p++) {
    out.hasTextLayer = /[\p{L}\p{N}]/u.test(await pageText(p));
  }
  return out;
}

async function pageText(page: number): Promise<string> {
  const p = await proxy!.getPage(page);
  const content = await p.getTextContent();
  let out = "";
  for (const item of content.items) {
    if (!("str" in item)) continue;
    out += item.str;
    if (item.hasEOL) out += "\n";
  }
  p.cleanup();
  return out.endsWith("\n") || out === "" ? out : out + "\n";
}

await getResolvedPDFJS();
parentPort!.postMessage({ id: 0 });
parentPort!.on("message", async (req: UnpdfRequest & { id: number; ms: number }) => {
  deadline = performance.now() + req.ms;
  try {
    const value = req.op === "open"
      ? await open(req.bytes ?? await Deno.readFile(req.path!), req.budget)
      : await pageText(req.page);
    // pdf.js may have caught the budget's error and gone on: the document is over either way
    if (spent) throw spent;
    parentPort!.postMessage({ id: req.id, value });
  } catch (e) {
    const { name, message } = spent ?? (e instanceof Error ? e : new Error(String(e)));
    parentPort!.postMessage({ id: req.id, error: { name, message } });
  } finally {
    deadline = Infinity; // the clock runs while a request does, not between requests
  }
});

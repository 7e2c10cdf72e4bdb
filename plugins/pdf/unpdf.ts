/** The JS twin of the PDF kernel: pdf.js through `unpdf`, behind the same per-page API. */
import { getDocumentProxy } from "unpdf";
import {
  pageRange,
  type PdfDocument,
  PdfError,
  type PdfInfo,
  type PdfKernel,
  type PdfPage,
} from "./types.ts";

type Proxy = Awaited<ReturnType<typeof getDocumentProxy>>;

/** pdf.js exception names → our codes. */
function toPdfError(e: unknown): unknown {
  const name = (e as Error)?.name;
  const message = (e as Error)?.message ?? String(e);
  if (name === "PasswordException") return new PdfError("encrypted", `encrypted: ${message}`);
  if (name === "InvalidPDFException") {
    return new PdfError("damaged", `damaged: ${message}`);
  }
  return e;
}

export class UnpdfKernel implements PdfKernel {
  readonly implementation = "unpdf";

  async open(bytes: Uint8Array): Promise<PdfDocument> {
    if (!new TextDecoder().decode(bytes.subarray(0, 1024)).includes("%PDF-")) {
      throw new PdfError("not_pdf", "not a PDF: no %PDF- header");
    }
    let proxy: Proxy;
    try {
      // pdf.js may detach the buffer it is given: hand it a copy
      proxy = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    } catch (e) {
      throw toPdfError(e);
    }
    const doc = new UnpdfDocument(proxy);
    await doc.load();
    return doc;
  }

  /** pdf.js reads from memory: the file is read whole. */
  async openFile(path: string): Promise<PdfDocument> {
    return await this.open(await Deno.readFile(path));
  }

  close(): void {}
}

class UnpdfDocument implements PdfDocument {
  info: PdfInfo = { pages: 0, encrypted: false, hasTextLayer: false };

  constructor(readonly proxy: Proxy) {}

  async load(): Promise<void> {
    const meta = await this.proxy.getMetadata().catch(() => ({ info: {} }));
    const info = meta.info as Record<string, unknown>;
    const text = (v: unknown) => typeof v === "string" && v.trim() ? v.trim() : undefined;
    this.info = {
      pages: this.proxy.numPages,
      title: text(info.Title),
      author: text(info.Author),
      encrypted: Boolean(info.EncryptFilterName),
      hasTextLayer: false,
    };
    for (let p = 1; p <= this.info.pages && !this.info.hasTextLayer; p++) {
      this.info.hasTextLayer = /[\p{L}\p{N}]/u.test(await this.pageText(p));
    }
  }

  async pageText(page: number): Promise<string> {
    pageRange(this.info, page, page);
    try {
      const p = await this.proxy.getPage(page);
      const content = await p.getTextContent();
      let out = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        out += item.str;
        if (item.hasEOL) out += "\n";
      }
      p.cleanup();
      return out.endsWith("\n") || out === "" ? out : out + "\n";
    } catch (e) {
      throw toPdfError(e);
    }
  }

  async *pages(from = 1, to = this.info.pages): AsyncGenerator<PdfPage> {
    const [first, last] = pageRange(this.info, from, to);
    for (let page = first; page <= last; page++) yield { page, text: await this.pageText(page) };
  }

  close(): void {
    // unpdf's proxy may lack destroy(); loadingTask ends the document either way
    const p = this.proxy as unknown as {
      destroy?: () => Promise<void>;
      loadingTask?: { destroy(): Promise<void> };
    };
    void (p.destroy?.() ?? p.loadingTask?.destroy());
  }
}

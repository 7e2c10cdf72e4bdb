/**
 * `deno task extract FILE.pdf [--pages A-B] [--engine rust|unpdf]`: prints the text of a PDF
 * with a form feed after each page, like `pdftotext FILE -`. Exits 1 with the kernel's error
 * text (prefixed by its code: not_pdf, encrypted, damaged, no_text, too_large) on failure,
 * 2 on bad usage. The Rust kernel is the default; it falls back to unpdf when the library is
 * not built. Set LIGERO_KERNELS__LIBRARY_DIR to load the kernel from another build.
 */
import { KernelMissingError } from "../kernels/ffi.ts";
import { pdfImplementations } from "../plugins/pdf/index.ts";
import { PdfError, type PdfKernel, requireTextLayer } from "../plugins/pdf/types.ts";
import type { Config } from "../config/schema.ts";

const USAGE = "usage: deno task extract FILE.pdf [--pages A-B] [--engine rust|unpdf]";

interface Args {
  file: string;
  from?: number;
  to?: number;
  engine: "rust" | "unpdf" | "auto";
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { file: "", engine: "auto" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--pages") {
      const m = /^(\d+)(?:-(\d*))?$/.exec(argv[++i] ?? "");
      if (!m) throw new RangeError("--pages takes A-B, A- or A");
      args.from = Number(m[1]);
      args.to = m[2] === undefined ? args.from : m[2] === "" ? undefined : Number(m[2]);
    } else if (a === "--engine") {
      const e = argv[++i];
      if (e !== "rust" && e !== "unpdf") throw new RangeError("--engine takes rust or unpdf");
      args.engine = e;
    } else if (a.startsWith("--") || args.file) {
      throw new RangeError(`unexpected argument ${a}`);
    } else {
      args.file = a;
    }
  }
  if (!args.file) throw new RangeError("no FILE given");
  return args;
}

async function kernel(engine: Args["engine"]): Promise<PdfKernel> {
  const config = {
    kernels: { libraryDir: Deno.env.get("LIGERO_KERNELS__LIBRARY_DIR") ?? "" },
  } as Config;
  if (engine === "unpdf") return await pdfImplementations.unpdf();
  try {
    return pdfImplementations.rust(config);
  } catch (e) {
    if (engine === "rust" || !(e instanceof KernelMissingError)) throw e;
    console.error(`extract: ${e.message}; using unpdf`);
    return await pdfImplementations.unpdf();
  }
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(`extract: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const pdf = await kernel(args.engine);
  const encoder = new TextEncoder();
  try {
    const doc = await pdf.openFile(args.file);
    try {
      requireTextLayer(doc.info);
      for await (const { text } of doc.pages(args.from, args.to)) {
        await Deno.stdout.write(encoder.encode(text + "\f"));
      }
    } finally {
      doc.close();
    }
    return 0;
  } catch (e) {
    const code = e instanceof PdfError ? `${e.code}: ` : "";
    console.error(`extract: ${args.file}: ${code}${(e as Error).message}`);
    return 1;
  } finally {
    pdf.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

/** The PDF slot's implementations, by the name the config uses. */
import type { Config } from "../../config/schema.ts";
import { RustPdf } from "../../kernels/pdf/mod.ts";
import type { PdfKernel } from "./types.ts";

export const pdfImplementations = {
  rust: (config: Config): PdfKernel => new RustPdf(config.kernels.libraryDir),
  // pdf.js is megabytes of JavaScript: loaded only when the twin is chosen
  unpdf: async (): Promise<PdfKernel> => new (await import("./unpdf.ts")).UnpdfKernel(),
};

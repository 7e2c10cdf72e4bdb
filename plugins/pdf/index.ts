/** The PDF slot's implementations, by the name the config uses. */
import type { Config } from "../../config/schema.ts";
import { RustPdf } from "../../kernels/pdf/mod.ts";
import type { PdfKernel } from "./types.ts";
import { UnpdfKernel } from "./unpdf.ts";

export const pdfImplementations = {
  rust: (config: Config): PdfKernel => new RustPdf(config.kernels.libraryDir),
  unpdf: (): PdfKernel => new UnpdfKernel(),
};

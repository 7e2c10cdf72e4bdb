import assert from "node:assert/strict";
import { KernelError } from "../ffi.ts";
import { PdfError } from "../../plugins/pdf/types.ts";
import { RustPdf } from "./mod.ts";

const LIB = Deno.env.get("LIGERO_KERNELS__LIBRARY_DIR") ?? "";
const CORPUS = new URL("../../../shared/corpus/pdf/dev/", import.meta.url).pathname;

/** A one-page PDF with a correct xref, built here so the test needs no corpus. */
function tinyPdf(text: string): Uint8Array {
  const content = `BT /F1 12 Tf 72 700 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    "<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) out += `${String(at).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

Deno.test("text, metadata and page ranges through the FFI", async () => {
  const pdf = new RustPdf(LIB);
  try {
    const doc = await pdf.open(tinyPdf("Hello PDF"));
    assert.deepEqual(doc.info, {
      pages: 1,
      encrypted: false,
      repaired: false,
      hasTextLayer: true,
      overBudget: false,
    });
    assert.equal(await doc.pageText(1), "Hello PDF\n");
    const pages = [];
    for await (const p of doc.pages()) pages.push(p);
    assert.deepEqual(pages, [{ page: 1, text: "Hello PDF\n" }]);
    await assert.rejects(doc.pageText(2), RangeError);
    doc.close();
    doc.close(); // idempotent
    await assert.rejects(doc.pageText(1), /closed/);
  } finally {
    pdf.close();
  }
});

Deno.test("a file opens mapped from its path and stays readable after it is removed", async () => {
  const pdf = new RustPdf(LIB);
  const dir = await Deno.makeTempDir({ prefix: "pdf-mod-" });
  try {
    const path = `${dir}/tiny.pdf`;
    await Deno.writeFile(path, tinyPdf("From a file"));
    const doc = await pdf.openFile(path);
    await Deno.remove(path);
    assert.equal(doc.info.pages, 1);
    assert.equal(await doc.pageText(1), "From a file\n");
    doc.close();
    await assert.rejects(pdf.openFile(path), (e: unknown) => {
      assert.ok(e instanceof KernelError);
      assert.equal(e.code, "io");
      assert.match(e.message, /tiny\.pdf/);
      return true;
    });
  } finally {
    pdf.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a result larger than the buffer is fetched again at the size the kernel asks", async () => {
  const pdf = new RustPdf(LIB, 4);
  try {
    const doc = await pdf.open(tinyPdf("a longer line than four bytes"));
    assert.equal(await doc.pageText(1), "a longer line than four bytes\n");
    doc.close();
  } finally {
    pdf.close();
  }
});

Deno.test("errors carry PdfError codes; a kernel panic leaves the process alive", async () => {
  const pdf = new RustPdf(LIB);
  try {
    await assert.rejects(pdf.open(new TextEncoder().encode("hello")), (e: unknown) => {
      assert.ok(e instanceof PdfError);
      assert.equal(e.code, "not_pdf");
      return true;
    });
    await assert.rejects(pdf.open(new TextEncoder().encode("%PDF-1.4\n%%EOF")), (e: unknown) => {
      assert.ok(e instanceof PdfError);
      assert.equal(e.code, "damaged");
      return true;
    });
    assert.throws(() => pdf.testPanic(), (e: unknown) => e instanceof KernelError);
    const doc = await pdf.open(tinyPdf("still here"));
    assert.equal(await doc.pageText(1), "still here\n");
    doc.close();
  } finally {
    pdf.close();
  }
});

Deno.test({
  name: "an encrypted corpus file opens with the empty password",
  ignore: !existsSync(`${CORPUS}enc-aes256-r-data.pdf`),
  async fn() {
    const pdf = new RustPdf(LIB);
    try {
      const doc = await pdf.open(await Deno.readFile(`${CORPUS}enc-aes256-r-data.pdf`));
      assert.equal(doc.info.encrypted, true);
      assert.match(await doc.pageText(1), /R Data Import\/Export/);
      doc.close();
    } finally {
      pdf.close();
    }
  },
});

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every dev PDF through the Rust PDF kernel: no crash, the expected error codes for scans and
 * invalid files, page counts as pdfinfo reports them, and extraction quality scored by the
 * corpus tool (`shared/tools/pdfscore.py`) against the pdftotext baseline. The unpdf twin is
 * checked against the same files on a small sample (it is ten times slower).
 */
import assert from "node:assert/strict";
import { RustPdf } from "../kernels/pdf/mod.ts";
import { PdfError, type PdfKernel, requireTextLayer } from "../plugins/pdf/types.ts";
import { UnpdfKernel } from "../plugins/pdf/unpdf.ts";

const SHARED = new URL("../../shared/", import.meta.url).pathname;
const CORPUS = `${SHARED}corpus/pdf/`;
const LIB = Deno.env.get("LIGERO_KERNELS__LIBRARY_DIR") ?? "";

interface Row {
  name: string;
  pages: string;
  categories: string;
}

function manifest(): Row[] {
  const [head, ...lines] = Deno.readTextFileSync(`${CORPUS}MANIFEST.tsv`).trim().split("\n");
  const cols = head.split("\t");
  return lines.map((line) => {
    const cells = line.split("\t");
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]])) as unknown as Row;
  });
}

/** The error code each file must give; files not listed must extract. */
function expectedError(row: Row): string | undefined {
  if (row.categories.includes("no-text-layer")) return "no_text";
  if (row.name === "invalid-header-only.pdf") return "damaged";
  // a TrueType subset whose codes have no Unicode meaning: no text layer worth the name
  if (row.name === "truetype-nomapping.pdf") return "no_text";
  return undefined;
}

/** Text of every page, each followed by a form feed, as `deno task extract` prints it. */
async function extract(kernel: PdfKernel, bytes: Uint8Array): Promise<[number, string]> {
  const doc = await kernel.open(bytes);
  try {
    requireTextLayer(doc.info);
    let text = "";
    for await (const page of doc.pages()) text += page.text + "\f";
    return [doc.info.pages, text];
  } finally {
    doc.close();
  }
}

const present = (() => {
  try {
    return Deno.statSync(`${CORPUS}MANIFEST.tsv`).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "every dev PDF extracts or fails with its code; page counts and scores hold",
  ignore: !present,
  async fn() {
    const kernel = new RustPdf(LIB);
    const out = await Deno.makeTempDir({ prefix: "pdf-corpus-" });
    try {
      for (const row of manifest()) {
        const bytes = await Deno.readFile(`${CORPUS}dev/${row.name}`);
        const stem = row.name.replace(/\.pdf$/, "");
        const want = expectedError(row);
        try {
          const [pages, text] = await extract(kernel, bytes);
          assert.equal(want, undefined, `${row.name}: extracted, expected ${want}`);
          if (row.pages !== "?") assert.equal(pages, Number(row.pages), `${row.name}: pages`);
          await Deno.writeTextFile(`${out}/${stem}.txt`, text);
        } catch (e) {
          if (!(e instanceof PdfError) || e.code !== want) throw e;
        }
      }
      const score = new Deno.Command("python3", {
        args: [`${SHARED}tools/pdfscore.py`, out, "--json"],
      }).outputSync();
      assert.ok(score.success, new TextDecoder().decode(score.stderr));
      const { files, summary } = JSON.parse(new TextDecoder().decode(score.stdout));
      assert.ok(summary.median_word_f1 >= 0.97, `median word F1 ${summary.median_word_f1}`);
      assert.ok(summary.median_bigram_f1 >= 0.93, `median bigram F1 ${summary.median_bigram_f1}`);
      for (const f of files) {
        if (f.kind === "truncated") {
          assert.ok(f.recall_of_original >= 0.85, `${f.name}: recall ${f.recall_of_original}`);
        }
        // plain, accented, Cyrillic, Greek, Persian, CJK with ToUnicode: close to pdftotext (not
        // the vocalized Arabic and the reversed habibi, whose references are garbled, sexam's
        // dingbats, math fonts)
        if (f.kind === "normal" && !/arabluatex|sexam|habibi|geotopo|mpman/.test(f.name)) {
          assert.ok(f.word_f1 >= 0.93, `${f.name}: word F1 ${f.word_f1}`);
        }
      }
    } finally {
      kernel.close();
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "the unpdf twin gives the same pages and nearly the same words",
  ignore: !present,
  async fn() {
    const rust = new RustPdf(LIB);
    const twin = new UnpdfKernel();
    const words = (s: string) => new Set(s.toLowerCase().match(/\p{L}+/gu) ?? []);
    try {
      for (const name of ["libreoffice-writer-trivial", "llncsdoc", "enc-rc4-128-l2tabu-es"]) {
        const bytes = await Deno.readFile(`${CORPUS}dev/${name}.pdf`);
        const [pa, a] = await extract(rust, bytes);
        const [pb, b] = await extract(twin, bytes);
        assert.equal(pa, pb, `${name}: page count`);
        const [wa, wb] = [words(a), words(b)];
        const shared = [...wa].filter((w) => wb.has(w)).length;
        assert.ok(shared / Math.max(wa.size, wb.size) > 0.9, `${name}: vocabulary overlap`);
      }
      const scan = await Deno.readFile(`${CORPUS}dev/scan-huckfinn-page.pdf`);
      for (const kernel of [rust, twin]) {
        await assert.rejects(extract(kernel, scan), (e) => (e as PdfError).code === "no_text");
      }
    } finally {
      rust.close();
      twin.close();
    }
  },
});

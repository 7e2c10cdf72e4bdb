import assert from "node:assert/strict";
import { flateBombPdf, textThenBombPdf } from "../../tests/reliability/pdf_bomb.ts";
import { PdfError } from "./types.ts";
import { UNPDF_LIMITS, UnpdfKernel } from "./unpdf.ts";

const MIB = 1024 * 1024;
const TEXT = textThenBombPdf(1); // the bomb page inflates to one space

function threads(): number {
  return Number(/^Threads:\s+(\d+)/m.exec(Deno.readTextFileSync("/proc/self/status"))![1]);
}

/** Runs `fn` while sampling this process's RSS; returns the peak over the RSS before it. */
async function peakGrowth(fn: () => Promise<unknown>): Promise<number> {
  const before = Deno.memoryUsage().rss;
  let peak = before;
  const sample = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 2);
  try {
    await fn();
  } finally {
    clearInterval(sample);
  }
  return Math.max(peak, Deno.memoryUsage().rss) - before;
}

const tooLarge = (e: unknown) => e instanceof PdfError && e.code === "too_large";

Deno.test("unpdf: text per page from a worker that is gone once the document closes", {
  ignore: Deno.build.os !== "linux",
}, async () => {
  const pdf = new UnpdfKernel();
  const idle = threads();
  const doc = await pdf.open(TEXT);
  assert.deepEqual(doc.info, {
    pages: 2,
    title: undefined,
    author: undefined,
    encrypted: false,
    hasTextLayer: true,
  });
  assert.equal(await doc.pageText(1), "A page of text.\n");
  assert.ok(threads() > idle);
  doc.close();
  await assert.rejects(doc.pageText(1)); // closed
  for (let i = 0; i < 100 && threads() > idle; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(threads(), idle, "the worker's threads ended");
  await assert.rejects(pdf.open(new TextEncoder().encode("hello")), /not a PDF/);
});

Deno.test("unpdf: a Flate bomb ends its worker at the memory budget, not at 1 GiB", {
  ignore: Deno.build.os !== "linux",
}, async () => {
  const pdf = new UnpdfKernel();
  (await pdf.open(TEXT)).close(); // the first worker's one-time costs, outside the measure
  const bomb = flateBombPdf(1024 * MIB);
  const growth = await peakGrowth(() => assert.rejects(pdf.open(bomb), tooLarge));
  // the budget, the file, the worker and pdf.js (~25 MiB), and what one 5 ms check lets pass
  const bound = UNPDF_LIMITS.growthBytes + bomb.length + 48 * MIB;
  assert.ok(growth < bound, `peak +${(growth / MIB).toFixed(1)} MiB`);

  // a bomb on a later page: the document opens, and fails at that page, every page after it
  const doc = await pdf.open(textThenBombPdf(1024 * MIB));
  assert.equal(await doc.pageText(1), "A page of text.\n");
  await assert.rejects(doc.pageText(2), tooLarge);
  await assert.rejects(doc.pageText(1), tooLarge);
  doc.close();
});

Deno.test("unpdf: a request over its time budget fails, in the worker or watched from here", async () => {
  // the worker stops itself at its next typed array past the deadline
  const inWorker = new UnpdfKernel({ ...UNPDF_LIMITS, requestMs: 1, watchMs: 60_000 });
  await assert.rejects(inWorker.open(TEXT), (e) => tooLarge(e) && /time budget/.test(String(e)));
  // a worker busy elsewhere: the caller is answered anyway
  const watched = new UnpdfKernel({ ...UNPDF_LIMITS, requestMs: 1, watchMs: 1 });
  await assert.rejects(watched.open(TEXT), tooLarge);
});

/**
 * Flate bombs in PDFs keep the server under its memory ceiling, through upload validation
 * (the text-layer check) and ingestion (pages extracted in parallel). The kernel bounds them
 * (kernels/pdf/src/limits.rs, budget.rs): one stream stops at 32 MiB decoded, all the streams
 * and forms of one page together at 32 MiB, and only one page in the process decodes past
 * 2 MiB at a time. The bombs: one stream inflating to 1 GiB (no text within the budget: 422
 * pdf_too_large); and pages that list a 30 MiB stream 1 000 times and draw a 30 MiB form that
 * draws itself (nesting 16 deep), which the kernel used to concatenate or hold all at once
 * (ingested: the text before the bomb on each page).
 */
import assert from "node:assert/strict";
import { settle } from "../support/api.ts";
import { startServer } from "../support/server.ts";
import { flateBombPdf, repeatedBombPdf } from "./pdf_bomb.ts";

const MIB = 1024 * 1024;
const CEILING = 192 * MIB;
/** Heavy requests are shed above this (memory.shedAt): the bombs must stay under it. */
const SHED_AT = 0.9 * CEILING;
/** One page's 32 MiB budget, 2 MiB for the other thread's page, and the server's own
 * allocations while it ingests; measured 36-44 MiB (71-79 when every thread held 32 MiB). */
const MAX_GROWTH = 60 * MIB;

function memory(pid: number): { rss: number; peak: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
}

Deno.test({
  name: "PDF Flate bombs: peak RSS stays under the ceiling through validation and ingestion",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const server = await startServer({ env: { LIGERO_MEMORY__CEILING: "192MiB" } });
    const client = { url: server.url };
    const upload = async (bytes: Uint8Array<ArrayBuffer>) => {
      const res = await fetch(`${server.url}/documents`, {
        method: "POST",
        headers: { "content-type": "application/pdf" },
        body: bytes,
      });
      return { status: res.status, body: await res.json() };
    };
    try {
      // warm up (model, kernels, a normal PDF), then measure the bombs' peak alone
      const warm = await upload(
        repeatedBombPdf({ pages: 2, inflatedBytes: 1, repeat: 1, forms: 1 }),
      );
      assert.equal(warm.status, 202, JSON.stringify(warm.body));
      assert.equal((await settle(client, warm.body.document.id)).status, "ready");
      const warmPeak = memory(server.pid).peak;
      Deno.writeTextFileSync(`/proc/${server.pid}/clear_refs`, "5"); // resets VmHWM
      const before = memory(server.pid).rss;

      const bomb = await upload(flateBombPdf(1024 * MIB));
      assert.equal(bomb.status, 422, JSON.stringify(bomb.body)); // no text within the budget
      assert.equal(bomb.body.error.code, "pdf_too_large");

      const repeated = await upload(
        repeatedBombPdf({ pages: 6, inflatedBytes: 30 * MIB, repeat: 1000, forms: 20 }),
      );
      assert.equal(repeated.status, 202, JSON.stringify(repeated.body));
      const doc = await settle(client, repeated.body.document.id);
      assert.equal(doc.status, "ready", JSON.stringify(doc));
      assert.equal(doc.pages, 6);

      const { peak } = memory(server.pid);
      console.log(
        `before ${(before / MIB).toFixed(1)} MiB, peak ${(peak / MIB).toFixed(1)} MiB, ` +
          `growth ${((peak - before) / MIB).toFixed(1)} MiB`,
      );
      assert.ok(Math.max(peak, warmPeak) < SHED_AT, `peak ${peak / MIB} MiB`);
      assert.ok(peak - before < MAX_GROWTH, `peak grew by ${(peak - before) / MIB} MiB`);
      assert.equal(await fetch(`${server.url}/health`).then((r) => r.status), 200);
      const page = await fetch(`${server.url}/documents/${doc.id}/pages/1`).then((r) => r.json());
      assert.match(JSON.stringify(page), /Page 1 of a decompression bomb/);
    } finally {
      await server.stop();
    }
  },
});

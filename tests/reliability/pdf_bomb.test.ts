/**
 * Flate bombs in PDFs keep the server's peak RSS bounded, through upload validation (the
 * text-layer check) and ingestion (pages extracted in parallel): one stream stops at 32 MiB
 * decoded, and all the streams and forms of one page together at 32 MiB
 * (kernels/pdf/src/limits.rs). The bombs: one stream inflating to 1 GiB; and pages that list
 * a 30 MiB stream 1 000 times and draw a 30 MiB form that draws itself (nesting 16 deep),
 * which the kernel used to concatenate or hold all at once.
 */
import assert from "node:assert/strict";
import { settle } from "../support/api.ts";
import { startServer } from "../support/server.ts";
import { flateBombPdf, repeatedBombPdf } from "./pdf_bomb.ts";

const MIB = 1024 * 1024;
/** Two pages at once (the kernel's threads), each at most 32 MiB of decoded content. The
 * baseline after warm-up varies with the machine (170-195 MiB here), so the growth is judged. */
const MAX_GROWTH = 96 * MIB;

function memory(pid: number): { rss: number; peak: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
}

Deno.test({
  name: "PDF Flate bombs: peak RSS stays bounded through validation and ingestion",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const server = await startServer();
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
      Deno.writeTextFileSync(`/proc/${server.pid}/clear_refs`, "5"); // resets VmHWM
      const before = memory(server.pid).rss;

      const bomb = await upload(flateBombPdf(1024 * MIB));
      assert.equal(bomb.status, 422, JSON.stringify(bomb.body)); // no text within the limit
      assert.equal(bomb.body.error.code, "needs_ocr");

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
      assert.ok(peak - before < MAX_GROWTH, `peak grew by ${(peak - before) / MIB} MiB`);
      assert.equal(await fetch(`${server.url}/health`).then((r) => r.status), 200);
    } finally {
      await server.stop();
    }
  },
});

/**
 * Every dev PDF through the real upload path: those with a text layer reach "ready" with
 * their page count; scans, damaged and unmappable files reach a clear failure code.
 */
import assert from "node:assert/strict";
import { CORPUS, settle, uploadFile } from "./support/api.ts";
import { startServer } from "./support/server.ts";

interface Expectation {
  pages?: number;
  /** A failure code, at upload (4xx) or from the job. */
  fails?: string;
}

function manifest(): Map<string, Expectation> {
  const rows = Deno.readTextFileSync(`${CORPUS}../MANIFEST.tsv`).trim().split("\n").slice(1);
  const out = new Map<string, Expectation>();
  for (const row of rows) {
    const [name, , , pages, , categories] = row.split("\t");
    if (categories.includes("no-text-layer")) out.set(name, { fails: "needs_ocr" });
    else if (name === "invalid-header-only.pdf") out.set(name, { fails: "pdf_damaged" });
    else if (name === "truetype-nomapping.pdf") out.set(name, { fails: "needs_ocr" });
    else if (pages === "?") out.set(name, {}); // truncated: recovered pages, any count
    else out.set(name, { pages: Number(pages) });
  }
  return out;
}

/** Uploads like a well-behaved client: a 503 (memory or queue full) waits, then retries. */
async function uploadPolitely(client: { url: string }, name: string) {
  for (let attempt = 0;; attempt++) {
    const res = await uploadFile(client, CORPUS + name);
    if (res.status !== 503 || attempt === 600) return res;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function peakRss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

Deno.test({
  name: "every dev PDF reaches ready with its page count, or a clear failure code",
  // the whole corpus is ~3 700 pages: bounded, but not for quick local runs
  ignore: Deno.env.get("LIGERO_SKIP_CORPUS") === "1",
  fn: async () => {
    const server = await startServer({ env: { LIGERO_INGEST__QUEUE_SIZE: "100" } });
    const client = { url: server.url };
    const problems: string[] = [];
    try {
      const expected = manifest();
      const uploads = new Map<
        string,
        { status: number; body: { document?: { id: string }; error?: { code: string } } }
      >();
      for (const name of expected.keys()) uploads.set(name, await uploadPolitely(client, name));
      for (const [name, want] of expected) {
        const res = uploads.get(name)!;
        if (res.status !== 202) {
          if (res.body.error?.code !== want.fails) {
            problems.push(
              `${name}: upload ${res.status} ${res.body.error?.code}, want ${want.fails ?? "202"}`,
            );
          }
          continue;
        }
        const doc = await settle(client, res.body.document!.id, 600_000);
        if (want.fails) {
          if (doc.error?.code !== want.fails) {
            problems.push(`${name}: ${doc.status} ${doc.error?.code}, want ${want.fails}`);
          }
        } else if (doc.status !== "ready") {
          problems.push(`${name}: failed ${doc.error?.code}: ${doc.error?.message}`);
        } else if (want.pages !== undefined && doc.pages !== want.pages) {
          problems.push(`${name}: ${doc.pages} pages, want ${want.pages}`);
        }
      }
      assert.deepEqual(problems, []);
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
      // the promise: the whole corpus went through without RSS passing the ceiling
      const ready = await (await fetch(`${server.url}/ready`)).json();
      const peak = peakRss(server.pid);
      assert.ok(
        peak < ready.memory.ceiling,
        `peak RSS ${peak} over the ceiling ${ready.memory.ceiling}`,
      );
    } finally {
      await server.stop();
    }
  },
});

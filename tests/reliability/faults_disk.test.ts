/**
 * The SQLite data disk fills up: uploads and ingestion get a clear error (507 disk_full, or
 * a document failed with a code), the server stays up, and after space is freed and the
 * server restarted the database opens with everything committed before still there.
 * The data directory is a small tmpfs, so this needs root (mount); elsewhere it is ignored.
 */
import assert from "node:assert/strict";
import { call, search, settle, uploadText } from "../support/api.ts";
import { startServer } from "../support/server.ts";

const SIZE = "24m";

async function sh(cmd: string[]): Promise<boolean> {
  const out = await new Deno.Command(cmd[0], { args: cmd.slice(1), stderr: "null" }).output()
    .catch(() => ({ success: false }));
  return out.success;
}

const mountPoint = await Deno.makeTempDir({ prefix: "ligero-disk-" });
const canMount = Deno.uid() === 0 &&
  await sh(["mount", "-t", "tmpfs", "-o", `size=${SIZE}`, "tmpfs", mountPoint]);

Deno.test({
  name: "SQLite disk full: clear errors, nothing committed lost, the database opens again",
  ignore: !canMount,
  fn: async () => {
    const dataDir = `${mountPoint}/data`;
    let server = await startServer({ dataDir });
    try {
      const client = { url: server.url };
      const kept = (await uploadText(client, "Kept", "The orchard ripens in September.")).body
        .document;
      await settle(client, kept.id);

      // fill the disk, then keep writing
      const filler = `${mountPoint}/filler`;
      await sh(["dd", "if=/dev/zero", `of=${filler}`, "bs=64k"]); // until ENOSPC
      // a little room back: upload files fit, SQLite's pages and WAL soon do not
      await sh(["truncate", "-s", "-256K", filler]);
      const codes = new Set<string>();
      for (let i = 0; i < 16; i++) {
        const text = Array(200).fill(`Entry ${i} of the harvest log, pears and apples.`).join(" ");
        const res = await uploadText(client, `Log ${i}`, text);
        if (res.status === 202) {
          const doc = await settle(client, res.body.document.id);
          if (doc.status === "failed") codes.add(`failed:${doc.error.code}: ${doc.error.message}`);
          continue;
        }
        assert.ok(res.status >= 400, JSON.stringify(res.body));
        assert.notEqual(res.status, 500, `an unclear error: ${JSON.stringify(res.body)}`);
        codes.add(`${res.status}:${res.body.error.code}`);
      }
      console.log("disk full answers:", [...codes].join(", "));
      assert.ok(codes.size > 0, "the full disk was never noticed");
      for (const code of codes) assert.match(code, /^(507|failed):disk_full/, code);
      assert.equal((await call(client, "GET", "/health")).status, 200);

      await Deno.remove(filler);
      await server.stop("SIGKILL");
      server = await startServer({ dataDir });
      const after = { url: server.url };
      const doc = await call(after, "GET", `/documents/${kept.id}`);
      assert.equal(doc.body.document.status, "ready");
      const hits = await search(after, "orchard ripens", { mode: "text" });
      assert.ok(hits.some((h) => h.documentId === kept.id), "the committed document is searchable");
      const more = await uploadText(after, "After", "Space is back for the winter notes.");
      assert.equal(more.status, 202, JSON.stringify(more.body));
      assert.equal((await settle(after, more.body.document.id)).status, "ready");
    } finally {
      await server.stop();
      await sh(["umount", mountPoint]);
    }
  },
});

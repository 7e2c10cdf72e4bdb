import assert from "node:assert/strict";
import { claimSnapshotSlot } from "./snapshot-slot.ts";

Deno.test("snapshot slots: one holder each, a released slot is reused", async () => {
  const root = await Deno.makeTempDir();
  try {
    const [a, b] = await Promise.all([claimSnapshotSlot(root), claimSnapshotSlot(root)]);
    assert.ok(a && b);
    assert.notEqual(a.dir, b.dir, "two processes never share a slot");
    await a.release();
    const c = await claimSnapshotSlot(root);
    assert.equal(c?.dir, a.dir);
    await b.release();
    await c!.release();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

import assert from "node:assert/strict";
import type { VectorBatch } from "../plugins/store/types.ts";
import { IndexSnapshot } from "./index-snapshot.ts";

const DIMS = 3;

function batch(first: number, documentId: string, rows = 2): VectorBatch {
  const chunkIds = Array.from({ length: rows }, (_, i) => first + i);
  return {
    dims: DIMS,
    chunkIds,
    ownerIds: chunkIds.map(() => "owner"),
    documentIds: chunkIds.map(() => documentId),
    vectors: Float32Array.from({ length: rows * DIMS }, (_, i) => first + i / 10),
  };
}

async function collect(rows: AsyncGenerator<VectorBatch>): Promise<VectorBatch[]> {
  const out: VectorBatch[] = [];
  for await (const b of rows) out.push(b);
  return out;
}

Deno.test("index snapshot: resumes saved rows and progress, drops removed documents", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let snapshot = new IndexSnapshot(dir, "m", DIMS);
    assert.equal(await snapshot.open("db1"), null, "nothing saved yet");
    await snapshot.append(batch(1, "d1"));
    await snapshot.append(batch(3, "d2"));
    snapshot.removed("d1");
    await snapshot.save({ seq: 7, lastChunkId: 4, pending: ["d2"] });
    await snapshot.append(batch(5, "d3")); // never saved: a crash before the next save
    snapshot.close();

    snapshot = new IndexSnapshot(dir, "m", DIMS);
    const resumed = await snapshot.open("db1");
    assert.ok(resumed);
    assert.deepEqual(
      { seq: resumed.state.seq, lastChunkId: resumed.state.lastChunkId },
      { seq: 7, lastChunkId: 4 },
    );
    assert.deepEqual(resumed.state.pending, ["d2"]);
    const rows = await collect(resumed.rows);
    assert.deepEqual(rows, [batch(3, "d2")]);
    // compacted: the next start reads the same without the removed document's bytes
    await snapshot.append(batch(5, "d3"));
    await snapshot.save({ seq: 8, lastChunkId: 6, pending: [] });
    snapshot.close();

    snapshot = new IndexSnapshot(dir, "m", DIMS);
    const again = await snapshot.open("db1");
    assert.deepEqual(await collect(again!.rows), [batch(3, "d2"), batch(5, "d3")]);
    snapshot.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("index snapshot: another database or model starts empty", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = new IndexSnapshot(dir, "m", DIMS);
    await first.open("db1");
    await first.append(batch(1, "d1"));
    await first.save({ seq: 3, lastChunkId: 2, pending: [] });
    first.close();
    for (const [db, model, dims] of [["db2", "m", DIMS], ["db1", "other", DIMS]] as const) {
      const s = new IndexSnapshot(dir, model, dims);
      assert.equal(await s.open(db), null, `${db} ${model}`);
      s.close();
    }
    // the mismatch reset it: even the original identity now starts empty
    const s = new IndexSnapshot(dir, "m", DIMS);
    assert.equal(await s.open("db1"), null);
    s.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

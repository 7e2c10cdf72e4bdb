import assert from "node:assert/strict";
import { Columns, GROW_ROWS, HUGE_PAGE_BYTES } from "./vector-columns.ts";

Deno.test("vector columns: each scanned column asks for huge pages once, when it grows big", () => {
  const calls: [ArrayBuffer, number, boolean][] = [];
  const dims = 384;
  const columns = new Columns(dims, 1 << 20, (buffer, bytes, collapse) => {
    calls.push([buffer, bytes, collapse]);
    return true;
  });
  columns.append(GROW_ROWS);
  assert.equal(calls.length, 0, "small columns keep 4 KiB pages");
  // past HUGE_PAGE_BYTES of f32, still under it for int8
  columns.append(Math.ceil(HUGE_PAGE_BYTES / (dims * 4)));
  assert.deepEqual(calls, [[columns.vectors.buffer, (1 << 20) * dims * 4, true]]);
  columns.append(GROW_ROWS);
  assert.equal(calls.length, 1, "advised once");
  columns.append(Math.ceil(HUGE_PAGE_BYTES / dims));
  assert.deepEqual(calls.slice(1), [[columns.int8.buffer, (1 << 20) * dims, true]]);
});

Deno.test("vector columns: advice the OS refuses for the reservation is retried on what is committed", () => {
  const asked: number[] = [];
  const columns: Columns = new Columns(1024, 1 << 16, (buffer, bytes): boolean => {
    if (buffer === columns.vectors.buffer) asked.push(bytes);
    return bytes === buffer.byteLength;
  });
  columns.append(2 * GROW_ROWS);
  assert.deepEqual(asked, [(1 << 16) * 4096, 2 * GROW_ROWS * 4096]);
});

import assert from "node:assert/strict";
import { reciprocalRankFusion } from "./fusion.ts";

Deno.test("RRF rewards chunks both lists found", () => {
  const fused = reciprocalRankFusion([
    { ids: [1, 2, 3], weight: 1 },
    { ids: [3, 4, 1], weight: 1 },
  ], 60);
  assert.deepEqual(fused.map((f) => f.id), [1, 3, 2, 4]);
  assert.deepEqual(fused[0].ranks, [1, 3]);
  assert.equal(fused[0].score, 1 / 61 + 1 / 63);
});

Deno.test("RRF weights tilt the fusion toward one list", () => {
  const lists = [{ ids: [1, 2], weight: 1 }, { ids: [2, 1], weight: 3 }];
  assert.deepEqual(reciprocalRankFusion(lists, 60).map((f) => f.id), [2, 1]);
  const zero = [{ ids: [1, 2], weight: 0 }, { ids: [3], weight: 1 }];
  assert.equal(reciprocalRankFusion(zero, 60)[0].id, 3);
});

Deno.test("RRF of empty lists is empty", () => {
  assert.deepEqual(reciprocalRankFusion([{ ids: [], weight: 1 }], 60), []);
});

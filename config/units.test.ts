import assert from "node:assert/strict";
import { parseBytes } from "./units.ts";

Deno.test("parseBytes reads binary and decimal units", () => {
  assert.equal(parseBytes("256MiB"), 256 * 1024 * 1024);
  assert.equal(parseBytes("1.5 kb"), 1500);
  assert.equal(parseBytes("4096"), 4096);
  assert.equal(parseBytes(12), 12);
});

Deno.test("parseBytes rejects what it cannot read", () => {
  assert.throws(() => parseBytes("lots"), /not a byte size/);
  assert.throws(() => parseBytes("12 parsecs"), /not a byte size/);
  assert.throws(() => parseBytes(-1), /not a byte size/);
});

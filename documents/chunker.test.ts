import assert from "node:assert/strict";
import { type ChunkDraft, chunkPages, unwrapLines } from "./chunker.ts";

/** A stand-in tokenizer for the tests: every run of letters/digits or punctuation mark is a token. */
function wordOffsets(text: string): Uint32Array {
  const out: number[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) {
    out.push(m.index!, m.index! + m[0].length);
  }
  return Uint32Array.from(out);
}

async function chunks(pages: string[], target = 20, overlap = 6, max = 30): Promise<ChunkDraft[]> {
  const out: ChunkDraft[] = [];
  const input = pages.map((text, i) => ({ pageNumber: i + 1, text }));
  for await (
    const c of chunkPages(input, {
      targetTokens: target,
      overlapTokens: overlap,
      maxTokens: max,
      tokenOffsets: wordOffsets,
    })
  ) out.push(c);
  return out;
}

const sentence = (n: number) => `Sentence number ${n} has exactly eight tokens.`; // 8 tokens

Deno.test("chunks stay within the target, in order, with sentence overlap", async () => {
  const text = Array.from({ length: 12 }, (_, i) => sentence(i)).join(" ");
  const out = await chunks([text], 24, 8, 30);
  assert.ok(out.length >= 5);
  out.forEach((c, i) => {
    assert.equal(c.ordinal, i);
    assert.ok(c.tokenCount <= 24, `chunk ${i} has ${c.tokenCount} tokens`);
    assert.equal(c.tokenCount, wordOffsets(c.text).length / 2, "counts match the tokenizer");
  });
  // every sentence appears, and consecutive chunks share their boundary sentence
  for (let i = 0; i < 12; i++) assert.ok(out.some((c) => c.text.includes(sentence(i))));
  for (let i = 1; i < out.length; i++) {
    const last = out[i - 1].text.split(/(?<=\.) /).pop()!;
    assert.ok(out[i].text.startsWith(last), `chunk ${i} starts with the overlap`);
  }
});

Deno.test("chunks know the pages they span", async () => {
  const out = await chunks([sentence(1), sentence(2), `${sentence(3)} ${sentence(4)}`]);
  assert.equal(out[0].pageStart, 1);
  assert.equal(out[0].pageEnd, 2);
  assert.equal(out[out.length - 1].pageEnd, 3);
});

Deno.test("a sentence longer than a chunk is cut at token boundaries", async () => {
  const long = Array.from({ length: 70 }, (_, i) => `w${i}`).join(" ") + ".";
  const out = await chunks([long], 20, 0, 30);
  assert.ok(out.length >= 4);
  for (const c of out) assert.ok(c.tokenCount <= 20);
  assert.equal(out.map((c) => c.text).join(" "), long);
});

Deno.test("an empty document has no chunks; blank pages are skipped", async () => {
  assert.deepEqual(await chunks([]), []);
  const out = await chunks(["", "  \n ", sentence(1)]);
  assert.equal(out.length, 1);
  assert.equal(out[0].pageStart, 3);
});

Deno.test("PDF line wrapping is undone before sentences are found", () => {
  assert.equal(
    unwrapLines("The infor-\nmation is\nspread over lines.\n\nNew paragraph."),
    "The information is spread over lines.\n\nNew paragraph.",
  );
});

Deno.test("Chinese text without spaces still splits into sentences", async () => {
  const zh = "这是第一句话。这是第二句话。这是第三句话。".repeat(4);
  const out = await chunks([zh], 10, 0, 20);
  assert.ok(out.length > 1);
  for (const c of out) assert.ok(c.text.endsWith("。"));
});

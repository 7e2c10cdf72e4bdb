import assert from "node:assert/strict";
import { OnDemandEmbeddings } from "./on-demand.ts";
import type { EmbeddingKernel, Encoded } from "./types.ts";

/** A kernel that counts how often it was opened and closed. */
function fakeModel(): { open: () => Promise<EmbeddingKernel>; opened: number; closed: number } {
  const state = {
    opened: 0,
    closed: 0,
    open: (): Promise<EmbeddingKernel> => {
      state.opened++;
      let open = true;
      const alive = () => assert.ok(open, "used after close");
      const kernel: EmbeddingKernel = {
        implementation: "fake",
        modelId: "fake/model",
        dims: 2,
        maxTokens: 16,
        modelBytes: 1000,
        embed: async (texts) => (await kernel.encode(texts)).vectors,
        encode: (texts): Promise<Encoded> => {
          alive();
          return Promise.resolve({
            vectors: new Float32Array(texts.length * 2).fill(1),
            tokens: new Uint32Array(texts.length),
            truncated: new Uint8Array(texts.length),
          });
        },
        countTokens: (text) => (alive(), text.length),
        tokenOffsets: () => (alive(), new Uint32Array()),
        hold: (work) => work(),
        close: () => {
          open = false;
          state.closed++;
        },
      };
      return new Promise((resolve) => setTimeout(() => resolve(kernel), 5));
    },
  };
  return state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("the model is opened once at start, then only while used", async () => {
  const model = fakeModel();
  const kernel = await OnDemandEmbeddings.open(model.open, 40);
  try {
    assert.equal(kernel.dims, 2);
    assert.equal(kernel.modelId, "fake/model");
    assert.deepEqual([model.opened, model.closed, kernel.modelBytes], [1, 1, 0]);

    const [a, b] = await Promise.all([kernel.embed(["x"]), kernel.embed(["y", "z"])]);
    assert.equal(a.length + b.length, 6);
    assert.equal(model.opened, 2, "concurrent calls share one load");
    assert.equal(kernel.modelBytes, 1000);

    await sleep(80);
    assert.deepEqual([model.opened, model.closed, kernel.modelBytes], [2, 2, 0]);
  } finally {
    kernel.close();
  }
});

Deno.test("a hold keeps the model past its keep-alive; tokenizing needs one", async () => {
  const model = fakeModel();
  const kernel = await OnDemandEmbeddings.open(model.open, 20);
  try {
    assert.throws(() => kernel.countTokens("abc"), /not loaded/);
    const tokens = await kernel.hold(async () => {
      await sleep(60);
      return kernel.countTokens("abc");
    });
    assert.equal(tokens, 3);
    assert.equal(model.closed, 1, "not closed while held");
    await sleep(50);
    assert.equal(model.closed, 2);
  } finally {
    kernel.close();
  }
});

Deno.test("keepAlive 0 keeps the kernel itself", async () => {
  const model = fakeModel();
  const kernel = await OnDemandEmbeddings.open(model.open, 0);
  assert.ok(!(kernel instanceof OnDemandEmbeddings));
  assert.equal(kernel.countTokens("ab"), 2);
  kernel.close();
  assert.deepEqual([model.opened, model.closed], [1, 1]);
});

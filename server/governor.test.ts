import assert from "node:assert/strict";
import { Hono } from "hono";
import { onError } from "./errors.ts";
import { MemoryGovernor } from "./governor.ts";

/** A 100 MiB ceiling, one heavy slot, one queued, 200 ms of waiting; RSS and trim are the test's. */
function smallGovernor(rss: () => number, trim: () => void = () => {}): MemoryGovernor {
  return new MemoryGovernor(
    {
      ceiling: 100 * 1024 * 1024,
      shedAt: 0.9,
      sampleMs: 10_000,
      heavyConcurrency: 1,
      heavyQueue: 1,
      heavyWaitMs: 200,
    },
    rss,
    trim,
  );
}

function appWith(governor: MemoryGovernor, work: () => Promise<void>): Hono {
  const app = new Hono();
  app.onError(onError);
  app.post("/heavy", governor.heavy(), async (c) => {
    await work();
    return c.json({ ok: true });
  });
  return app;
}

Deno.test("heavy admission: a slot each, a bounded queue, a bounded wait, then 503", async () => {
  let rss = 10 * 1024 * 1024;
  let trims = 0;
  const governor = smallGovernor(() => rss, () => trims++);
  let release!: () => void;
  const blocked = new Promise<void>((r) => release = r);
  const app = appWith(governor, () => blocked);
  const post = () => app.request("/heavy", { method: "POST" });
  try {
    const first = post(); // takes the only slot
    const second = post(); // waits in the queue
    const third = await post(); // queue full: refused at once
    assert.equal(third.status, 503);
    assert.equal((await third.json()).error.code, "server_busy");
    assert.equal(third.headers.get("retry-after"), "2");
    const waited = await second; // gives up after heavyWaitMs
    assert.equal(waited.status, 503);
    const queued = post(); // handed the slot when the first finishes
    release();
    assert.equal((await first).status, 200);
    assert.equal((await queued).status, 200);

    rss = 95 * 1024 * 1024; // above 0.9 × ceiling: sampled at admission, no timer needed
    const shed = await post();
    assert.equal(shed.status, 503);
    assert.equal((await shed.json()).error.code, "memory_pressure");
    assert.equal(trims, 1, "freed native memory is handed back before shedding");
  } finally {
    governor.close();
  }
});

Deno.test("background work waits while memory is high and goes on when it is back", async () => {
  let rss = 95 * 1024 * 1024;
  const governor = smallGovernor(() => rss);
  try {
    let done = false;
    const waiting = governor.untilBelowThreshold("test").then(() => done = true);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(done, false, "went on above the threshold");
    rss = 50 * 1024 * 1024;
    await waiting;
    assert.equal(done, true);
    await governor.untilBelowThreshold("test"); // below: at once
  } finally {
    governor.close();
  }
});

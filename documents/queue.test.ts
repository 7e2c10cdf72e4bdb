import assert from "node:assert/strict";
import { StoreFullError, StoreUnavailableError } from "../plugins/store/types.ts";
import { IngestQueue } from "./queue.ts";

/** A promise settled from outside, for a job to report back. */
function signal<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("a job the store's outage interrupts runs again, and is not failed", async () => {
  const done = signal<number>();
  const failures: string[] = [];
  let runs = 0;
  const queue = new IngestQueue(
    async () => {
      if (++runs === 1) throw new StoreUnavailableError("postgres: connect ECONNREFUSED");
      done.resolve(runs);
      await Promise.resolve();
    },
    (_id, code) => Promise.resolve(void failures.push(code)),
    4,
    1,
  );
  queue.enqueue("a");
  assert.equal(await done.promise, 2);
  assert.deepEqual(failures, []);
});

Deno.test("a full disk fails the document with disk_full", async () => {
  const failed = signal<string>();
  const queue = new IngestQueue(
    () => Promise.reject(new StoreFullError("sqlite: database or disk is full")),
    (_id, code) => Promise.resolve(failed.resolve(code)),
    4,
    1,
  );
  queue.enqueue("a");
  assert.equal(await failed.promise, "disk_full");
  await queue.drained();
});

Deno.test("a failure the full disk cannot record is tried again, not dropped", async () => {
  const recorded = signal<string>();
  let attempts = 0;
  const queue = new IngestQueue(
    () => Promise.reject(new Error("No space left on device (os error 28)")),
    (_id, code) => {
      if (++attempts === 1) {
        return Promise.reject(new StoreFullError("sqlite: database or disk is full"));
      }
      return Promise.resolve(recorded.resolve(code));
    },
    4,
    1,
  );
  queue.enqueue("a");
  assert.equal(await recorded.promise, "disk_full");
  assert.equal(attempts, 2);
  await queue.drained();
});

Deno.test("a deleted document's retry is dropped", async () => {
  let runs = 0;
  const queue = new IngestQueue(
    () => (runs++, Promise.reject(new StoreUnavailableError("sqlite: disk I/O error"))),
    () => Promise.resolve(),
    4,
    1,
  );
  queue.enqueue("a");
  await queue.drained();
  assert.ok(queue.has("a"), "waiting to run again");
  queue.cancel("a");
  assert.ok(!queue.has("a"));
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(runs, 1);
});

import assert from "node:assert/strict";
import { RateLimiter } from "./rate-limit.ts";

Deno.test("a key gets its burst, then waits for tokens to refill", () => {
  const limiter = new RateLimiter(60); // one a second
  for (let i = 0; i < 60; i++) assert.equal(limiter.take("k", 0), 0);
  const wait = limiter.take("k", 0);
  assert.ok(wait > 0.99 && wait <= 1, `wait ${wait}`);
  assert.equal(limiter.take("k", 1000), 0, "a second later one more passes");
  assert.equal(limiter.take("other", 0), 0, "keys do not share buckets");
});

Deno.test("a limit of 0 means no limit", () => {
  const limiter = new RateLimiter(0);
  for (let i = 0; i < 1000; i++) assert.equal(limiter.take("k"), 0);
});

/** A token bucket per key: `perMinute` requests a minute, bursts up to the same number. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #ratePerMs: number;

  constructor(private readonly perMinute: number) {
    this.#ratePerMs = perMinute / 60_000;
  }

  /** Takes a token for `key`; returns 0, or the seconds until one is available. */
  take(key: string, now = Date.now()): number {
    if (this.perMinute === 0) return 0;
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.#ratePerMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.#ratePerMs / 1000;
  }
}

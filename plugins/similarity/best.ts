/**
 * The best k (key, row) pairs seen so far, kept sorted: higher key first, then lower row,
 * the same order as the Rust kernel's collector, so both pick the same rows.
 */
export class BestK {
  readonly keys: Float64Array;
  readonly rows: Uint32Array;
  size = 0;

  constructor(readonly k: number) {
    this.keys = new Float64Array(k);
    this.rows = new Uint32Array(k);
  }

  offer(key: number, row: number): void {
    const { k, keys, rows } = this;
    if (k === 0) return;
    const last = this.size - 1;
    if (this.size === k && !(key > keys[last] || (key === keys[last] && row < rows[last]))) return;
    // binary search for the first kept entry this one beats
    let lo = 0, hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (key > keys[mid] || (key === keys[mid] && row < rows[mid])) hi = mid;
      else lo = mid + 1;
    }
    const end = Math.min(this.size, k - 1);
    keys.copyWithin(lo + 1, lo, end);
    rows.copyWithin(lo + 1, lo, end);
    keys[lo] = key;
    rows[lo] = row;
    if (this.size < k) this.size++;
  }
}

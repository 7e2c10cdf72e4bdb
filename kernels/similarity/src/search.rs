//! The searches over one store: exact f32, int8 + f32 rescoring, and the cascades binary →
//! int8 → f32 (Hamming or asymmetric binary stage, in `cascade.rs`). Each returns the best `k` (score, row),
//! best first, with exact f32 scores; approximate stages only choose which rows get one.

use std::ops::Range;

use crate::caps::Kernels;
use crate::cascade;
use crate::encode::quantize_query;
use crate::filter::Filter;
use crate::parallel::scan;
use crate::top::{Key, Top};

/// A store and its quantized forms (empty slices for the forms a mode does not read).
pub struct Store<'a> {
    pub vectors: &'a [f32],
    pub int8: &'a [u8],
    pub scales: &'a [f32],
    pub bits: &'a [u64],
    /// What `bits` were encoded around (empty: zero).
    pub center: &'a [f32],
    pub n: usize,
    pub dims: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Exact,
    Int8,
    /// binary (Hamming) → int8 → f32
    Cascade,
    /// binary (int8 query × sign bits) → int8 → f32
    CascadeAsym,
}

/// How many candidates each approximate stage passes on (`sim_search` maps 0 to the defaults
/// below) and how many threads the first stage may use.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub k: usize,
    /// Rows the binary stage keeps (cascade only).
    pub wide: usize,
    /// Rows the int8 stage keeps for exact rescoring.
    pub narrow: usize,
    pub threads: usize,
}

/// Rows kept by int8 for f32 rescoring. Per-row int8 error on normalized 384-d vectors is
/// ~0.002 in score, far below neighbour gaps, so a small multiple of k recovers exact top-k
/// (docs/similarity.md has the recall table).
pub fn default_narrow(k: usize) -> usize {
    (4 * k).max(40)
}

/// Rows kept by the binary stage. On the clustered corpus model (`synthetic`, ~3 000 rows
/// per topic) recall@10 needed 2 000 at both 100k and 1M rows and reached 1.0 at 4 000; what
/// matters is how many rows crowd the query's neighbourhood, not n. Real MiniLM chunks needed
/// about 4× fewer than the model at equal size (bench/similarity-real.ts, docs/similarity.md).
pub fn default_wide(k: usize) -> usize {
    (100 * k).max(4000)
}

/// Candidates ahead whose rows are prefetched: candidate rows are scattered, so without it
/// each one waits a full memory latency.
pub(crate) const PREFETCH_AHEAD: usize = 8;

/// Asks for the cache lines of `bytes` to be loaded; a hint, never a fault.
#[inline]
pub(crate) fn prefetch<T>(bytes: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let (start, len) = (bytes.as_ptr().cast::<i8>(), std::mem::size_of_val(bytes));
        for offset in (0..len).step_by(64) {
            // SAFETY: prefetch never dereferences; the address is inside `bytes` anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

/// NaN sorts as the worst score instead of above +∞.
#[inline]
fn clean(score: f32) -> f32 {
    if score.is_nan() {
        f32::NEG_INFINITY
    } else {
        score
    }
}

/// Rows scored per kernel call: big enough to amortize the call, small enough for the stack.
const BLOCK: usize = 256;

/// Scores `rows` a block at a time with `score(block, out)`, turns each admitted row's value
/// into its key with `key(row, value)` and offers it to `top`. A block the filter fully
/// admits costs one call and one floor test per 64 rows (`Top::offer_block`); otherwise only
/// its admitted rows are scored, one call each.
pub(crate) fn scan_blocks<T: Copy + Default, K: Key + Default>(
    rows: Range<usize>,
    filter: &Filter,
    top: &mut Top<K>,
    mut score: impl FnMut(Range<usize>, &mut [T]),
    key: impl Fn(usize, T) -> K,
) {
    let mut buf = [T::default(); BLOCK];
    let mut keys = [K::default(); BLOCK];
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + BLOCK).min(rows.end);
        if filter.admits_all(start..end) {
            let (out, keys) = (&mut buf[..end - start], &mut keys[..end - start]);
            score(start..end, out);
            for (i, (k, v)) in keys.iter_mut().zip(out.iter()).enumerate() {
                *k = key(start + i, *v);
            }
            top.offer_block(start, keys);
        } else {
            for row in (start..end).filter(|&r| filter.admits(r)) {
                score(row..row + 1, &mut buf[..1]);
                top.offer(key(row, buf[0]), row as u32);
            }
        }
        start = end;
    }
}

fn exact(store: &Store, query: &[f32], plan: &Plan, filter: &Filter, kern: &Kernels) -> Top<f32> {
    let d = store.dims;
    scan(
        store.n,
        plan.threads,
        || Top::new(plan.k),
        |rows, top| {
            let score = |r: Range<usize>, out: &mut [f32]| unsafe {
                (kern.dot_f32)(&store.vectors[r.start * d..r.end * d], query, out)
            };
            scan_blocks(rows, filter, top, score, |_, s| clean(s));
        },
    )
}

/// The int8 query and the bias term `128 · Σ q` that `dot_i8` results carry.
pub(crate) fn int8_query(query: &[f32]) -> (Vec<i8>, i32) {
    let mut q = vec![0i8; query.len()];
    quantize_query(query, &mut q);
    let bias = q.iter().map(|&c| 128 * c as i32).sum();
    (q, bias)
}

/// int8 dots of `rows` with the query; turned into approximate scores (up to the query's
/// constant positive scale) by `int8_score`.
pub(crate) fn int8_dots(
    store: &Store,
    rows: Range<usize>,
    q: &[i8],
    kern: &Kernels,
    out: &mut [i32],
) {
    let d = store.dims;
    unsafe { (kern.dot_i8)(&store.int8[rows.start * d..rows.end * d], q, out) }
}

#[inline]
pub(crate) fn int8_score(store: &Store, row: usize, raw: i32, bias: i32) -> f32 {
    (raw - bias) as f32 * store.scales[row]
}

/// Exact f32 scores for `rows`, best `k` kept.
pub(crate) fn rescore<K: Key>(
    store: &Store,
    query: &[f32],
    rows: &[(K, u32)],
    k: usize,
    kern: &Kernels,
) -> Top<f32> {
    let d = store.dims;
    let vector = |i: usize| {
        let r = rows[i].1 as usize;
        &store.vectors[r * d..(r + 1) * d]
    };
    let mut top = Top::new(k);
    let mut score = [0f32];
    for i in 0..rows.len() {
        if i + PREFETCH_AHEAD < rows.len() {
            prefetch(vector(i + PREFETCH_AHEAD));
        }
        unsafe { (kern.dot_f32)(vector(i), query, &mut score) };
        top.offer(clean(score[0]), rows[i].1);
    }
    top
}

fn int8(store: &Store, query: &[f32], plan: &Plan, filter: &Filter, kern: &Kernels) -> Top<f32> {
    let (q, bias) = int8_query(query);
    let narrow = plan.narrow.max(plan.k);
    let candidates = scan(
        store.n,
        plan.threads,
        || Top::new(narrow),
        |rows, top| {
            let score = |r: Range<usize>, out: &mut [i32]| int8_dots(store, r, &q, kern, out);
            let key = |row: usize, raw: i32| int8_score(store, row, raw, bias);
            scan_blocks(rows, filter, top, score, key);
        },
    );
    rescore(store, query, &candidates.finish(), plan.k, kern)
}

/// Best `plan.k` rows admitted by `filter`, best first, with exact f32 scores.
pub fn search(
    store: &Store,
    query: &[f32],
    mode: Mode,
    plan: &Plan,
    filter: &Filter,
    kern: &Kernels,
) -> Vec<(f32, u32)> {
    let top = match mode {
        Mode::Exact => exact(store, query, plan, filter, kern),
        Mode::Int8 => int8(store, query, plan, filter, kern),
        Mode::Cascade => cascade::cascade(store, query, plan, filter, kern, false),
        Mode::CascadeAsym => cascade::cascade(store, query, plan, filter, kern, true),
    };
    top.finish()
}

//! The cascade binary → int8 → f32: a scan of the rows' sign codes keeps the `wide` most
//! promising rows, int8 dots keep `narrow` of them, exact f32 picks k.

use std::ops::Range;

use crate::caps::Kernels;
use crate::encode::{sign_bits, words_for};
use crate::filter::Filter;
use crate::parallel::scan;
use crate::search::{
    int8_dots, int8_query, int8_score, prefetch, rescore, scan_blocks, Plan, Store, PREFETCH_AHEAD,
};
use crate::top::Top;

/// Rows sampled to guess the binary stage's bar: `SAMPLE_BLOCKS` evenly spaced blocks of
/// `SAMPLE_ROWS` (block calls, so the guess costs ~1 % of the scan).
const SAMPLE_BLOCKS: usize = 64;
const SAMPLE_ROWS: usize = 64;

/// The best `wide` rows by `key(score)`, exactly as a plain `scan` keeps them, but with a
/// bar guessed from a sample: the key of the sample's `2 · wide · sample / n`-th best row,
/// which about twice `wide` rows reach. If fewer than `wide` admitted rows reached it (a
/// skewed sample), the scan runs again without one.
fn coarse_scan<T: Copy + Default + Sync>(
    n: usize,
    threads: usize,
    wide: usize,
    filter: &Filter,
    score: impl Fn(Range<usize>, &mut [T]) + Sync,
    key: impl Fn(T) -> i32 + Sync,
) -> Top<i32> {
    let sample = SAMPLE_BLOCKS * SAMPLE_ROWS;
    let rank = (2 * wide * sample).div_ceil(n.max(1));
    let bar = if rank <= sample / 4 {
        let mut guess = Top::new(rank);
        for b in 0..SAMPLE_BLOCKS {
            let start = b * (n / SAMPLE_BLOCKS);
            let rows = start..(start + SAMPLE_ROWS).min(n);
            scan_blocks(rows, filter, &mut guess, &score, |_, v| key(v));
        }
        guess.kth_key()
    } else {
        None
    };
    let run = |bar: Option<i32>| {
        scan(
            n,
            threads,
            || Top::with_bar(wide, bar),
            |rows, top| scan_blocks(rows, filter, top, &score, |_, v| key(v)),
        )
    };
    let top = run(bar);
    if bar.is_some() && !top.full() {
        return run(None);
    }
    top
}

/// The cascade: a sign-bit scan keeps `wide` rows — by Hamming distance between sign codes
/// (`asymmetric` false) or by the int8 query summed over each row's set bits — then int8
/// keeps `narrow`, then f32 picks k.
pub(crate) fn cascade(
    store: &Store,
    query: &[f32],
    plan: &Plan,
    filter: &Filter,
    kern: &Kernels,
    asymmetric: bool,
) -> Top<f32> {
    let narrow = plan.narrow.max(plan.k);
    let (q, bias) = int8_query(query);
    let coarse = binary_stage(store, query, plan, filter, kern, asymmetric);
    let d = store.dims;
    let mut fine = Top::new(narrow);
    let mut raw = [0i32];
    for (i, &(_, row)) in coarse.iter().enumerate() {
        if let Some(&(_, ahead)) = coarse.get(i + PREFETCH_AHEAD) {
            prefetch(&store.int8[ahead as usize * d..(ahead as usize + 1) * d]);
        }
        let r = row as usize;
        int8_dots(store, r..r + 1, &q, kern, &mut raw);
        fine.offer(int8_score(store, r, raw[0], bias), row);
    }
    rescore(store, query, &fine.finish(), plan.k, kern)
}

/// The cascade's first stage: the best `max(wide, narrow, k)` admitted rows, unordered, by
/// `-Hamming distance` of sign codes or (`asymmetric`) by the int8 query summed over each
/// row's set bits.
pub fn binary_stage(
    store: &Store,
    query: &[f32],
    plan: &Plan,
    filter: &Filter,
    kern: &Kernels,
    asymmetric: bool,
) -> Vec<(i32, u32)> {
    let words = words_for(store.dims);
    let wide = plan.wide.max(plan.narrow).max(plan.k);
    let codes = |r: &Range<usize>| &store.bits[r.start * words..r.end * words];
    let top = if asymmetric {
        let (q, _) = int8_query(query);
        let score =
            |r: Range<usize>, out: &mut [i32]| unsafe { (kern.sign_dot)(codes(&r), &q, out) };
        coarse_scan(store.n, plan.threads, wide, filter, score, |s| s)
    } else {
        let mut code = vec![0u64; words];
        sign_bits(query, store.center, &mut code);
        let score =
            |r: Range<usize>, out: &mut [u32]| unsafe { (kern.hamming)(codes(&r), &code, out) };
        coarse_scan(store.n, plan.threads, wide, filter, score, |d| -(d as i32))
    };
    top.finish_unordered()
}

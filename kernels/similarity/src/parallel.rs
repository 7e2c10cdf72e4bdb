//! Splitting a scan over the cores: scoped threads, one best-k collector each, merged in a
//! deterministic order so results never depend on the split.

use std::ops::Range;
use std::sync::OnceLock;

use crate::top::{Key, Top};

/// Scan bytes below which one thread is faster than spawning a second (measured, see docs).
pub const PARALLEL_BYTES: usize = 8 << 20;

/// Threads worth using for a scan reading `bytes`.
pub fn threads_for(bytes: usize) -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |c| c.get()));
    if bytes < PARALLEL_BYTES {
        1
    } else {
        cores.min(bytes / PARALLEL_BYTES + 1)
    }
}

/// Runs `visit` over `0..n` split across `threads`, each with its own collector, merged.
pub fn scan<K: Key>(
    n: usize,
    threads: usize,
    k: usize,
    visit: impl Fn(Range<usize>, &mut Top<K>) + Sync,
) -> Top<K> {
    let threads = threads.clamp(1, n.max(1));
    let chunk = n.div_ceil(threads);
    let part = |t: usize| t * chunk..((t + 1) * chunk).min(n);
    let mut top = Top::new(k);
    if threads == 1 {
        visit(0..n, &mut top);
        return top;
    }
    std::thread::scope(|s| {
        let visit = &visit;
        let spawned: Vec<_> = (1..threads)
            .map(|t| {
                let run = move || {
                    let mut mine = Top::new(k);
                    visit(part(t), &mut mine);
                    mine
                };
                (t, std::thread::Builder::new().spawn_scoped(s, run))
            })
            .collect();
        visit(part(0), &mut top);
        for (t, handle) in spawned {
            match handle {
                Ok(h) => top.merge(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
                // no thread to be had: do that part here rather than fail the query
                Err(_) => visit(part(t), &mut top),
            }
        }
    });
    top
}

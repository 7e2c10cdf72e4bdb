//! Splitting a scan over the cores: scoped threads, one best-k collector each, merged in a
//! deterministic order so results never depend on the split.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// Chunks each thread takes at a time, per thread: small enough that a thread the scheduler
/// parks (2 shared cores) leaves little work behind, big enough to amortize the atomic.
const CHUNKS_PER_THREAD: usize = 16;

/// Runs `visit` over `0..n` on `threads` threads (the caller's included), each with its own
/// collector, merged. Threads take the next chunk of rows from a shared counter rather than a
/// fixed half: on a busy machine one may not get a core for a while, and the others then do
/// its share instead of waiting for it. A thread that cannot be spawned is simply not there.
pub fn scan<K: Key>(
    n: usize,
    threads: usize,
    collector: impl Fn() -> Top<K> + Sync,
    visit: impl Fn(Range<usize>, &mut Top<K>) + Sync,
) -> Top<K> {
    let threads = threads.clamp(1, n.max(1));
    let mut top = collector();
    if threads == 1 {
        visit(0..n, &mut top);
        return top;
    }
    let chunk = n.div_ceil(threads * CHUNKS_PER_THREAD).max(256);
    let next = AtomicUsize::new(0);
    let work = |top: &mut Top<K>| loop {
        let start = next.fetch_add(chunk, Ordering::Relaxed);
        if start >= n {
            break;
        }
        visit(start..(start + chunk).min(n), top);
    };
    std::thread::scope(|s| {
        let (work, collector) = (&work, &collector);
        let spawned: Vec<_> = (1..threads)
            .filter_map(|_| {
                let run = move || {
                    let mut mine = collector();
                    work(&mut mine);
                    mine
                };
                std::thread::Builder::new().spawn_scoped(s, run).ok()
            })
            .collect();
        work(&mut top);
        for handle in spawned {
            top.merge(
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
    });
    top
}

//! Splitting a scan over the cores: parked helper threads, one best-k collector each, merged
//! in a deterministic order so results never depend on the split.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::top::{Key, Top};

/// Scan bytes below which one thread is faster than spawning a second (measured, see docs).
pub const PARALLEL_BYTES: usize = 8 << 20;

/// Threads worth using for a scan reading `bytes`.
pub fn threads_for(bytes: usize) -> usize {
    if bytes < PARALLEL_BYTES {
        1
    } else {
        cores().min(bytes / PARALLEL_BYTES + 1)
    }
}

fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |c| c.get()))
}

/// Chunks each thread takes at a time, per thread: small enough that a thread the scheduler
/// parks (2 shared cores) leaves little work behind, big enough to amortize the atomic.
const CHUNKS_PER_THREAD: usize = 16;

/// Helper threads kept parked between scans (one fewer than the cores: the caller's thread
/// scans too), built on the first scan that wants one. A thread spawned per scan waited
/// 1.6–2 ms for a core here whenever the other core had been idle for a millisecond (Linux
/// starts a new thread beside its parent and moves it only at the next load balance), while a
/// parked thread woke in ~30 µs; for a 2 ms cascade that wait was most of the query. `None`
/// if no thread could be started: scans then run on the caller's thread alone.
fn helpers() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores().saturating_sub(1).max(1))
            .thread_name(|i| format!("ligero-similarity-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `visit` over `0..n` on `threads` threads (the caller's included), each with its own
/// collector, merged in a fixed order. Threads take the next chunk of rows from a shared
/// counter rather than a fixed half: on a busy machine one may not get a core for a while,
/// and the others then do its share instead of waiting for it.
pub fn scan<K: Key>(
    n: usize,
    threads: usize,
    collector: impl Fn() -> Top<K> + Sync,
    visit: impl Fn(Range<usize>, &mut Top<K>) + Sync,
) -> Top<K> {
    let threads = threads.clamp(1, n.max(1));
    let mut top = collector();
    let pool = match helpers() {
        Some(pool) if threads > 1 => pool,
        _ => {
            visit(0..n, &mut top);
            return top;
        }
    };
    let chunk = n.div_ceil(threads * CHUNKS_PER_THREAD).max(256);
    let next = AtomicUsize::new(0);
    let work = |top: &mut Top<K>| loop {
        let start = next.fetch_add(chunk, Ordering::Relaxed);
        if start >= n {
            break;
        }
        visit(start..(start + chunk).min(n), top);
    };
    let theirs: Vec<Mutex<Option<Top<K>>>> = (1..threads).map(|_| Mutex::new(None)).collect();
    // a helper's panic resumes here, after every job has ended, and reaches the entry
    // point's catch_unwind like one on this thread
    pool.in_place_scope(|s| {
        let (work, collector) = (&work, &collector);
        for slot in &theirs {
            s.spawn(move |_| {
                let mut mine = collector();
                work(&mut mine);
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(mine);
            });
        }
        work(&mut top);
    });
    for slot in theirs {
        if let Some(mine) = slot.into_inner().unwrap_or_else(|p| p.into_inner()) {
            top.merge(mine);
        }
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best_rows(n: usize, threads: usize, panic_at: Option<usize>) -> Vec<u32> {
        let top = scan(
            n,
            threads,
            || Top::<f32>::new(5),
            |rows, top| {
                for row in rows {
                    assert_ne!(Some(row), panic_at, "bad row");
                    top.offer(((row * 7919) % 1009) as f32, row as u32);
                }
            },
        );
        top.finish().into_iter().map(|(_, row)| row).collect()
    }

    #[test]
    fn every_split_finds_what_one_thread_finds() {
        let one = best_rows(100_000, 1, None);
        for threads in [2, 3, 7] {
            assert_eq!(best_rows(100_000, threads, None), one, "threads={threads}");
        }
    }

    #[test]
    fn a_panic_on_any_thread_reaches_the_caller_and_the_helpers_live_on() {
        for row in [0, 50_000, 99_999] {
            let run = std::panic::catch_unwind(|| best_rows(100_000, 2, Some(row)));
            assert!(run.is_err(), "panic at row {row} was lost");
        }
        assert_eq!(best_rows(100_000, 2, None), best_rows(100_000, 1, None));
    }
}

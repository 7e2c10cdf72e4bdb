//! The memory floor under an exact f32 scan: how long `threads` threads take to read `bytes`
//! of huge-page memory once, nothing computed. The host's memory bandwidth moves by half
//! between runs minutes apart on this VM (28 → 51 ms for 1.5 GB), so the bench measures it in
//! the same run as the scans and prints both:
//! `cargo run --release -p similarity --example read_floor -- [bytes] [threads] [reads]`
//! prints one JSON line `{"bytes", "threads", "median_ms", "best_ms"}`.

use std::time::Instant;

extern "C" {
    fn mmap(addr: *mut u8, len: usize, prot: i32, flags: i32, fd: i32, off: i64) -> *mut u8;
    fn madvise(addr: *mut u8, len: usize, advice: i32) -> i32;
}

/// Anonymous memory asked onto huge pages, as the bench's store is, filled so every page is
/// resident before the first timed read.
fn buffer(words: usize) -> &'static mut [u64] {
    const PROT_READ_WRITE: i32 = 3;
    const MAP_PRIVATE_ANONYMOUS: i32 = 0x22;
    const MADV_HUGEPAGE: i32 = 14;
    let bytes = words * 8;
    unsafe {
        let p = mmap(
            std::ptr::null_mut(),
            bytes,
            PROT_READ_WRITE,
            MAP_PRIVATE_ANONYMOUS,
            -1,
            0,
        );
        assert!(p as isize != -1, "mmap of {bytes} bytes failed");
        madvise(p, bytes, MADV_HUGEPAGE);
        let words = std::slice::from_raw_parts_mut(p.cast::<u64>(), words);
        for (i, w) in words.iter_mut().enumerate() {
            *w = i as u64;
        }
        words
    }
}

/// Folds every word in with XOR, 8 independent lanes so loads are never waiting on the fold.
#[inline(always)]
fn fold(words: &[u64]) -> u64 {
    let mut lanes = [0u64; 8];
    for block in words.chunks_exact(8) {
        for (lane, w) in lanes.iter_mut().zip(block) {
            *lane ^= w;
        }
    }
    lanes.iter().fold(0, |a, b| a ^ b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn fold_avx2(words: &[u64]) -> u64 {
    fold(words)
}

fn read(part: &[u64]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        return unsafe { fold_avx2(part) };
    }
    fold(part)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let arg = |i: usize, default: usize| args.get(i).copied().unwrap_or(default);
    let (bytes, threads, reads) = (arg(0, 1_536_000_000), arg(1, 2).max(1), arg(2, 10).max(1));
    let words = buffer(bytes / 8);
    let part = words.len().div_ceil(threads);
    let mut ms: Vec<f64> = (0..reads)
        .map(|_| {
            let start = Instant::now();
            std::thread::scope(|s| {
                for chunk in words.chunks(part) {
                    s.spawn(move || std::hint::black_box(read(chunk)));
                }
            });
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "{{\"bytes\":{bytes},\"threads\":{threads},\"median_ms\":{:.3},\"best_ms\":{:.3}}}",
        ms[ms.len() / 2],
        ms[0]
    );
}

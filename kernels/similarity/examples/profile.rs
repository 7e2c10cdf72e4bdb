//! Times each search mode on a clustered store outside Deno, 4 KiB pages and huge pages
//! side by side (queries alternate between the two copies, so load from other processes
//! hits both alike): `cargo run --release -p similarity --example profile -- [rows] [queries]
//! [threads]`. The corpus is cached in /tmp (generating 1M rows takes most of a minute).

use std::io::{Read, Write};
use std::time::Instant;

use similarity::caps::{select, Features};
use similarity::encode::{encode_rows, words_for};
use similarity::filter::Filter;
use similarity::search::{default_narrow, default_wide, search, Mode, Plan, Store};
use similarity::synthetic::Clustered;

extern "C" {
    fn mmap(addr: *mut u8, len: usize, prot: i32, flags: i32, fd: i32, off: i64) -> *mut u8;
    fn madvise(addr: *mut u8, len: usize, advice: i32) -> i32;
    fn clock_gettime(clock: i32, ts: *mut [i64; 2]) -> i32;
}

/// CPU time of the whole process (every thread), in ms: what a query cost in work, whether or
/// not the scheduler gave it a core at once.
fn cpu_ms() -> f64 {
    let mut ts = [0i64; 2];
    unsafe { clock_gettime(2, &mut ts) };
    ts[0] as f64 * 1e3 + ts[1] as f64 / 1e6
}

fn buffer<T: Copy>(len: usize, huge: bool) -> &'static mut [T] {
    let bytes = (len * std::mem::size_of::<T>()).max(1);
    unsafe {
        let p = mmap(std::ptr::null_mut(), bytes, 3, 0x22, -1, 0);
        assert!(!p.is_null() && p as isize != -1);
        if huge {
            madvise(p, bytes, 14);
        }
        std::slice::from_raw_parts_mut(p.cast(), len)
    }
}

fn corpus_rows(corpus: &Clustered, n: usize, dims: usize) -> Vec<f32> {
    let path = format!("/tmp/sim-profile-{n}x{dims}.f32");
    let mut bytes = Vec::new();
    if std::fs::File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .is_ok()
        && bytes.len() == n * dims * 4
    {
        return bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
    }
    let rows = corpus.rows(n);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for v in &rows {
        f.write_all(&v.to_le_bytes()).unwrap();
    }
    f.flush().unwrap();
    rows
}

fn store(rows: &[f32], dims: usize, huge: bool) -> Store<'static> {
    let n = rows.len() / dims;
    let vectors = buffer::<f32>(n * dims, huge);
    vectors.copy_from_slice(rows);
    let int8 = buffer::<u8>(n * dims, huge);
    let scales = buffer::<f32>(n, huge);
    let bits = buffer::<u64>(n * words_for(dims), huge);
    encode_rows(vectors, dims, &[], int8, scales, bits).unwrap();
    Store {
        vectors,
        int8,
        scales,
        bits,
        center: &[],
        n,
        dims,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, d: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (n, queries, threads) = (arg(1, 1_000_000), arg(2, 30), arg(3, 2));
    let modes = std::env::var("MODES").unwrap_or("exact,int8,cascade,cascade-asym".into());
    let (dims, k) = (384, 10);
    let corpus = Clustered::new(dims, (n / 3000).max(1), 42);
    let t = Instant::now();
    let rows = corpus_rows(&corpus, n, dims);
    let stores = [store(&rows, dims, false), store(&rows, dims, true)];
    drop(rows);
    eprintln!("built in {:.1} s", t.elapsed().as_secs_f64());
    let smaps = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    eprintln!(
        "{}",
        smaps
            .lines()
            .filter(|l| l.contains("AnonHuge"))
            .collect::<String>()
    );
    let plan = Plan {
        k,
        wide: default_wide(k),
        narrow: default_narrow(k),
        threads,
    };
    let qs = corpus.queries(n, queries);
    // FEATURES=no-vpopcntdq: the Hamming stage on scalar popcnt; FEATURES=avx2: no AVX-512
    let mut features = Features::detect();
    match std::env::var("FEATURES").as_deref() {
        Ok("no-vpopcntdq") => features.avx512_popcnt = false,
        Ok("avx2") => {
            (
                features.avx512,
                features.avx512_vnni,
                features.avx512_popcnt,
            ) = (false, false, false)
        }
        _ => {}
    }
    let kern = select(features);
    eprintln!("kernels: {}", kern.info);
    for name in modes.split(',') {
        let mode = match name {
            "exact" => Mode::Exact,
            "int8" => Mode::Int8,
            "cascade" => Mode::Cascade,
            _ => Mode::CascadeAsym,
        };
        let mut ms = [vec![], vec![]];
        let mut cpu = [vec![], vec![]];
        for q in qs.chunks_exact(dims) {
            for ((s, times), cpu) in stores.iter().zip(ms.iter_mut()).zip(cpu.iter_mut()) {
                let (t, c) = (Instant::now(), cpu_ms());
                std::hint::black_box(search(s, q, mode, &plan, &Filter::NONE, &kern));
                times.push(t.elapsed().as_secs_f64() * 1e3);
                cpu.push(cpu_ms() - c);
            }
        }
        let mid = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            (v[v.len() / 2], v[0])
        };
        for ((pages, times), cpu) in ["4k", "huge"].iter().zip(ms.iter_mut()).zip(cpu.iter_mut()) {
            let ((wall, best), (work, least)) = (mid(times), mid(cpu));
            println!(
                "{name:>13} {pages:>4}: median {wall:8.3} ms, best {best:8.3} ms; \
                 cpu median {work:8.3} ms, least {least:8.3} ms"
            );
        }
    }
}

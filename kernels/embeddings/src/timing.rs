//! `cargo test --release -p embeddings timing -- --ignored --nocapture`: one query end to
//! end on the real model (`.cache/models/all-MiniLM-L6-v2`, or `LIGERO_TIMING_MODEL`), f32
//! and int8, one and two threads: median and best wall time, and process CPU time per
//! query (more CPU than wall × threads means workers spin or wait).

use crate::model::Model;
use std::path::PathBuf;
use std::time::Instant;

pub const QUERY: &str = "How does the memory governor decide when to shed heavy requests, and what happens to uploads near the ceiling?";

pub fn model_dir() -> PathBuf {
    std::env::var_os("LIGERO_TIMING_MODEL").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.cache/models/all-MiniLM-L6-v2"),
        PathBuf::from,
    )
}

/// CPU seconds run by all threads of the process (schedstat: nanoseconds on a CPU).
fn process_cpu() -> f64 {
    let tasks = std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten();
    let ns = |task: std::fs::DirEntry| -> Option<f64> {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        stat.split_whitespace().next()?.parse().ok()
    };
    tasks.filter_map(ns).sum::<f64>() / 1e9
}

#[test]
#[ignore]
fn timing_one_query() {
    let dir = model_dir();
    // LIGERO_TIMING_ONLY=int8-1 (or f32-2, …) runs one case, e.g. under `perf record`
    let only = std::env::var("LIGERO_TIMING_ONLY").unwrap_or_default();
    for int8 in [true, false] {
        for threads in [1, 2] {
            let case = format!("{}-{threads}", if int8 { "int8" } else { "f32" });
            if !only.is_empty() && only != case {
                continue;
            }
            let model = Model::load(&dir, int8, threads).expect("model loads");
            let mut out = vec![0f32; model.dims()];
            let tokens = model.tokenizer.encode(QUERY, 256).ids.len();
            for _ in 0..30 {
                model.embed(&[QUERY], &mut out).expect("embeds");
            }
            let runs = 300;
            let cpu = process_cpu();
            let mut ms: Vec<f64> = (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    model.embed(&[QUERY], &mut out).expect("embeds");
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            let cpu_ms = (process_cpu() - cpu) * 1e3 / runs as f64;
            ms.sort_by(f64::total_cmp);
            let t = Instant::now();
            for _ in 0..1000 {
                std::hint::black_box(model.tokenizer.encode(QUERY, 256));
            }
            let tok_us = t.elapsed().as_secs_f64() * 1e3;
            eprintln!(
                "int8={int8} threads={threads} {tokens} tokens: median {:.3} ms, p10 {:.3} ms, best {:.3} ms, \
                 cpu {cpu_ms:.2} ms/query, tokenize {tok_us:.1} µs",
                ms[runs / 2],
                ms[runs / 10],
                ms[0]
            );
        }
    }
}

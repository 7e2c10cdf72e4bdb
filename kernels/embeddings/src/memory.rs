//! `cargo test --release -p embeddings memory -- --ignored --nocapture --test-threads 1`:
//! what loading the real model costs in anonymous RSS, part by part, and whether closing it
//! gives everything back (after `malloc_trim`, as the server does).

use crate::config::read_json;
use crate::model::Model;
use crate::timing::{model_dir, QUERY};
use crate::tokenizer::Tokenizer;

fn anon_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Anonymous mappings holding more than 256 KiB, as `start-end: KiB` (debugging aid).
fn big_anon() -> Vec<String> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    let mut out = vec![];
    let mut range = "";
    for line in smaps.lines() {
        if line.contains('-') && !line.starts_with(|c: char| c.is_ascii_uppercase()) {
            range = line;
        } else if let Some(v) = line.strip_prefix("Anonymous:") {
            let kb: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
            if kb > 256 {
                out.push(format!("{range}: {kb}"));
            }
        }
    }
    out
}

fn trim() {
    extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: malloc_trim only returns free memory to the OS.
    unsafe {
        malloc_trim(0);
    }
}

#[test]
#[ignore]
fn memory_parts_and_close() {
    let dir = model_dir();
    trim();
    let start = anon_mib();
    let before = big_anon();
    let tokenizer = Tokenizer::from_json(&read_json(&dir.join("tokenizer.json")).unwrap()).unwrap();
    trim();
    eprintln!("tokenizer: {:+.1} MiB", anon_mib() - start);
    drop(tokenizer);
    let order = if std::env::var_os("F32_FIRST").is_some() {
        [false, true]
    } else {
        [true, false]
    };
    for int8 in order {
        trim();
        let base = anon_mib();
        let model = Model::load(&dir, int8, 2).expect("model loads");
        trim();
        let loaded = anon_mib();
        let mut out = vec![0f32; model.dims()];
        model.embed(&[QUERY], &mut out).unwrap();
        trim();
        let queried = anon_mib();
        let long = "memory budget ".repeat(120);
        let batch: Vec<&str> = (0..32).map(|_| long.as_str()).collect();
        let mut out = vec![0f32; 32 * model.dims()];
        model.embed(&batch, &mut out).unwrap();
        trim();
        let batched = anon_mib();
        let heap = model.bert.heap_bytes() as f64 / 1048576.0;
        drop(model);
        std::thread::sleep(std::time::Duration::from_millis(200));
        trim();
        let closed = anon_mib();
        eprintln!(
            "int8={int8}: load {:+.1} MiB (weights {heap:.1}), query {:+.1}, 32×128 {:+.1}, \
             after close {:+.1}",
            loaded - base,
            queried - loaded,
            batched - queried,
            closed - base
        );
    }
    eprintln!("before: {before:#?}\nafter: {:#?}", big_anon());
}

//! Deterministic mutation fuzzing that runs as a plain test (no nightly needed): corpus
//! files and built PDFs are damaged in seeded ways and must open or fail cleanly, never
//! panic or hang. Budget: `FUZZ_SECONDS` (default 15). Inputs that once failed live in
//! `tests/regressions/` and always run. The cargo-fuzz target in `fuzz/` covers the same
//! body with coverage guidance (`fuzz/run.sh`).

mod support;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A case must finish within this, or it is a hang.
const CASE_LIMIT: Duration = Duration::from_secs(20);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b"9999999999 0 R",
    b"1 0 R",
    b"/Filter /FlateDecode",
    b"endobj",
    b"stream\n",
    b"endstream",
    b"obj",
    b"xref",
    b"trailer",
    b"/Length -5",
    b"/Kids [1 0 R]",
    b"/Type /Page",
    b"BT",
    b"ET",
    b"Tj",
    b"TJ",
    b"Do",
    b"q",
    b"Q",
    b"cm",
    b"/Predictor 15 /Columns 99999",
    b"/ObjStm",
    b"-1e308",
    b"<FEFF",
    b"\\",
    b"%",
    b"BI ID",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len().max(1);
        match rng.below(6) {
            0 => {
                for _ in 0..1 + rng.below(16) {
                    let i = rng.below(len);
                    if let Some(b) = out.get_mut(i) {
                        *b = rng.next() as u8;
                    }
                }
            }
            1 => out.truncate(rng.below(len)),
            2 => {
                let (a, n) = (rng.below(len), rng.below(4096));
                let end = (a + n).min(out.len());
                let chunk = out[a.min(end)..end].to_vec();
                let at = rng.below(len).min(out.len());
                out.splice(at..at, chunk);
            }
            3 => {
                let (a, n) = (rng.below(len), rng.below(512));
                let end = (a + n).min(out.len());
                out.drain(a.min(end)..end);
            }
            _ => {
                let tok = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len).min(out.len());
                out.splice(at..at, tok.iter().copied());
            }
        }
    }
    out
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = vec![(
        "built-page".to_string(),
        support::one_page("BT /F1 12 Tf 72 700 Td (Hi) Tj [(a) -500 (b)] TJ ET"),
    )];
    let corpus = std::env::var_os("PDF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pdf/dev")
        });
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    for path in files {
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() < 600_000);
        if path.extension().is_some_and(|e| e == "pdf") && small {
            if let Ok(bytes) = std::fs::read(&path) {
                seeds.push((
                    path.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into(),
                    bytes,
                ));
            }
        }
    }
    if seeds.len() == 1 {
        eprintln!(
            "fuzz: corpus not found at {} (set PDF_CORPUS); built seeds only",
            corpus.display()
        );
    }
    seeds
}

/// Runs one input on a worker thread: Err on panic or when it outlives CASE_LIMIT.
fn run_case(bytes: Vec<u8>) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| pdf::exercise(&bytes, 40));
        let _ = tx.send(r.map(|_| ()).map_err(|_| "panic".to_string()));
    });
    rx.recv_timeout(CASE_LIMIT)
        .unwrap_or_else(|_| Err("hang".into()))
}

fn save(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("pdf-fuzz-{name}"));
    let _ = std::fs::write(&path, bytes);
    path
}

/// Peak resident memory of this test process so far (Linux), in MB.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kb| kb / 1024)
}

#[test]
fn regressions_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        if let Err(why) = run_case(bytes) {
            panic!("{}: {why}", entry.path().display());
        }
    }
    // oom-huge-object-numbers.pdf once took 725 MB (object numbers near the 8 M limit sized
    // the xref tables); the whole process, mutation test included, stays far below that now
    if let Some(mb) = peak_rss_mb() {
        assert!(mb < 400, "peak RSS {mb} MB");
    }
}

#[test]
fn mutated_inputs_never_panic_or_hang() {
    let budget = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15u64);
    let seeds = seeds();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let start = Instant::now();
    let mut cases = 0usize;
    while start.elapsed() < Duration::from_secs(budget) {
        let (name, seed) = &seeds[cases % seeds.len()];
        let input = mutate(&mut rng, seed);
        if let Err(why) = run_case(input.clone()) {
            let path = save(&format!("{cases}-{name}"), &input);
            panic!(
                "{why} on a mutation of {name}, saved to {} (add it to tests/regressions/)",
                path.display()
            );
        }
        cases += 1;
    }
    eprintln!("fuzz: {cases} mutated inputs in {budget} s, no panic, no hang");
}

//! Every GEMM path against a float64 product of the unpacked weights.

use super::*;

fn random(len: usize, seed: u64) -> Vec<f32> {
    let mut s = seed;
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

fn reference(x: &[f32], w: &[f32], b: &[f32], m: usize, n: usize, k: usize) -> Vec<f64> {
    let mut out = vec![0f64; m * n];
    for r in 0..m {
        for c in 0..n {
            let dot: f64 = (0..k)
                .map(|i| x[r * k + i] as f64 * w[c * k + i] as f64)
                .sum();
            out[r * n + c] = dot + b[c] as f64;
        }
    }
    out
}

fn run(isa: Isa, int8: bool, m: usize) -> (Vec<f32>, Vec<f64>) {
    let (n, k) = (2 * NR, 2 * GROUP);
    let (x, w, b) = (random(m * k, 1), random(n * k, 2), random(n, 3));
    let format = if int8 {
        Format::Int8(None)
    } else {
        Format::F32
    };
    let layer = Linear::new(&w, &b, n, k, format);
    let mut out = vec![0f32; m * n];
    layer.forward(
        isa,
        &x,
        m,
        &mut out,
        n,
        &mut QuantizedRows::default(),
        Activation::None,
        None,
    );
    (out, reference(&x, &w, &b, m, n, k))
}

fn available() -> Vec<Isa> {
    let best = Isa::detect();
    [Isa::Avx512Vnni, Isa::Avx512, Isa::Avx2, Isa::Scalar]
        .into_iter()
        .filter(|isa| match best {
            Isa::Avx512Vnni => true,
            Isa::Avx512 => *isa != Isa::Avx512Vnni,
            Isa::Avx2 => matches!(isa, Isa::Avx2 | Isa::Scalar),
            Isa::Scalar => *isa == Isa::Scalar,
        })
        .collect()
}

#[test]
fn f32_paths_match_the_reference() {
    for isa in available() {
        for m in [1, 2, 5, 6, 7, 11, 13, 25] {
            let (got, want) = run(isa, false, m);
            for (g, w) in got.iter().zip(&want) {
                assert!((*g as f64 - w).abs() < 1e-4, "{isa:?} m={m}: {g} vs {w}");
            }
        }
    }
}

#[test]
fn int8_paths_agree_and_stay_close() {
    for m in [1, 6, 11] {
        let (scalar, want) = run(Isa::Scalar, true, m);
        for isa in available() {
            let (got, _) = run(isa, true, m);
            for (g, s) in got.iter().zip(&scalar) {
                assert!(
                    (g - s).abs() <= 1e-5 * s.abs().max(1.0),
                    "{isa:?} m={m}: {g} vs {s}"
                );
            }
        }
        let err: f64 = scalar
            .iter()
            .zip(&want)
            .map(|(g, w)| (*g as f64 - w).abs())
            .sum();
        let size: f64 = want.iter().map(|w| w.abs()).sum();
        assert!(err / size < 0.01, "int8 relative error {}", err / size);
    }
}

#[test]
fn gelu_and_quantizing_for_the_next_layer_inside_the_tasks_change_nothing() {
    let (m, k, n) = (7, GROUP, 6 * GROUP);
    let (x, w1, b1) = (random(m * k, 4), random(n * k, 5), random(n, 6));
    let (w2, b2) = (random(NR * n, 7), random(NR, 8));
    let isa = Isa::detect();
    let smooth: Vec<f32> = (0..k).map(|i| 0.5 + (i % 7) as f32 * 0.25).collect();
    let first = Linear::new(&w1, &b1, n, k, Format::Int8(Some(&smooth)));
    let next = Linear::new(&w2, &b2, NR, n, Format::Int8(None));
    let mut q = [(); 3].map(|_| QuantizedRows::default());
    let (mut hidden, mut fused) = (vec![0f32; m * n], vec![0f32; m * NR]);
    let [q0, q1, q2] = &mut q;
    first.forward(
        isa,
        &x,
        m,
        &mut hidden,
        n,
        q0,
        Activation::Gelu,
        Some((&next, &mut *q1)),
    );
    assert!(q1.ready);
    next.forward(isa, &hidden, m, &mut fused, NR, q1, Activation::None, None);
    assert!(!q1.ready);
    // the same, step by step on one path
    let mut plain = vec![0f32; m * n];
    first.forward(
        Isa::Scalar,
        &x,
        m,
        &mut plain,
        n,
        q2,
        Activation::None,
        None,
    );
    crate::ops::gelu(Isa::Scalar, &mut plain);
    let mut want = vec![0f32; m * NR];
    next.forward(
        Isa::Scalar,
        &plain,
        m,
        &mut want,
        NR,
        q2,
        Activation::None,
        None,
    );
    for (g, w) in hidden.iter().zip(&plain).chain(fused.iter().zip(&want)) {
        assert!((g - w).abs() <= 1e-4 * w.abs().max(1.0), "{g} vs {w}");
    }
}

/// CPU time of this thread in seconds (the machine is shared: wall time is noise).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    stat.split_whitespace()
        .next()
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1e9
}

/// `cargo test --release -p embeddings timing -- --ignored --nocapture`: GFLOP/s per path
/// on one thread, by CPU time.
#[test]
#[ignore]
fn timing() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for (m, n, k) in [(25, 1536, 384), (25, 384, 1536), (512, 1536, 384)] {
        let (x, w, b) = (random(m * k, 1), random(n * k, 2), random(n, 3));
        for int8 in [false, true] {
            let format = if int8 {
                Format::Int8(None)
            } else {
                Format::F32
            };
            let layer = Linear::new(&w, &b, n, k, format);
            let mut out = vec![0f32; m * n];
            let mut q = QuantizedRows::default();
            let isa = Isa::detect();
            let reps = if m > 100 { 10 } else { 200 };
            let s = pool.install(|| {
                let t = cpu_seconds();
                for _ in 0..reps {
                    layer.forward(isa, &x, m, &mut out, n, &mut q, Activation::None, None);
                }
                (cpu_seconds() - t) / reps as f64
            });
            let gf = 2.0 * (m * n * k) as f64 / s / 1e9;
            eprintln!(
                "m={m} n={n} k={k} int8={int8} {isa:?}: {:.3} ms {gf:.1} GFLOP/s",
                s * 1e3
            );
        }
    }
}

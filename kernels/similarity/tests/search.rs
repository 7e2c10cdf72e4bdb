//! Every search path, on every instruction set this CPU has, against a brute-force f64
//! reference; filters and thread splits must not change results.

use similarity::caps::{select, Features, Kernels};
use similarity::cascade::binary_stage;
use similarity::encode::{encode_rows, words_for};
use similarity::filter::Filter;
use similarity::search::{search, Mode, Plan, Store};
use similarity::synthetic::Clustered;

struct Encoded {
    vectors: Vec<f32>,
    int8: Vec<u8>,
    scales: Vec<f32>,
    bits: Vec<u64>,
    dims: usize,
}

impl Encoded {
    fn new(vectors: Vec<f32>, dims: usize) -> Encoded {
        let n = vectors.len() / dims;
        let mut e = Encoded {
            int8: vec![0; n * dims],
            scales: vec![0.0; n],
            bits: vec![0; n * words_for(dims)],
            vectors,
            dims,
        };
        encode_rows(
            &e.vectors,
            dims,
            &[],
            &mut e.int8,
            &mut e.scales,
            &mut e.bits,
        )
        .unwrap();
        e
    }
    fn store(&self) -> Store<'_> {
        Store {
            vectors: &self.vectors,
            int8: &self.int8,
            scales: &self.scales,
            bits: &self.bits,
            center: &[],
            n: self.vectors.len() / self.dims,
            dims: self.dims,
        }
    }
}

/// Best `k` admitted rows by f64 score.
fn reference(e: &Encoded, query: &[f32], k: usize, filter: &Filter) -> Vec<(f64, u32)> {
    let mut all: Vec<(f64, u32)> = e
        .vectors
        .chunks_exact(e.dims)
        .enumerate()
        .filter(|(row, _)| filter.admits(*row))
        .map(|(row, v)| {
            (
                v.iter()
                    .zip(query)
                    .map(|(a, b)| *a as f64 * *b as f64)
                    .sum(),
                row as u32,
            )
        })
        .collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    all.truncate(k);
    all
}

/// Same rows in the same order, except where reference scores are within f32 noise.
fn assert_same(got: &[(f32, u32)], want: &[(f64, u32)], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: count");
    for (i, ((gs, gr), (ws, wr))) in got.iter().zip(want).enumerate() {
        assert!(
            (*gs as f64 - ws).abs() < 1e-4,
            "{what}: score {i}: {gs} vs {ws}"
        );
        if gr != wr {
            let tie = want.iter().any(|(s, r)| r == gr && (s - ws).abs() < 1e-4);
            assert!(tie, "{what}: row {i}: {gr} vs {wr}");
        }
    }
}

fn each_kernels() -> Vec<Kernels> {
    Features::detect()
        .subsets()
        .into_iter()
        .map(select)
        .collect()
}

fn random_store(n: usize, dims: usize, seed: u64) -> Encoded {
    let mut rng = similarity::synthetic::Rng::new(seed);
    Encoded::new((0..n * dims).map(|_| rng.gauss() as f32).collect(), dims)
}

#[test]
fn every_mode_and_path_matches_the_reference_on_odd_sizes() {
    let k = 10;
    for dims in [1usize, 3, 383, 384, 385, 1536] {
        for n in [0usize, 1, k - 1, k, 300] {
            let e = random_store(n, dims, dims as u64 * 1000 + n as u64);
            let query: Vec<f32> = random_store(1, dims, 7).vectors;
            let kk = k.min(n);
            let want = reference(&e, &query, kk, &Filter::NONE);
            for kern in each_kernels() {
                for mode in [Mode::Exact, Mode::Int8, Mode::Cascade, Mode::CascadeAsym] {
                    // candidates = every row: the approximate stages may not lose anything
                    let plan = Plan {
                        k: kk,
                        wide: n,
                        narrow: n,
                        threads: 1,
                    };
                    let got = search(&e.store(), &query, mode, &plan, &Filter::NONE, &kern);
                    assert_same(
                        &got,
                        &want,
                        &format!("{} {mode:?} d={dims} n={n}", kern.info),
                    );
                }
            }
        }
    }
}

#[test]
fn filters_apply_inside_the_scan() {
    let (n, dims, k) = (500usize, 384usize, 10usize);
    let e = random_store(n, dims, 3);
    let query = random_store(1, dims, 9).vectors;
    let owners: Vec<u32> = (0..n as u32).map(|r| r % 7).collect();
    let allow: Vec<u8> = (0..n.div_ceil(8))
        .map(|i| if i % 3 == 0 { 0 } else { 0b1011_0110 })
        .collect();
    let filters = [
        Filter {
            owners: Some(&owners),
            owner: 3,
            allow: None,
        },
        Filter {
            owners: None,
            owner: 0,
            allow: Some(&allow),
        },
        Filter {
            owners: Some(&owners),
            owner: 5,
            allow: Some(&allow),
        },
        Filter {
            owners: Some(&owners),
            owner: 99,
            allow: None,
        },
    ];
    for (i, filter) in filters.iter().enumerate() {
        let want = reference(&e, &query, k, filter);
        for kern in each_kernels() {
            for mode in [Mode::Exact, Mode::Int8, Mode::Cascade, Mode::CascadeAsym] {
                let plan = Plan {
                    k,
                    wide: n,
                    narrow: n,
                    threads: 1,
                };
                let got = search(&e.store(), &query, mode, &plan, filter, &kern);
                assert_same(&got, &want, &format!("filter {i} {} {mode:?}", kern.info));
            }
        }
    }
}

#[test]
fn thread_splits_do_not_change_results() {
    let dims = 384;
    let e = Encoded::new(Clustered::new(dims, 8, 5).rows(3001), dims);
    let queries = Clustered::new(dims, 8, 5).queries(3001, 5);
    let kern = select(Features::detect());
    for query in queries.chunks_exact(dims) {
        for mode in [Mode::Exact, Mode::Int8, Mode::Cascade, Mode::CascadeAsym] {
            let one = Plan {
                k: 10,
                wide: 400,
                narrow: 40,
                threads: 1,
            };
            let want = search(&e.store(), query, mode, &one, &Filter::NONE, &kern);
            for threads in [2, 3, 7] {
                let plan = Plan { threads, ..one };
                let got = search(&e.store(), query, mode, &plan, &Filter::NONE, &kern);
                assert_eq!(got, want, "{mode:?} threads={threads}");
            }
        }
    }
}

#[test]
fn centered_codes_search_like_the_reference() {
    let (n, dims, k) = (400usize, 385usize, 10usize);
    let e = random_store(n, dims, 21);
    let center = random_store(1, dims, 22).vectors;
    let (mut int8, mut scales, mut bits) = (e.int8.clone(), e.scales.clone(), e.bits.clone());
    encode_rows(&e.vectors, dims, &center, &mut int8, &mut scales, &mut bits).unwrap();
    assert_ne!(bits, e.bits, "the center must change the codes");
    let store = Store {
        bits: &bits,
        center: &center,
        ..e.store()
    };
    let query = random_store(1, dims, 23).vectors;
    let want = reference(&e, &query, k, &Filter::NONE);
    for kern in each_kernels() {
        let plan = Plan {
            k,
            wide: n,
            narrow: n,
            threads: 1,
        };
        let got = search(&store, &query, Mode::Cascade, &plan, &Filter::NONE, &kern);
        assert_same(&got, &want, &format!("centered {}", kern.info));
    }
}

/// The binary stage keeps exactly the best `wide` rows by its score (ties: lower row) at a
/// size where it scans with a bar guessed from a sample, on every path, filtered or not.
#[test]
fn the_binary_stage_with_a_sampled_bar_keeps_the_exact_best_wide() {
    let (n, dims) = (40_000usize, 64usize);
    let e = Encoded::new(Clustered::new(dims, 12, 5).rows(n), dims);
    let serial = select(Features::default());
    let queries = Clustered::new(dims, 12, 5).queries(n, 3);
    let allow: Vec<u8> = (0..n.div_ceil(8))
        .map(|i| (i * 37 % 256) as u8 | 1)
        .collect();
    let filters = [
        Filter::NONE,
        Filter {
            owners: None,
            owner: 0,
            allow: Some(&allow),
        },
    ];
    for features in Features::detect().subsets() {
        let kern = select(features);
        for (query, filter) in queries.chunks_exact(dims).zip(filters.iter().cycle()) {
            for asymmetric in [false, true] {
                for (wide, threads) in [(300, 1), (1000, 2), (2500, 3)] {
                    let plan = Plan {
                        k: 10,
                        wide,
                        narrow: 40,
                        threads,
                    };
                    let mut got = binary_stage(&e.store(), query, &plan, filter, &kern, asymmetric);
                    let one = Plan {
                        threads: 1,
                        wide: n,
                        ..plan
                    };
                    // every admitted row, ranked on one thread by the serial kernels
                    let mut all =
                        binary_stage(&e.store(), query, &one, filter, &serial, asymmetric);
                    for rows in [&mut got, &mut all] {
                        rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                    }
                    assert_eq!(got, all[..wide.min(all.len())], "{} wide={wide}", kern.info);
                }
            }
        }
    }
}

//! Default candidate counts keep recall@10 ≥ 0.99 on clustered synthetic embeddings.
//! (Re-check on real embeddings once the embeddings kernel produces them.)

use similarity::caps::kernels;
use similarity::encode::{encode_rows, words_for};
use similarity::filter::Filter;
use similarity::search::{default_narrow, default_wide, search, Mode, Plan, Store};
use similarity::synthetic::Clustered;

#[test]
fn cascade_and_int8_defaults_keep_recall_at_10() {
    let (n, dims, k, queries) = (30_000usize, 384usize, 10usize, 40usize);
    // ~3 750 rows a topic: more crowded than the ~3 000 the defaults were tuned on
    let corpus = Clustered::new(dims, 8, 11);
    let vectors = corpus.rows(n);
    let mut int8 = vec![0u8; n * dims];
    let mut scales = vec![0f32; n];
    let mut bits = vec![0u64; n * words_for(dims)];
    encode_rows(&vectors, dims, &[], &mut int8, &mut scales, &mut bits).unwrap();
    let store = Store {
        vectors: &vectors,
        int8: &int8,
        scales: &scales,
        bits: &bits,
        center: &[],
        n,
        dims,
    };
    let plan = Plan {
        k,
        wide: default_wide(k),
        narrow: default_narrow(k),
        threads: 2,
    };
    let mut hits = [0usize; 3];
    for query in corpus.queries(n, queries).chunks_exact(dims) {
        let exact = search(&store, query, Mode::Exact, &plan, &Filter::NONE, kernels());
        for (i, mode) in [Mode::Int8, Mode::Cascade, Mode::CascadeAsym]
            .into_iter()
            .enumerate()
        {
            let got = search(&store, query, mode, &plan, &Filter::NONE, kernels());
            hits[i] += got
                .iter()
                .filter(|g| exact.iter().any(|e| e.1 == g.1))
                .count();
        }
    }
    for (i, mode) in ["int8", "cascade", "cascade-asym"].iter().enumerate() {
        let recall = hits[i] as f64 / (queries * k) as f64;
        assert!(recall >= 0.99, "{mode} recall@10 {recall}");
    }
}

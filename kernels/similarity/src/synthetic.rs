//! Clustered synthetic embeddings for recall tests, until real ones exist.
//!
//! Random unit vectors are far easier for sign codes than real embeddings, so this mimics
//! what sentence embeddings of a document corpus look like: a shared mean direction (real
//! models are anisotropic: unrelated texts still score ~0.2), topics, documents inside
//! topics, and chunks around their document with anisotropic noise (a decaying per-dimension
//! spectrum, permuted per topic). Chunk pairs score ~0.66 within a document, ~0.42 within a
//! topic, ~0.17 otherwise. `bench/similarity.ts` has the same generator in TypeScript.

/// SplitMix64: tiny, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1].
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box–Muller, one value per call).
    pub fn gauss(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    fn unit(&mut self, dims: usize) -> Vec<f64> {
        let mut v: Vec<f64> = (0..dims).map(|_| self.gauss()).collect();
        normalize(&mut v);
        v
    }
}

fn normalize(v: &mut [f64]) {
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
}

const MEAN: f64 = 0.5;
const TOPIC: f64 = 0.7;
const DOC: f64 = 0.35;
const NOISE: f64 = 0.7;
/// Chunks per document; rows of a document are contiguous, as an index fills them.
pub const CHUNKS_PER_DOC: usize = 50;

pub struct Clustered {
    dims: usize,
    seed: u64,
    mean: Vec<f64>,
    topics: Vec<(Vec<f64>, Vec<f64>)>,
}

impl Clustered {
    /// A corpus model with `topics` topics; documents are generated on demand from the seed.
    pub fn new(dims: usize, topics: usize, seed: u64) -> Clustered {
        let mut rng = Rng::new(seed);
        let mean = rng.unit(dims);
        let topics = (0..topics.max(1))
            .map(|_| {
                let center = rng.unit(dims);
                // per-dimension noise scale: a decaying spectrum in a topic-specific order
                let mut sigma: Vec<f64> = (0..dims)
                    .map(|j| 1.0 / (1.0 + j as f64 / 8.0).sqrt())
                    .collect();
                for i in (1..dims).rev() {
                    sigma.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
                }
                let norm = sigma.iter().map(|s| s * s).sum::<f64>().sqrt();
                sigma.iter_mut().for_each(|s| *s /= norm);
                (center, sigma)
            })
            .collect();
        Clustered {
            dims,
            seed,
            mean,
            topics,
        }
    }

    fn document(&self, doc: usize) -> (Vec<f64>, &[f64]) {
        let (center, sigma) = &self.topics[doc % self.topics.len()];
        let mut rng = Rng::new(self.seed ^ (doc as u64 + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93));
        let own = rng.unit(self.dims);
        let base = (0..self.dims)
            .map(|j| MEAN * self.mean[j] + TOPIC * center[j] + DOC * own[j])
            .collect();
        (base, sigma)
    }

    fn chunk(&self, base: &[f64], sigma: &[f64], noise: f64, rng: &mut Rng, out: &mut [f32]) {
        let mut v: Vec<f64> = base
            .iter()
            .zip(sigma)
            .map(|(b, s)| b + noise * s * rng.gauss())
            .collect();
        normalize(&mut v);
        out.iter_mut().zip(&v).for_each(|(o, x)| *o = *x as f32);
    }

    /// `n` rows, `CHUNKS_PER_DOC` per document, row-major.
    pub fn rows(&self, n: usize) -> Vec<f32> {
        let mut out = vec![0f32; n * self.dims];
        let mut rng = Rng::new(self.seed.wrapping_add(1));
        for (doc, rows) in out.chunks_mut(CHUNKS_PER_DOC * self.dims).enumerate() {
            let (base, sigma) = self.document(doc);
            for row in rows.chunks_exact_mut(self.dims) {
                self.chunk(&base, sigma, NOISE, &mut rng, row);
            }
        }
        out
    }

    /// `count` queries, each about a random document among the first `n` rows' documents
    /// (noisier than a chunk: a question is not a passage).
    pub fn queries(&self, n: usize, count: usize) -> Vec<f32> {
        let docs = n.div_ceil(CHUNKS_PER_DOC).max(1);
        let mut out = vec![0f32; count * self.dims];
        let mut rng = Rng::new(self.seed.wrapping_add(2));
        for q in out.chunks_exact_mut(self.dims) {
            let (base, sigma) = self.document((rng.next_u64() % docs as u64) as usize);
            self.chunk(&base, sigma, 0.9, &mut rng, q);
        }
        out
    }
}

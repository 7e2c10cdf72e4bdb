//! Shared helpers for the unit tests.

/// The odd and common dimension counts every path is tested on.
pub const SIZES: &[usize] = &[1, 3, 15, 16, 17, 63, 64, 65, 383, 384, 385, 1536];

/// A deterministic vector of `d` values in [-1, 1).
pub fn vector(d: usize, seed: u64) -> Vec<f32> {
    let mut rng = crate::synthetic::Rng::new(seed);
    (0..d).map(|_| (rng.uniform() * 2.0 - 1.0) as f32).collect()
}

/// Dot product in f64, the precision the f32 paths are checked against.
pub fn reference_dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum()
}

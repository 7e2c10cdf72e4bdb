//! The quantized forms of a store, written into caller-owned buffers.
//!
//! - int8: per-row symmetric scale `s = max|x| / 127`, code `round(x / s)` in [-127, 127],
//!   stored biased as `code + 128` (a `u8`, see `dot_i8`). The row's approximate dot with a
//!   query is `(Σ row·q − 128·Σ q) · s_row · s_query`.
//! - binary: bit `i % 64` of word `i / 64` is set when `x[i] > center[i]`; padding bits are
//!   zero in rows and queries alike, so they never count in a Hamming distance. The center
//!   (the store's mean, supplied by the caller) matters: embeddings share a common direction,
//!   and without centering the dimensions it dominates give nearly the same bit for every
//!   row, wasting code length (recall numbers in docs/similarity.md).

use ligero_abi::{KernelError, KernelResult};

/// Words of sign code per row.
pub fn words_for(dims: usize) -> usize {
    dims.div_ceil(64)
}

/// Quantizes one vector into codes in [-127, 127] written by `put`; returns the scale.
/// A zero vector gets scale 0 (every code 0), so it scores 0 like its f32 original.
fn quantize_with(x: &[f32], mut put: impl FnMut(usize, i32)) -> f32 {
    let max = x.iter().fold(0f32, |m, v| m.max(v.abs()));
    if max == 0.0 {
        (0..x.len()).for_each(|i| put(i, 0));
        return 0.0;
    }
    let inv = 127.0 / max;
    for (i, v) in x.iter().enumerate() {
        // round half away from zero by adding ±0.5 and truncating: `f32::round` is a libm
        // call on baseline x86-64 and made encoding ~10× slower. |v · inv| ≤ 127 (+ rounding).
        let scaled = v * inv;
        put(
            i,
            ((scaled + 0.5f32.copysign(scaled)) as i32).clamp(-127, 127),
        );
    }
    max / 127.0
}

/// A stored row: biased codes into `out`, scale returned.
pub fn quantize_row(x: &[f32], out: &mut [u8]) -> f32 {
    quantize_with(x, |i, c| out[i] = (c + 128) as u8)
}

/// A query: signed codes into `out`, scale returned.
pub fn quantize_query(x: &[f32], out: &mut [i8]) -> f32 {
    quantize_with(x, |i, c| out[i] = c as i8)
}

/// Sign bits of `x − center` into `out` (`words_for(x.len())` words); an empty center is 0.
/// Branch-free: signs are random, and a branch per value mispredicted half the time.
pub fn sign_bits(x: &[f32], center: &[f32], out: &mut [u64]) {
    let bits = |values: &[f32], centers: &[f32]| {
        let pairs = values
            .iter()
            .zip(centers.iter().chain(std::iter::repeat(&0.0)));
        pairs
            .enumerate()
            .fold(0u64, |acc, (bit, (v, c))| acc | (((v > c) as u64) << bit))
    };
    for (w, word) in out.iter_mut().enumerate() {
        let range = w * 64..((w + 1) * 64).min(x.len());
        *word = match center.get(range.clone()) {
            Some(c) => bits(&x[range], c),
            None => bits(&x[range], &[]),
        };
    }
}

/// Encodes every row of `store` (`n × dims`) into the int8 and binary buffers. Rejects
/// non-finite values: they would poison scales and scores without any visible error.
pub fn encode_rows(
    store: &[f32],
    dims: usize,
    center: &[f32],
    int8: &mut [u8],
    scales: &mut [f32],
    bits: &mut [u64],
) -> KernelResult<()> {
    let words = words_for(dims);
    let rows = store.chunks_exact(dims).zip(int8.chunks_exact_mut(dims));
    for (row, ((x, codes), scale)) in rows.zip(scales.iter_mut()).enumerate() {
        if let Some(bad) = x.iter().position(|v| !v.is_finite()) {
            return Err(KernelError::invalid(format!(
                "row {row}, dimension {bad} is not finite"
            )));
        }
        *scale = quantize_row(x, codes);
        sign_bits(x, center, &mut bits[row * words..(row + 1) * words]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantized_dot_approximates_the_f32_dot() {
        let a = [0.5f32, -0.25, 0.125, 0.0, -1.0];
        let b = [1.0f32, 0.5, -0.5, 0.25, 0.75];
        let mut ra = [0u8; 5];
        let mut qb = [0i8; 5];
        let sa = quantize_row(&a, &mut ra);
        let sb = quantize_query(&b, &mut qb);
        let raw: i32 = ra.iter().zip(&qb).map(|(&r, &q)| r as i32 * q as i32).sum();
        let bias: i32 = qb.iter().map(|&q| 128 * q as i32).sum();
        let approx = (raw - bias) as f32 * sa * sb;
        let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((approx - exact).abs() < 0.01, "{approx} vs {exact}");
    }

    #[test]
    fn halves_round_away_from_zero() {
        let mut codes = [0u8; 6];
        let scale = quantize_row(&[127.0, 2.5, -2.5, 0.5, -0.5, 0.49], &mut codes);
        assert_eq!(scale, 1.0);
        assert_eq!(codes, [255, 131, 125, 129, 127, 128]);
    }

    #[test]
    fn zero_rows_and_padding_bits_stay_zero() {
        let mut codes = [0u8; 3];
        assert_eq!(quantize_row(&[0.0; 3], &mut codes), 0.0);
        assert_eq!(codes, [128; 3]);
        let mut bits = [u64::MAX; 2];
        sign_bits(&[1.0, -1.0, 2.0], &[], &mut bits[..1]);
        assert_eq!(bits[0], 0b101);
        sign_bits(&[1.0, -1.0, 2.0], &[1.5, -2.0, 0.0], &mut bits[..1]);
        assert_eq!(bits[0], 0b110);
    }

    #[test]
    fn non_finite_rows_are_rejected() {
        let store = [1.0, f32::NAN];
        let err = encode_rows(&store, 2, &[], &mut [0; 2], &mut [0.0], &mut [0]).unwrap_err();
        assert_eq!(err.message, "row 0, dimension 1 is not finite");
    }
}

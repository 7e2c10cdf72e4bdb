//! Sentence vectors from token states: mean over the sequence's tokens (every token of a
//! packed sequence is real, so no mask is needed) or the `[CLS]` state, then L2 normalized,
//! as sentence-transformers' Pooling + Normalize modules do.

use crate::attention::Span;
use crate::config::Pooling;

pub fn pool(hidden: &[f32], span: Span, dims: usize, mode: Pooling, out: &mut [f32]) {
    let rows = &hidden[span.start * dims..(span.start + span.len) * dims];
    match mode {
        Pooling::Cls => out.copy_from_slice(&rows[..dims]),
        Pooling::Mean => {
            out.fill(0.0);
            for row in rows.chunks_exact(dims) {
                for (o, v) in out.iter_mut().zip(row) {
                    *o += v;
                }
            }
        }
    }
    let norm = out
        .iter()
        .map(|v| (*v as f64) * (*v as f64))
        .sum::<f64>()
        .sqrt();
    // the mean's 1/len cancels in the normalization
    let inv = if norm > 0.0 { (1.0 / norm) as f32 } else { 0.0 };
    out.iter_mut().for_each(|v| *v *= inv);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_pooling_is_normalized() {
        let hidden = [9.0, 9.0, 0.0, 1.0, 4.0, 2.0, 9.0, 9.0];
        let mut out = [0f32; 2];
        pool(
            &hidden,
            Span { start: 1, len: 2 },
            2,
            Pooling::Mean,
            &mut out,
        );
        assert!(
            (out[0] - 0.8).abs() < 1e-6 && (out[1] - 0.6).abs() < 1e-6,
            "{out:?}"
        );
    }
}

//! Multi-head self-attention over packed sequences, fused per (sequence, head): [`ROWS`]
//! query rows at a time are scored, softmaxed and applied to V at once, so no `len × len`
//! matrix is ever stored. Keys are transposed per head first so each score row is a run of
//! broadcast multiply-adds across the sequence (vectorizes without horizontal sums); taking
//! several query rows per pass gives every step independent multiply-add chains (one chain
//! waits on its own latency: that had made attention 11% of a short query).

use crate::gemm::Isa;
use crate::ops::{multiversion, softmax};
use rayon::prelude::*;

/// Where one sequence sits in the packed token rows.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    pub start: usize,
    pub len: usize,
}

/// `ctx[t, h·d..(h+1)·d] = softmax(q·kᵀ/√d)·v` for every head `h` of every span;
/// `qkv` rows hold `[q | k | v]`, each `hidden` wide.
pub fn attention(
    isa: Isa,
    qkv: &[f32],
    ctx: &mut [f32],
    spans: &[Span],
    heads: usize,
    hidden: usize,
) {
    let out = Shared(ctx.as_mut_ptr());
    let tasks: Vec<(Span, usize)> = spans
        .iter()
        .flat_map(|&s| (0..heads).map(move |h| (s, h)))
        .collect();
    tasks.into_par_iter().for_each(|(span, head)| {
        let d = hidden / heads;
        let padded = span.len.next_multiple_of(LANES);
        // transposed keys, then ROWS rows of scores
        let mut buf = vec![0f32; (d + ROWS) * padded];
        let rows = &qkv[span.start * 3 * hidden..(span.start + span.len) * 3 * hidden];
        let at = Head {
            index: head,
            dim: d,
            hidden,
            len: span.len,
        };
        head_attention(isa, rows, &mut buf, at, out, span.start);
    });
}

/// Query rows per pass.
const ROWS: usize = 4;
/// Keys per score block: two AVX-512 registers per query row, so 8 chains in flight; the
/// keys past the last full block go [`LANES`] at a time (the key buffer is padded to that).
const BLOCK: usize = 32;
const LANES: usize = 16;

#[derive(Clone, Copy)]
struct Head {
    index: usize,
    dim: usize,
    hidden: usize,
    len: usize,
}

multiversion! {
    fn head_attention(rows: &[f32], buf: &mut [f32], head: Head, out: Shared, first_row: usize) {
        let Head { index, dim: d, hidden, len } = head;
        let padded = len.next_multiple_of(LANES);
        let (kt, scores) = buf.split_at_mut(d * padded);
        let stride = 3 * hidden;
        let (q_at, k_at, v_at) = (index * d, hidden + index * d, 2 * hidden + index * d);
        for j in 0..len {
            for e in 0..d {
                kt[e * padded + j] = rows[j * stride + k_at + e];
            }
        }
        let scale = 1.0 / (d as f32).sqrt();
        let full = padded / BLOCK * BLOCK;
        for first in (0..len).step_by(ROWS) {
            let count = ROWS.min(len - first);
            // rows past the sequence repeat its last row; their results are not used
            let q = std::array::from_fn(|r| &rows[(first + r).min(len - 1) * stride + q_at..][..d]);
            for b in (0..full).step_by(BLOCK) {
                score_block::<BLOCK>(q, scale, &kt[b..], padded, scores, b);
            }
            for b in (full..padded).step_by(LANES) {
                score_block::<LANES>(q, scale, &kt[b..], padded, scores, b);
            }
            for row in scores.chunks_exact_mut(padded).take(count) {
                softmax(&mut row[..len]);
            }
            // SAFETY: each (sequence, head) task owns columns index·d..(index+1)·d of its rows.
            let dst = |r: usize| unsafe {
                std::slice::from_raw_parts_mut(
                    out.0.add((first_row + first + r) * hidden + index * d),
                    d,
                )
            };
            let p: [&[f32]; ROWS] = std::array::from_fn(|r| &scores[r * padded..][..len]);
            let values = (&rows[v_at..], stride);
            match d {
                32 => weighted_sums::<32>(p, values, count, dst),
                64 => weighted_sums::<64>(p, values, count, dst),
                _ => (0..count).for_each(|r| weighted_sum_any(p[r], values, dst(r))),
            }
        }
    }
}

/// `scores[r·padded + at + j] = scale · q[r] · k[j]` for `W` keys, `kt` starting at the
/// block's first key.
#[inline(always)]
fn score_block<const W: usize>(
    q: [&[f32]; ROWS],
    scale: f32,
    kt: &[f32],
    padded: usize,
    scores: &mut [f32],
    at: usize,
) {
    let mut acc = [[0f32; W]; ROWS];
    for e in 0..q[0].len() {
        let k = &kt[e * padded..][..W];
        for (acc, q) in acc.iter_mut().zip(&q) {
            let qe = q[e] * scale;
            for (a, &k) in acc.iter_mut().zip(k) {
                *a = qe.mul_add(k, *a);
            }
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        scores[r * padded + at..][..W].copy_from_slice(acc);
    }
}

/// `dst(r) = Σⱼ p[r][j]·v[j]` for the first `count` rows, accumulators in registers (`D`
/// floats a row).
#[inline(always)]
fn weighted_sums<'a, const D: usize>(
    p: [&[f32]; ROWS],
    (v, stride): (&[f32], usize),
    count: usize,
    dst: impl Fn(usize) -> &'a mut [f32],
) {
    let mut acc = [[0f32; D]; ROWS];
    for j in 0..p[0].len() {
        let v = &v[j * stride..][..D];
        for (acc, p) in acc.iter_mut().zip(&p) {
            let pj = p[j];
            for (a, &x) in acc.iter_mut().zip(v) {
                *a = pj.mul_add(x, *a);
            }
        }
    }
    for (r, acc) in acc.iter().enumerate().take(count) {
        dst(r).copy_from_slice(acc);
    }
}

#[inline(always)]
fn weighted_sum_any(p: &[f32], (v, stride): (&[f32], usize), out: &mut [f32]) {
    out.fill(0.0);
    let d = out.len();
    for (j, &pj) in p.iter().enumerate() {
        for (a, x) in out.iter_mut().zip(&v[j * stride..][..d]) {
            *a += pj * x;
        }
    }
}

/// The context buffer, written by tasks at disjoint (row, head) blocks.
#[derive(Clone, Copy)]
struct Shared(*mut f32);
// SAFETY: see the write in `head_attention`.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain float64 attention of one sequence.
    fn reference(qkv: &[f32], len: usize, heads: usize, hidden: usize) -> Vec<f64> {
        let d = hidden / heads;
        let at = |t: usize, part: usize, h: usize, e: usize| {
            qkv[t * 3 * hidden + part * hidden + h * d + e] as f64
        };
        let mut out = vec![0f64; len * hidden];
        for h in 0..heads {
            for i in 0..len {
                let s: Vec<f64> = (0..len)
                    .map(|j| (0..d).map(|e| at(i, 0, h, e) * at(j, 1, h, e)).sum::<f64>())
                    .map(|s| s / (d as f64).sqrt())
                    .collect();
                let max = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = s.iter().map(|v| (v - max).exp()).sum();
                for e in 0..d {
                    out[i * hidden + h * d + e] = (0..len)
                        .map(|j| (s[j] - max).exp() / sum * at(j, 2, h, e))
                        .sum();
                }
            }
        }
        out
    }

    #[test]
    fn every_isa_matches_a_float64_reference() {
        // head widths 32 and 64 have register paths, 24 the generic one; lengths cover a
        // partial row group, a partial key block and full blocks
        for (heads, hidden) in [(4, 128), (2, 128), (2, 48)] {
            for len in [1, 3, 5, 17, 33, 70] {
                let qkv: Vec<f32> = (0..len * 3 * hidden)
                    .map(|i| ((i * 7919 % 1000) as f32 / 500.0 - 1.0) * 1.5)
                    .collect();
                let want = reference(&qkv, len, heads, hidden);
                for isa in [Isa::Scalar, Isa::detect()] {
                    let mut ctx = vec![f32::NAN; len * hidden];
                    let span = Span { start: 0, len };
                    attention(isa, &qkv, &mut ctx, &[span], heads, hidden);
                    for (g, w) in ctx.iter().zip(&want) {
                        assert!(
                            (*g as f64 - w).abs() < 1e-5,
                            "{isa:?} len={len}: {g} vs {w}"
                        );
                    }
                }
            }
        }
    }
}

//! Multi-head self-attention over packed sequences, fused per (sequence, head): one row of
//! scores at a time, softmaxed and applied to V at once, so no `len × len` matrix is ever
//! stored. Keys are transposed per head first so each score row is a run of broadcast
//! multiply-adds across the sequence (vectorizes without horizontal sums).

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
        let mut kt = vec![0f32; d * padded];
        let mut scores = vec![0f32; padded];
        let rows = &qkv[span.start * 3 * hidden..(span.start + span.len) * 3 * hidden];
        let at = Head {
            index: head,
            dim: d,
            hidden,
            len: span.len,
        };
        head_attention(isa, rows, &mut kt, &mut scores, at, out, span.start);
    });
}

/// Scores computed per block of this many keys: four AVX-512 registers, four independent
/// multiply-add chains (one chain would wait on its own latency every step); the keys past
/// the last full block go [`LANES`] at a time (the key buffer is padded to that).
const BLOCK: usize = 64;
const LANES: usize = 16;

#[derive(Clone, Copy)]
struct Head {
    index: usize,
    dim: usize,
    hidden: usize,
    len: usize,
}

multiversion! {
    fn head_attention(
        rows: &[f32],
        kt: &mut [f32],
        scores: &mut [f32],
        head: Head,
        out: Shared,
        first_row: usize,
    ) {
        let Head { index, dim: d, hidden, len } = head;
        let padded = scores.len();
        let stride = 3 * hidden;
        let (q_at, k_at, v_at) = (index * d, hidden + index * d, 2 * hidden + index * d);
        for j in 0..len {
            for e in 0..d {
                kt[e * padded + j] = rows[j * stride + k_at + e];
            }
        }
        let scale = 1.0 / (d as f32).sqrt();
        for i in 0..len {
            let q = &rows[i * stride + q_at..][..d];
            let full = padded / BLOCK * BLOCK;
            let (head_part, tail) = scores.split_at_mut(full);
            for (b, block) in head_part.chunks_exact_mut(BLOCK).enumerate() {
                score_block::<BLOCK>(q, scale, &kt[b * BLOCK..], padded, block);
            }
            for (b, block) in tail.chunks_exact_mut(LANES).enumerate() {
                score_block::<LANES>(q, scale, &kt[full + b * LANES..], padded, block);
            }
            softmax(&mut scores[..len]);
            // SAFETY: each (sequence, head) task owns columns index·d..(index+1)·d of its rows.
            let dst = unsafe {
                std::slice::from_raw_parts_mut(out.0.add((first_row + i) * hidden + index * d), d)
            };
            let values = (&rows[v_at..], stride);
            match d {
                32 => weighted_sum::<32>(&scores[..len], values, dst),
                64 => weighted_sum::<64>(&scores[..len], values, dst),
                _ => weighted_sum_any(&scores[..len], values, dst),
            }
        }
    }
}

/// `out[j] = scale · q · k[j]` for `W` keys, `kt` starting at the block's first key.
#[inline(always)]
fn score_block<const W: usize>(q: &[f32], scale: f32, kt: &[f32], padded: usize, out: &mut [f32]) {
    let mut acc = [0f32; W];
    for (e, &qe) in q.iter().enumerate() {
        let qe = qe * scale;
        for (a, &k) in acc.iter_mut().zip(&kt[e * padded..][..W]) {
            *a = qe.mul_add(k, *a);
        }
    }
    out.copy_from_slice(&acc);
}

/// `out = Σⱼ p[j]·v[j]` with the accumulators in registers (`D` floats), even and odd `j`
/// in separate chains.
#[inline(always)]
fn weighted_sum<const D: usize>(p: &[f32], (v, stride): (&[f32], usize), out: &mut [f32]) {
    let mut even = [0f32; D];
    let mut odd = [0f32; D];
    let pairs = p.chunks_exact(2);
    let last = pairs.remainder().first().map(|&pj| (p.len() - 1, pj));
    for (n, pair) in pairs.enumerate() {
        let (a, b) = (&v[2 * n * stride..][..D], &v[(2 * n + 1) * stride..][..D]);
        for i in 0..D {
            even[i] = pair[0].mul_add(a[i], even[i]);
            odd[i] = pair[1].mul_add(b[i], odd[i]);
        }
    }
    if let Some((j, pj)) = last {
        for (e, x) in even.iter_mut().zip(&v[j * stride..][..D]) {
            *e = pj.mul_add(*x, *e);
        }
    }
    for (o, (e, d)) in out.iter_mut().zip(even.iter().zip(&odd)) {
        *o = e + d;
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

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
        let mut kt = vec![0f32; d * span.len];
        let mut scores = vec![0f32; span.len];
        let mut row = vec![0f32; d];
        let rows = &qkv[span.start * 3 * hidden..(span.start + span.len) * 3 * hidden];
        head_attention(
            isa,
            rows,
            &mut kt,
            &mut scores,
            &mut row,
            head,
            hidden,
            out,
            span.start,
        );
    });
}

multiversion! {
    fn head_attention(
        rows: &[f32],
        kt: &mut [f32],
        scores: &mut [f32],
        acc: &mut [f32],
        head: usize,
        hidden: usize,
        out: Shared,
        first_row: usize,
    ) {
        let (len, d) = (scores.len(), acc.len());
        let (q_at, k_at, v_at) = (head * d, hidden + head * d, 2 * hidden + head * d);
        for j in 0..len {
            for e in 0..d {
                kt[e * len + j] = rows[j * 3 * hidden + k_at + e];
            }
        }
        let scale = 1.0 / (d as f32).sqrt();
        for i in 0..len {
            scores.fill(0.0);
            for e in 0..d {
                let q = rows[i * 3 * hidden + q_at + e] * scale;
                for (s, k) in scores.iter_mut().zip(&kt[e * len..(e + 1) * len]) {
                    *s += q * k;
                }
            }
            softmax(scores);
            acc.fill(0.0);
            for (j, &p) in scores.iter().enumerate() {
                for (a, v) in acc.iter_mut().zip(&rows[j * 3 * hidden + v_at..][..d]) {
                    *a += p * v;
                }
            }
            // SAFETY: each (sequence, head) task owns columns head·d..(head+1)·d of its rows.
            unsafe {
                let dst = out.0.add((first_row + i) * hidden + head * d);
                std::ptr::copy_nonoverlapping(acc.as_ptr(), dst, d);
            }
        }
    }
}

/// The context buffer, written by tasks at disjoint (row, head) blocks.
#[derive(Clone, Copy)]
struct Shared(*mut f32);
// SAFETY: see the write in `head_attention`.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

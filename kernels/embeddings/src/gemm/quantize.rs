//! Symmetric int8 quantization: weights per output column at load, activations per row and
//! per group of [`GROUP`] inputs at run time (one outlier channel then coarsens only its own
//! group, not the whole row). Activations are stored shifted by +128 as u8, because
//! `vpdpbusd` multiplies unsigned by signed bytes; per-group column sums × 128 undo the shift.
//!
//! Optional smoothing (SmoothQuant, with factors known statically): input channel `k` is
//! divided by `s[k]` and the weights' column `k` multiplied by it, moving range from
//! activations with outliers into weights, which quantize per column anyway.

use super::{Isa, Packed, NR};
use crate::ops::{max_by, multiversion};

/// Inputs per activation scale; `k` must be a multiple of it for the int8 format.
pub const GROUP: usize = 64;

/// Quantized activations: `(round(x / scale) + 128)` as u8, one scale per row and group.
#[derive(Default)]
pub struct QuantizedRows {
    pub data: Vec<u8>,
    /// `[row][group]`.
    pub scales: Vec<f32>,
    /// Set when the layer producing the input already quantized it here (see
    /// `Linear::forward`'s `feed`); the layer reading it clears it.
    pub ready: bool,
}

impl QuantizedRows {
    pub fn resize(&mut self, m: usize, k: usize) {
        self.data.resize(m * k, 0);
        self.scales.resize(m * (k / GROUP), 0.0);
    }
}

fn scale_for(amax: f32) -> f32 {
    if amax > 0.0 {
        amax / 127.0
    } else {
        1.0
    }
}

#[inline(always)]
#[allow(clippy::manual_clamp)] // clamp() keeps a NaN, which the unchecked cast must not see
fn quantize(v: f32, inv: f32) -> i32 {
    // Half away from zero, written so it vectorizes: round() is a libm call here, and `as`
    // casts check for NaN and saturate element by element. max/min drop a NaN (IEEE maxNum),
    // so the value is finite and within ±127.5.
    let v = (v * inv).max(-127.0).min(127.0);
    // SAFETY: finite and in i32 range, as argued above.
    unsafe { (v + 0.5f32.copysign(v)).to_int_unchecked::<i32>() }
}

/// Quantizes `m` rows of `k` inputs, each input first multiplied by `smooth_inv[k]`.
pub fn quantize_rows(
    isa: Isa,
    x: &[f32],
    m: usize,
    k: usize,
    smooth_inv: &[f32],
    out: &mut QuantizedRows,
) {
    let groups = k / GROUP;
    out.resize(m, k);
    let rows = x.chunks_exact(k).zip(out.data.chunks_exact_mut(k));
    let scales = out.scales.chunks_exact_mut(groups);
    for ((row, q), scales) in rows.zip(scales).take(m) {
        quantize_row(isa, row, smooth_inv, q, scales);
    }
}

/// Quantizes columns `cols` (whole groups) of `m` rows of `x` (`ldx` floats apart) into `out`
/// (sized for rows of `k` inputs), for tasks that each own a group-aligned column range.
///
/// # Safety
/// `x` must hold `m` rows of `ldx ≥ cols.end` floats; `out` must be sized for `m × k`
/// (`k ≥ cols.end`); no other thread writes these groups of `out`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn quantize_columns(
    isa: Isa,
    x: *const f32,
    ldx: usize,
    m: usize,
    k: usize,
    cols: std::ops::Range<usize>,
    smooth_inv: &[f32],
    out: &QuantizedRows,
) {
    let (data, scales) = (
        out.data.as_ptr() as *mut u8,
        out.scales.as_ptr() as *mut f32,
    );
    let (width, groups) = (cols.end - cols.start, k / GROUP);
    for r in 0..m {
        let row = std::slice::from_raw_parts(x.add(r * ldx + cols.start), width);
        let q = std::slice::from_raw_parts_mut(data.add(r * k + cols.start), width);
        let at = r * groups + cols.start / GROUP;
        let s = std::slice::from_raw_parts_mut(scales.add(at), width / GROUP);
        quantize_row(isa, row, &smooth_inv[cols.clone()], q, s);
    }
}

multiversion! {
    fn quantize_row(row: &[f32], smooth_inv: &[f32], q: &mut [u8], scales: &mut [f32]) {
        let mut smoothed = [0f32; GROUP];
        for (g, scale_out) in scales.iter_mut().enumerate() {
            let range = g * GROUP..(g + 1) * GROUP;
            let inputs = row[range.clone()].iter().zip(&smooth_inv[range.clone()]);
            for (d, (&v, &s)) in smoothed.iter_mut().zip(inputs) {
                *d = v * s;
            }
            let scale = scale_for(max_by(&smoothed, f32::abs));
            let inv = 1.0 / scale;
            for (d, &v) in q[range].iter_mut().zip(&smoothed) {
                *d = (quantize(v, inv) + 128) as u8; // 1..=255
            }
            *scale_out = scale;
        }
    }
}

/// Packs `[n, k]` f32 weights (times `smooth[k]`) into VNNI panels (see `gemm/mod.rs`).
pub fn pack_i8(weight: &[f32], n: usize, k: usize, smooth: &[f32]) -> Packed {
    let groups = k / GROUP;
    let mut panels = vec![0i8; n * k];
    let mut scales = vec![0f32; n];
    let mut shift = vec![0i32; n * groups];
    for col in 0..n {
        let row = &weight[col * k..(col + 1) * k];
        let amax = row
            .iter()
            .zip(smooth)
            .fold(0f32, |m, (v, s)| m.max((v * s).abs()));
        let scale = scale_for(amax);
        let inv = 1.0 / scale;
        let (p, j) = (col / NR, col % NR);
        for (kk, (&v, &s)) in row.iter().zip(smooth).enumerate() {
            let q = quantize(v * s, inv);
            shift[(p * groups + kk / GROUP) * NR + j] += 128 * q;
            panels[p * k * NR + (kk / 4) * NR * 4 + j * 4 + kk % 4] = q as i8;
        }
        scales[col] = scale;
    }
    let smooth_inv = smooth.iter().map(|s| 1.0 / s).collect();
    Packed::I8 {
        panels,
        scales,
        shift,
        smooth_inv,
    }
}

//! Portable reference kernels over the packed layouts; the SIMD files must agree with these.

use super::{QuantizedRows, GROUP, NR};

/// `out[r, c] = Σₖ x[r, k]·w[c, k] + bias[c]` for the panels in `panels`.
///
/// # Safety
/// `out` must point to `m` rows of `ldc` floats covering the panels' columns.
pub unsafe fn gemm_f32(
    x: &[f32],
    m: usize,
    k: usize,
    panels: &[f32],
    bias: &[f32],
    out: *mut f32,
    ldc: usize,
) {
    for (p, panel) in panels.chunks_exact(k * NR).enumerate() {
        for r in 0..m {
            let row = &x[r * k..(r + 1) * k];
            let mut acc = [0f32; NR];
            for (kk, &a) in row.iter().enumerate() {
                for j in 0..NR {
                    acc[j] += a * panel[kk * NR + j];
                }
            }
            for j in 0..NR {
                *out.add(r * ldc + p * NR + j) = acc[j] + bias[p * NR + j];
            }
        }
    }
}

/// The int8 twin: per group of inputs, i32 sums of u8×i8 products with the shift removed,
/// scaled by the group's activation scale; then the column scale and bias.
///
/// # Safety
/// As [`gemm_f32`].
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm_i8(
    q: &QuantizedRows,
    m: usize,
    k: usize,
    panels: &[i8],
    scales: &[f32],
    shift: &[i32],
    bias: &[f32],
    out: *mut f32,
    ldc: usize,
) {
    let groups = k / GROUP;
    for (p, panel) in panels.chunks_exact(k * NR).enumerate() {
        for r in 0..m {
            let mut total = [0f32; NR];
            for g in 0..groups {
                let mut acc = [0i32; NR];
                for kk in g * GROUP..(g + 1) * GROUP {
                    let a = q.data[r * k + kk] as i32;
                    for (j, sum) in acc.iter_mut().enumerate() {
                        *sum += a * panel[(kk / 4) * NR * 4 + j * 4 + kk % 4] as i32;
                    }
                }
                let sa = q.scales[r * groups + g];
                for (j, t) in total.iter_mut().enumerate() {
                    *t += (acc[j] - shift[(p * groups + g) * NR + j]) as f32 * sa;
                }
            }
            for (j, t) in total.iter().enumerate() {
                let c = p * NR + j;
                *out.add(r * ldc + c) = t * scales[c] + bias[c];
            }
        }
    }
}

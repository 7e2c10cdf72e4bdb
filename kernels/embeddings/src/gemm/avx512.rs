//! AVX-512 micro-kernels: one packed panel (32 columns) streamed per k step, activations
//! broadcast from memory. f32 blocks are 12 rows (24 zmm accumulators): in a short query the
//! 42 MB of f32 weights come from DRAM, not cache, and twice the rows per block halves the
//! weight bytes each multiply-add waits for. int8 blocks are 6 rows (their i32 sums and f32
//! totals take 24 zmm). Rows that do not fill a block run the same kernel with fewer rows (a
//! const generic, so every size is unrolled).
#![cfg(target_arch = "x86_64")]

use super::{QuantizedRows, GROUP, NR};
use std::arch::x86_64::*;

const MR: usize = 6;
const MR_F32: usize = 12;

/// AVX-512 f32 GEMM over whole panels; same contract as `scalar::gemm_f32`.
///
/// # Safety
/// The CPU must have AVX-512F; `out` as in `scalar::gemm_f32`.
#[target_feature(enable = "avx512f")]
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
        let b = bias.as_ptr().add(p * NR);
        let o = out.add(p * NR);
        let mut r = 0;
        while r + MR_F32 <= m {
            block_f32::<MR_F32>(
                x.as_ptr().add(r * k),
                k,
                panel.as_ptr(),
                b,
                o.add(r * ldc),
                ldc,
            );
            r += MR_F32;
        }
        let (a, w) = (x.as_ptr().add(r * k), panel.as_ptr());
        let c = o.add(r * ldc);
        match m - r {
            1 => block_f32::<1>(a, k, w, b, c, ldc),
            2 => block_f32::<2>(a, k, w, b, c, ldc),
            3 => block_f32::<3>(a, k, w, b, c, ldc),
            4 => block_f32::<4>(a, k, w, b, c, ldc),
            5 => block_f32::<5>(a, k, w, b, c, ldc),
            6 => block_f32::<6>(a, k, w, b, c, ldc),
            7 => block_f32::<7>(a, k, w, b, c, ldc),
            8 => block_f32::<8>(a, k, w, b, c, ldc),
            9 => block_f32::<9>(a, k, w, b, c, ldc),
            10 => block_f32::<10>(a, k, w, b, c, ldc),
            11 => block_f32::<11>(a, k, w, b, c, ldc),
            _ => {}
        }
    }
}

#[inline(always)]
unsafe fn block_f32<const R: usize>(
    a: *const f32,
    k: usize,
    w: *const f32,
    bias: *const f32,
    out: *mut f32,
    ldc: usize,
) {
    let mut acc = [[_mm512_setzero_ps(); 2]; R];
    for kk in 0..k {
        let b0 = _mm512_loadu_ps(w.add(kk * NR));
        let b1 = _mm512_loadu_ps(w.add(kk * NR + 16));
        for (r, row) in acc.iter_mut().enumerate() {
            let av = _mm512_set1_ps(*a.add(r * k + kk));
            row[0] = _mm512_fmadd_ps(av, b0, row[0]);
            row[1] = _mm512_fmadd_ps(av, b1, row[1]);
        }
    }
    let (bias0, bias1) = (_mm512_loadu_ps(bias), _mm512_loadu_ps(bias.add(16)));
    for (r, row) in acc.iter().enumerate() {
        _mm512_storeu_ps(out.add(r * ldc), _mm512_add_ps(row[0], bias0));
        _mm512_storeu_ps(out.add(r * ldc + 16), _mm512_add_ps(row[1], bias1));
    }
}

/// AVX-512 VNNI int8 GEMM; same contract as `scalar::gemm_i8`.
///
/// # Safety
/// The CPU must have AVX-512F/BW/VNNI; `out` as in `scalar::gemm_i8`.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
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
        let cols = Cols {
            bias: bias.as_ptr().add(p * NR),
            scale: scales.as_ptr().add(p * NR),
            shift: shift.as_ptr().add(p * groups * NR),
        };
        let o = out.add(p * NR);
        let (a, sa) = (q.data.as_ptr(), q.scales.as_ptr());
        let w = panel.as_ptr();
        let mut r = 0;
        while r + MR <= m {
            block_i8::<MR>(
                a.add(r * k),
                sa.add(r * groups),
                k,
                w,
                &cols,
                o.add(r * ldc),
                ldc,
            );
            r += MR;
        }
        let (a, sa, c) = (a.add(r * k), sa.add(r * groups), o.add(r * ldc));
        match m - r {
            1 => block_i8::<1>(a, sa, k, w, &cols, c, ldc),
            2 => block_i8::<2>(a, sa, k, w, &cols, c, ldc),
            3 => block_i8::<3>(a, sa, k, w, &cols, c, ldc),
            4 => block_i8::<4>(a, sa, k, w, &cols, c, ldc),
            5 => block_i8::<5>(a, sa, k, w, &cols, c, ldc),
            _ => {}
        }
    }
}

/// Per-column epilogue data of one panel (`shift` is `[group][NR]`).
struct Cols {
    bias: *const f32,
    scale: *const f32,
    shift: *const i32,
}

/// R rows × 32 columns: i32 sums per input group, folded into f32 totals with the group's
/// activation scale (24 of the 32 zmm registers hold accumulators).
#[inline(always)]
unsafe fn block_i8<const R: usize>(
    a: *const u8,
    row_scales: *const f32,
    k: usize,
    w: *const i8,
    cols: &Cols,
    out: *mut f32,
    ldc: usize,
) {
    let groups = k / GROUP;
    let mut total = [[_mm512_setzero_ps(); 2]; R];
    for g in 0..groups {
        let mut acc = [[_mm512_setzero_si512(); 2]; R];
        for k4 in g * GROUP / 4..(g + 1) * GROUP / 4 {
            let b0 = _mm512_loadu_si512(w.add(k4 * NR * 4) as *const _);
            let b1 = _mm512_loadu_si512(w.add(k4 * NR * 4 + 64) as *const _);
            for (r, row) in acc.iter_mut().enumerate() {
                let av = _mm512_set1_epi32((a.add(r * k + k4 * 4) as *const i32).read_unaligned());
                row[0] = _mm512_dpbusd_epi32(row[0], av, b0);
                row[1] = _mm512_dpbusd_epi32(row[1], av, b1);
            }
        }
        let shift = [0, 16].map(|h| _mm512_loadu_si512(cols.shift.add(g * NR + h) as *const _));
        for r in 0..R {
            let sa = _mm512_set1_ps(*row_scales.add(r * groups + g));
            for h in 0..2 {
                let sum = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][h], shift[h]));
                total[r][h] = _mm512_fmadd_ps(sum, sa, total[r][h]);
            }
        }
    }
    for h in 0..2 {
        let scale = _mm512_loadu_ps(cols.scale.add(h * 16));
        let bias = _mm512_loadu_ps(cols.bias.add(h * 16));
        for (r, row) in total.iter().enumerate() {
            _mm512_storeu_ps(
                out.add(r * ldc + h * 16),
                _mm512_fmadd_ps(row[h], scale, bias),
            );
        }
    }
}

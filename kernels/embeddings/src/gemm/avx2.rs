//! AVX2 + FMA f32 micro-kernel for CPUs without AVX-512: 3 rows × 32 columns (12 ymm
//! accumulators), the same panel layout as the AVX-512 kernel.
#![cfg(target_arch = "x86_64")]

use super::NR;
use std::arch::x86_64::*;

const MR: usize = 3;

/// AVX2 f32 GEMM over whole panels; same contract as `scalar::gemm_f32`.
///
/// # Safety
/// The CPU must have AVX2 and FMA; `out` as in `scalar::gemm_f32`.
#[target_feature(enable = "avx2,fma")]
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
        while r + MR <= m {
            block::<MR>(
                x.as_ptr().add(r * k),
                k,
                panel.as_ptr(),
                b,
                o.add(r * ldc),
                ldc,
            );
            r += MR;
        }
        let (a, c) = (x.as_ptr().add(r * k), o.add(r * ldc));
        match m - r {
            1 => block::<1>(a, k, panel.as_ptr(), b, c, ldc),
            2 => block::<2>(a, k, panel.as_ptr(), b, c, ldc),
            _ => {}
        }
    }
}

#[inline(always)]
unsafe fn block<const R: usize>(
    a: *const f32,
    k: usize,
    w: *const f32,
    bias: *const f32,
    out: *mut f32,
    ldc: usize,
) {
    let mut acc = [[_mm256_setzero_ps(); 4]; R];
    for kk in 0..k {
        let b = [0, 8, 16, 24].map(|j| _mm256_loadu_ps(w.add(kk * NR + j)));
        for (r, row) in acc.iter_mut().enumerate() {
            let av = _mm256_broadcast_ss(&*a.add(r * k + kk));
            for (acc, b) in row.iter_mut().zip(b) {
                *acc = _mm256_fmadd_ps(av, b, *acc);
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (j, acc) in row.iter().enumerate() {
            let bias = _mm256_loadu_ps(bias.add(j * 8));
            _mm256_storeu_ps(out.add(r * ldc + j * 8), _mm256_add_ps(*acc, bias));
        }
    }
}

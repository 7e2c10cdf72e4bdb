//! f32 dot products of one query against a block of rows (`query.len()` floats each): the
//! serial reference and the AVX2+FMA / AVX-512 paths. Block calls let the row loop inline.
//!
//! The SIMD paths keep four independent accumulators so the FMA latency is hidden; lane sums
//! are in f32 (the inputs are L2-normalized, so sums stay near 1 and f32 keeps ~1e-6
//! relative error, which tests bound against the f64 reference).

/// Portable reference.
///
/// # Safety
/// Always safe; `unsafe` only to share the dispatch signature.
pub unsafe fn serial(rows: &[f32], query: &[f32], out: &mut [f32]) {
    for (o, row) in out.iter_mut().zip(rows.chunks_exact(query.len())) {
        *o = serial_one(row, query);
    }
}

/// Four partial sums, like the SIMD paths.
fn serial_one(a: &[f32], b: &[f32]) -> f32 {
    let len = a.len().min(b.len());
    let mut s = [0f32; 4];
    let mut i = 0;
    while i + 4 <= len {
        for (j, acc) in s.iter_mut().enumerate() {
            *acc += a[i + j] * b[i + j];
        }
        i += 4;
    }
    while i < len {
        s[0] += a[i] * b[i];
        i += 1;
    }
    (s[0] + s[1]) + (s[2] + s[3])
}

#[cfg(target_arch = "x86_64")]
pub use x86::{avx2, avx512};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn avx2(rows: &[f32], query: &[f32], out: &mut [f32]) {
        for (o, row) in out.iter_mut().zip(rows.chunks_exact(query.len())) {
            *o = avx2_one(row, query);
        }
    }

    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn avx2_one(a: &[f32], b: &[f32]) -> f32 {
        let len = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let mut acc = [_mm256_setzero_ps(); 4];
        let mut i = 0;
        while i + 32 <= len {
            for (j, s) in acc.iter_mut().enumerate() {
                let x = _mm256_loadu_ps(pa.add(i + 8 * j));
                let y = _mm256_loadu_ps(pb.add(i + 8 * j));
                *s = _mm256_fmadd_ps(x, y, *s);
            }
            i += 32;
        }
        while i + 8 <= len {
            acc[0] = _mm256_fmadd_ps(
                _mm256_loadu_ps(pa.add(i)),
                _mm256_loadu_ps(pb.add(i)),
                acc[0],
            );
            i += 8;
        }
        let sum = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
        let half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
        let quarter = _mm_add_ps(half, _mm_movehl_ps(half, half));
        let one = _mm_add_ss(quarter, _mm_shuffle_ps(quarter, quarter, 1));
        let mut total = _mm_cvtss_f32(one);
        while i < len {
            total += a[i] * b[i];
            i += 1;
        }
        total
    }

    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn avx512(rows: &[f32], query: &[f32], out: &mut [f32]) {
        if query.len() == 384 {
            return avx512_fixed::<24>(rows, query, out);
        }
        for (o, row) in out.iter_mut().zip(rows.chunks_exact(query.len())) {
            *o = avx512_one(row, query);
        }
    }

    /// `avx512` for rows of exactly `16 · V` floats (`V` a multiple of 4), the query held in
    /// registers: the same FMAs in the same order as `avx512_one`, so scores are bitwise
    /// equal, with half the loads per row.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn avx512_fixed<const V: usize>(
        rows: &[f32],
        query: &[f32],
        out: &mut [f32],
    ) {
        let mut q = [_mm512_setzero_ps(); V];
        for (v, r) in q.iter_mut().enumerate() {
            *r = _mm512_loadu_ps(query.as_ptr().add(16 * v));
        }
        for (o, row) in out.iter_mut().zip(rows.chunks_exact(16 * V)) {
            let p = row.as_ptr();
            let mut acc = [_mm512_setzero_ps(); 4];
            for v in 0..V {
                acc[v % 4] = _mm512_fmadd_ps(_mm512_loadu_ps(p.add(16 * v)), q[v], acc[v % 4]);
            }
            let sum = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
            *o = _mm512_reduce_add_ps(sum);
        }
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn avx512_one(a: &[f32], b: &[f32]) -> f32 {
        let len = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let mut acc = [_mm512_setzero_ps(); 4];
        let mut i = 0;
        while i + 64 <= len {
            for (j, s) in acc.iter_mut().enumerate() {
                let x = _mm512_loadu_ps(pa.add(i + 16 * j));
                let y = _mm512_loadu_ps(pb.add(i + 16 * j));
                *s = _mm512_fmadd_ps(x, y, *s);
            }
            i += 64;
        }
        while i + 16 <= len {
            acc[1] = _mm512_fmadd_ps(
                _mm512_loadu_ps(pa.add(i)),
                _mm512_loadu_ps(pb.add(i)),
                acc[1],
            );
            i += 16;
        }
        if i < len {
            // masked loads never touch memory past the slice
            let mask: __mmask16 = (1u32 << (len - i)) as u16 - 1;
            let x = _mm512_maskz_loadu_ps(mask, pa.add(i));
            let y = _mm512_maskz_loadu_ps(mask, pb.add(i));
            acc[2] = _mm512_fmadd_ps(x, y, acc[2]);
        }
        let sum = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
        _mm512_reduce_add_ps(sum)
    }
}

#[cfg(test)]
mod tests {
    use crate::caps::{select, Features};
    use crate::testdata::{reference_dot, vector, SIZES};

    /// 384-d rows take the registers-held query path; a row scored there and by the general
    /// path must get the same bits (exact scores and rescored candidates must agree).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_fixed_avx512_path_gives_the_general_paths_bits() {
        if !Features::detect().avx512 {
            return;
        }
        let query = vector(384, 7);
        let rows: Vec<f32> = (0..5).flat_map(|r| vector(384, 20 + r)).collect();
        let mut fixed = [0f32; 5];
        unsafe { super::x86::avx512_fixed::<24>(&rows, &query, &mut fixed) };
        for (r, row) in rows.chunks_exact(384).enumerate() {
            let one = unsafe { super::x86::avx512_one(row, &query) };
            assert_eq!(fixed[r].to_bits(), one.to_bits(), "row {r}");
        }
    }

    #[test]
    fn every_path_matches_the_f64_reference() {
        for features in Features::detect().subsets() {
            let k = select(features);
            for &d in SIZES {
                let (a, b) = (vector(d, 1), vector(d, 2));
                let mut out = [0f32];
                unsafe { (k.dot_f32)(&a, &b, &mut out) };
                let got = out[0] as f64;
                let want = reference_dot(&a, &b);
                // f32 sums: error bounded relative to the sum of magnitudes
                let scale: f64 = a
                    .iter()
                    .zip(&b)
                    .map(|(x, y)| (*x as f64 * *y as f64).abs())
                    .sum();
                assert!(
                    (got - want).abs() <= 1e-6 * (scale + 1.0),
                    "{} d={d}: {got} vs {want}",
                    k.info
                );
            }
        }
    }
}

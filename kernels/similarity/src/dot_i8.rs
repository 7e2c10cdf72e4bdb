//! int8 dot products of one signed query against a block of rows stored biased
//! (`code + 128`, so `u8`), `query.len()` bytes each.
//!
//! The bias lets AVX-512 VNNI's `vpdpbusd` (u8 × i8) do the whole product; the caller removes
//! it once per query with `128 · Σ query`. Accumulation is in i32: 255 · 127 · 4096 < 2³¹,
//! so no dimension count we accept can overflow.

/// Portable reference.
///
/// # Safety
/// Always safe; `unsafe` only to share the dispatch signature.
pub unsafe fn serial(rows: &[u8], query: &[i8], out: &mut [i32]) {
    for (o, row) in out.iter_mut().zip(rows.chunks_exact(query.len())) {
        *o = row
            .iter()
            .zip(query)
            .map(|(&r, &q)| r as i32 * q as i32)
            .sum();
    }
}

#[cfg(target_arch = "x86_64")]
pub use x86::{avx2, avx512_vnni};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// Widens to i16 and uses `vpmaddwd`: `vpmaddubsw` would saturate at 255 · 127 · 2.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn avx2(rows: &[u8], query: &[i8], out: &mut [i32]) {
        for (o, row) in out.iter_mut().zip(rows.chunks_exact(query.len())) {
            *o = avx2_one(row, query);
        }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn avx2_one(row: &[u8], query: &[i8]) -> i32 {
        let len = row.len().min(query.len());
        let (pr, pq) = (row.as_ptr(), query.as_ptr());
        let mut acc = [_mm256_setzero_si256(); 2];
        let mut i = 0;
        while i + 32 <= len {
            for (j, s) in acc.iter_mut().enumerate() {
                let r = _mm256_cvtepu8_epi16(_mm_loadu_si128(pr.add(i + 16 * j).cast()));
                let q = _mm256_cvtepi8_epi16(_mm_loadu_si128(pq.add(i + 16 * j).cast()));
                *s = _mm256_add_epi32(*s, _mm256_madd_epi16(r, q));
            }
            i += 32;
        }
        let sum = _mm256_add_epi32(acc[0], acc[1]);
        let half = _mm_add_epi32(
            _mm256_castsi256_si128(sum),
            _mm256_extracti128_si256(sum, 1),
        );
        let quarter = _mm_add_epi32(half, _mm_shuffle_epi32(half, 0b01_00_11_10));
        let one = _mm_add_epi32(quarter, _mm_shuffle_epi32(quarter, 0b00_00_00_01));
        let mut total = _mm_cvtsi128_si32(one);
        while i < len {
            total += row[i] as i32 * query[i] as i32;
            i += 1;
        }
        total
    }

    /// # Safety
    /// The CPU must support AVX-512F, AVX-512BW and AVX-512 VNNI.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub unsafe fn avx512_vnni(rows: &[u8], query: &[i8], out: &mut [i32]) {
        match query.len() {
            384 => return vnni_fixed::<6>(rows, query, out),
            768 => return vnni_fixed::<12>(rows, query, out),
            1024 => return vnni_fixed::<16>(rows, query, out),
            1536 => return vnni_fixed::<24>(rows, query, out),
            _ => {}
        }
        for (o, row) in out.iter_mut().zip(rows.chunks_exact(query.len())) {
            *o = vnni_one(row, query);
        }
    }

    /// Rows of exactly `64 · V` bytes with the query held in registers: half the loads a
    /// row (at 1M × 384 an A/B gave 13.7–15.9 against 15.6–16.0 ms CPU: the scan is close
    /// to memory-bound either way). Integer sums: any order gives `vnni_one`'s result.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    #[inline]
    unsafe fn vnni_fixed<const V: usize>(rows: &[u8], query: &[i8], out: &mut [i32]) {
        let mut q = [_mm512_setzero_si512(); V];
        for (v, r) in q.iter_mut().enumerate() {
            *r = _mm512_loadu_si512(query.as_ptr().add(64 * v).cast());
        }
        for (o, row) in out.iter_mut().zip(rows.chunks_exact(64 * V)) {
            let p = row.as_ptr();
            let mut acc = [_mm512_setzero_si512(); 2];
            for v in 0..V {
                let r = _mm512_loadu_si512(p.add(64 * v).cast());
                acc[v % 2] = _mm512_dpbusd_epi32(acc[v % 2], r, q[v]);
            }
            *o = _mm512_reduce_add_epi32(_mm512_add_epi32(acc[0], acc[1]));
        }
    }

    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    #[inline]
    unsafe fn vnni_one(row: &[u8], query: &[i8]) -> i32 {
        let len = row.len().min(query.len());
        let (pr, pq) = (row.as_ptr(), query.as_ptr());
        let mut acc = [_mm512_setzero_si512(); 2];
        let mut i = 0;
        while i + 128 <= len {
            for (j, s) in acc.iter_mut().enumerate() {
                let r = _mm512_loadu_si512(pr.add(i + 64 * j).cast());
                let q = _mm512_loadu_si512(pq.add(i + 64 * j).cast());
                *s = _mm512_dpbusd_epi32(*s, r, q);
            }
            i += 128;
        }
        while i < len {
            let left = len - i;
            let mask: __mmask64 = if left >= 64 {
                u64::MAX
            } else {
                (1u64 << left) - 1
            };
            let r = _mm512_maskz_loadu_epi8(mask, pr.add(i).cast());
            let q = _mm512_maskz_loadu_epi8(mask, pq.add(i));
            acc[1] = _mm512_dpbusd_epi32(acc[1], r, q);
            i += 64;
        }
        _mm512_reduce_add_epi32(_mm512_add_epi32(acc[0], acc[1]))
    }
}

#[cfg(test)]
mod tests {
    use crate::caps::{select, Features};
    use crate::testdata::SIZES;

    #[test]
    fn every_path_matches_the_reference_at_the_extremes() {
        for features in Features::detect().subsets() {
            let k = select(features);
            for &d in SIZES.iter().chain(&[768, 1024, 4096]) {
                // worst case for overflow and saturation: 255 against ±127
                let row = vec![255u8; d];
                let neg = vec![-127i8; d];
                let mixed: Vec<i8> = (0..d)
                    .map(|i| ((i * 37 % 255) as i32 - 127) as i8)
                    .collect();
                let row2: Vec<u8> = (0..d).map(|i| (i * 91 % 256) as u8).collect();
                for (r, q) in [(&row, &neg), (&row2, &mixed), (&row, &mixed)] {
                    let want: i32 = r
                        .iter()
                        .zip(q.iter())
                        .map(|(&a, &b)| a as i32 * b as i32)
                        .sum();
                    let mut got = [0i32];
                    unsafe { (k.dot_i8)(r, q, &mut got) };
                    assert_eq!(got[0], want, "{} d={d}", k.info);
                }
            }
        }
    }
}

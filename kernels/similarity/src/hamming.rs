//! Hamming distances between one query's sign code and a block of row codes (one bit per
//! dimension, 64 per word, `query.len()` words per row).
//!
//! Block calls (not one call per row) let the per-row loop inline; common word counts
//! (384 dims = 6 words, 768 = 12, 1024 = 16, 1536 = 24) get a fixed-size loop the compiler
//! fully unrolls, which is what makes the binary stage memory-bound rather than call-bound.

/// Portable reference.
///
/// # Safety
/// Always safe; `unsafe` only to share the dispatch signature.
pub unsafe fn serial(codes: &[u64], query: &[u64], out: &mut [u32]) {
    for (o, row) in out.iter_mut().zip(codes.chunks_exact(query.len())) {
        *o = row
            .iter()
            .zip(query)
            .map(|(x, y)| (x ^ y).count_ones())
            .sum();
    }
}

#[cfg(target_arch = "x86_64")]
pub use x86::{avx512_popcnt, popcnt};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// The reference with the `popcnt` instruction (the x86-64 baseline lacks it, and the
    /// bit-trick fallback is several times slower).
    ///
    /// # Safety
    /// The CPU must support POPCNT.
    #[target_feature(enable = "popcnt")]
    pub unsafe fn popcnt(codes: &[u64], query: &[u64], out: &mut [u32]) {
        match query.len() {
            6 => fixed::<6>(codes, query, out),
            12 => fixed::<12>(codes, query, out),
            16 => fixed::<16>(codes, query, out),
            24 => fixed::<24>(codes, query, out),
            _ => super::serial(codes, query, out),
        }
    }

    #[target_feature(enable = "popcnt")]
    #[inline]
    unsafe fn fixed<const W: usize>(codes: &[u64], query: &[u64], out: &mut [u32]) {
        let mut q = [0u64; W];
        q.copy_from_slice(&query[..W]);
        for (o, row) in out.iter_mut().zip(codes.chunks_exact(W)) {
            let mut sum = 0;
            for w in 0..W {
                sum += (row[w] ^ q[w]).count_ones();
            }
            *o = sum;
        }
    }

    /// Eight words per step with `vpopcntq`; a masked load covers the tail. Rows of up to 8
    /// words (≤ 512 dims) take the scalar `popcnt` loops instead: there the per-row
    /// horizontal sum costs more than the popcounts, and at 1M × 384 the scalar loop did
    /// the whole cascade in ~12 % less CPU time (memory-bound either way).
    ///
    /// # Safety
    /// The CPU must support POPCNT, AVX-512F and AVX-512 VPOPCNTDQ.
    #[target_feature(enable = "popcnt,avx512f,avx512vpopcntdq")]
    pub unsafe fn avx512_popcnt(codes: &[u64], query: &[u64], out: &mut [u32]) {
        let len = query.len();
        if len <= 8 {
            return popcnt(codes, query, out);
        }
        for (o, row) in out.iter_mut().zip(codes.chunks_exact(len)) {
            let (pa, pb) = (row.as_ptr(), query.as_ptr());
            let mut acc = _mm512_setzero_si512();
            let mut i = 0;
            while i < len {
                let left = len - i;
                let mask: __mmask8 = if left >= 8 { 0xff } else { (1u8 << left) - 1 };
                let x = _mm512_maskz_loadu_epi64(mask, pa.add(i).cast());
                let y = _mm512_maskz_loadu_epi64(mask, pb.add(i).cast());
                acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(_mm512_xor_si512(x, y)));
                i += 8;
            }
            *o = _mm512_reduce_add_epi64(acc) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::caps::{select, Features};

    #[test]
    fn every_path_matches_the_reference() {
        for features in Features::detect().subsets() {
            let k = select(features);
            for words in [1usize, 2, 6, 7, 8, 9, 12, 16, 24, 64] {
                let rows = 5;
                let codes: Vec<u64> = (0..(words * rows) as u64)
                    .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                    .collect();
                let query: Vec<u64> = (0..words as u64).map(|i| !i.rotate_left(7)).collect();
                let (mut want, mut got) = (vec![0; rows], vec![0; rows]);
                unsafe { super::serial(&codes, &query, &mut want) };
                unsafe { (k.hamming)(&codes, &query, &mut got) };
                assert_eq!(got, want, "{} words={words}", k.info);
            }
        }
    }
}

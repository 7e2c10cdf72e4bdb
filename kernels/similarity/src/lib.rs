//! Similarity kernel: exact and quantized top-k over a caller-owned store of f32 vectors.
//!
//! The C ABI (mirrored by `kernels/similarity/mod.ts`):
//! - `sim_dot_f32`: one dot product;
//! - `sim_encode`: writes the int8 and sign-bit forms of a store into caller buffers;
//! - `sim_search`: one query, one call: exact, int8 + rescoring, or the cascade, with an
//!   optional owner/bitmap filter applied inside the scan.
//!
//! Memory: the kernel never keeps a store; per call it allocates only O(dims + candidates)
//! scratch (the int8/binary query and the candidate lists).

mod args;
pub mod caps;
pub mod cascade;
mod dot_f32;
mod dot_i8;
pub mod encode;
pub mod filter;
mod hamming;
pub mod huge_pages;
pub mod parallel;
pub mod search;
mod sign_dot;
pub mod synthetic;
#[cfg(test)]
mod testdata;
pub mod top;

use ligero_abi::{guard, slice, slice_mut, KernelError};

use crate::args::{check_aligned, expect_len, optional, rows_in};
use crate::encode::words_for;
use crate::filter::Filter;
use crate::search::{Mode, Plan, Store};

ligero_abi::export_abi!(caps::kernels().info);

/// Dot product of two f32 vectors of `len` elements, written to `out`.
///
/// # Safety
/// `a` and `b` must point to `len` floats, `out` to one float, `err` to `err_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn sim_dot_f32(
    a: *const f32,
    b: *const f32,
    len: usize,
    out: *mut f32,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let a = slice(a, len, "a")?;
        let b = slice(b, len, "b")?;
        let out = slice_mut(out, 1, "out")?;
        if len == 0 {
            return Err(KernelError::invalid("len must be at least 1"));
        }
        (caps::kernels().dot_f32)(a, b, out);
        Ok(())
    })
}

/// Encodes a store of `store_len / dims` rows: int8 codes (`n × dims` bytes), per-row scales
/// (`n` floats) and sign bits (`n × ceil(dims / 64)` u64 words, 8-byte aligned) of each row
/// minus `center` (null: zero; else `dims` floats, usually the store's mean; searches must
/// pass the same center).
///
/// # Safety
/// Each pointer must be valid for its length (in elements), `err` for `err_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn sim_encode(
    store: *const f32,
    store_len: usize,
    dims: usize,
    center: *const f32,
    int8: *mut u8,
    int8_len: usize,
    scales: *mut f32,
    scales_len: usize,
    bits: *mut u64,
    bits_len: usize,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let n = rows_in(store_len, dims)?;
        expect_len("int8", int8_len, n * dims)?;
        expect_len("scales", scales_len, n)?;
        expect_len("bits", bits_len, n * words_for(dims))?;
        let store = slice(store, store_len, "store")?;
        let int8 = slice_mut(int8, int8_len, "int8")?;
        let scales = slice_mut(scales, scales_len, "scales")?;
        check_aligned(bits, bits_len)?;
        let bits = slice_mut(bits, bits_len, "bits")?;
        let center = optional(center, dims, "center")?;
        encode::encode_rows(store, dims, center, int8, scales, bits)
    })
}

/// Asks for huge pages over `[ptr, ptr + len)` (its whole 2 MiB pages): a hint for a big
/// store or code buffer, best given before the buffer is written. `len` may reach past the
/// caller's view into address space reserved for growth (a resizable ArrayBuffer). With
/// `collapse` ≠ 0, pages already resident are merged now. Writes 1 to `out_advised` if the
/// OS took the advice, 0 if not (no THP, or memory it does not map).
///
/// # Safety
/// `[ptr, ptr + len)` must be memory this process maps or has reserved; `out_advised` one
/// u32; `err` `err_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn sim_huge_pages(
    ptr: *const u8,
    len: usize,
    collapse: u32,
    out_advised: *mut u32,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        if ptr.is_null() {
            return Err(KernelError::invalid("ptr is a null pointer"));
        }
        let out = slice_mut(out_advised, 1, "out_advised")?;
        out[0] = huge_pages::advise(ptr as usize, len, collapse != 0) as u32;
        Ok(())
    })
}

/// Top-k search of one query. `mode`: 0 exact f32, 1 int8 + f32 rescoring, 2 cascade
/// binary (Hamming) → int8 → f32, 3 cascade with the asymmetric binary stage (int8 query ×
/// sign bits). The store has `n = store_len / dims` rows; `int8`, `scales` are read
/// by modes 1–3 and `bits`, `center` by modes 2–3 (null otherwise), sized for `n` rows as
/// `sim_encode` writes them (`center` null if encoded without one; mode 3 does not read it: ⟨q, x⟩ and ⟨q, x − c⟩
/// rank rows alike). `wide`/`narrow`: candidates kept by the binary/int8 stage
/// (0 = default). Filter: `owners` (null = off; else `n` owner ids, rows whose id is not
/// `owner` are skipped) and `allow` (null = off; else a row bitmap of `allow_len` ≥ ⌈n/8⌉
/// bytes). `k` must be ≤ n and ≤ `out_cap`; writes the found count (≤ k, fewer only when the
/// filter admits fewer rows) to `out_found`, then rows and exact scores, best first.
///
/// # Safety
/// Each pointer must be null or valid for the length described above; `err` for `err_cap`.
#[no_mangle]
pub unsafe extern "C" fn sim_search(
    mode: u32,
    store: *const f32,
    store_len: usize,
    int8: *const u8,
    scales: *const f32,
    bits: *const u64,
    center: *const f32,
    dims: usize,
    query: *const f32,
    query_len: usize,
    k: usize,
    wide: usize,
    narrow: usize,
    owners: *const u32,
    owner: u32,
    allow: *const u8,
    allow_len: usize,
    out_rows: *mut u32,
    out_scores: *mut f32,
    out_cap: usize,
    out_found: *mut u32,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let mode = match mode {
            0 => Mode::Exact,
            1 => Mode::Int8,
            2 => Mode::Cascade,
            3 => Mode::CascadeAsym,
            _ => return Err(KernelError::invalid(format!("unknown mode {mode}"))),
        };
        let n = rows_in(store_len, dims)?;
        expect_len("query", query_len, dims)?;
        if k > n {
            return Err(KernelError::invalid(format!(
                "k {k} exceeds the {n} rows in the store"
            )));
        }
        if k > out_cap {
            return Err(KernelError::invalid(format!(
                "k {k} exceeds the output capacity {out_cap}"
            )));
        }
        let quantized = mode != Mode::Exact;
        let binary = matches!(mode, Mode::Cascade | Mode::CascadeAsym);
        let store = Store {
            vectors: slice(store, store_len, "store")?,
            int8: if quantized {
                slice(int8, n * dims, "int8")?
            } else {
                &[]
            },
            scales: if quantized {
                slice(scales, n, "scales")?
            } else {
                &[]
            },
            bits: if binary {
                check_aligned(bits, n * words_for(dims))?;
                slice(bits, n * words_for(dims), "bits")?
            } else {
                &[]
            },
            center: if binary {
                optional(center, dims, "center")?
            } else {
                &[]
            },
            n,
            dims,
        };
        let allow = if allow.is_null() {
            None
        } else {
            if allow_len < n.div_ceil(8) {
                return Err(KernelError::invalid(format!(
                    "allow has {allow_len} bytes, {n} rows need {}",
                    n.div_ceil(8)
                )));
            }
            Some(slice(allow, allow_len, "allow")?)
        };
        let owners = if owners.is_null() {
            None
        } else {
            Some(slice(owners, n, "owners")?)
        };
        let filter = Filter {
            owners,
            owner,
            allow,
        };
        let query = slice(query, query_len, "query")?;
        let rows = slice_mut(out_rows, k, "out_rows")?;
        let scores = slice_mut(out_scores, k, "out_scores")?;
        let found = slice_mut(out_found, 1, "out_found")?;
        let bytes_per_row = match mode {
            Mode::Exact => dims * 4,
            Mode::Int8 => dims,
            Mode::Cascade | Mode::CascadeAsym => words_for(dims) * 8,
        };
        let plan = Plan {
            k,
            wide: if wide == 0 {
                search::default_wide(k)
            } else {
                wide
            },
            narrow: if narrow == 0 {
                search::default_narrow(k)
            } else {
                narrow
            },
            threads: parallel::threads_for(n * bytes_per_row),
        };
        let best = search::search(&store, query, mode, &plan, &filter, caps::kernels());
        for (i, (score, row)) in best.iter().enumerate() {
            rows[i] = *row;
            scores[i] = *score;
        }
        found[0] = best.len() as u32;
        Ok(())
    })
}

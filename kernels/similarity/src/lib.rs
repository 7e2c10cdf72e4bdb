//! Similarity kernel: the C ABI over the search routines.

use ligero_abi::{guard, slice, slice_mut, KernelError};

ligero_abi::export_abi!("scalar");

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
        out[0] = a.iter().zip(b).map(|(x, y)| x * y).sum();
        Ok(())
    })
}

/// Exact top-k by dot product over `n × dims` row-major floats. Writes `min(k, n)` rows
/// and scores, best first; ties keep the lower row first.
///
/// # Safety
/// `store` must point to `n * dims` floats, `query` to `dims`, `out_rows` and `out_scores`
/// to `k` elements each, `err` to `err_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn sim_topk_f32(
    store: *const f32,
    n: usize,
    dims: usize,
    query: *const f32,
    k: usize,
    out_rows: *mut u32,
    out_scores: *mut f32,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        if dims == 0 {
            return Err(KernelError::invalid("dims must be at least 1"));
        }
        let total = n
            .checked_mul(dims)
            .ok_or_else(|| KernelError::invalid("n × dims overflows"))?;
        let store = slice(store, total, "store")?;
        let query = slice(query, dims, "query")?;
        let take = k.min(n);
        let rows = slice_mut(out_rows, take, "out_rows")?;
        let scores = slice_mut(out_scores, take, "out_scores")?;
        let mut filled = 0;
        for (row, vector) in store.chunks_exact(dims).enumerate() {
            let score: f32 = vector.iter().zip(query).map(|(x, y)| x * y).sum();
            if take == 0 || (filled == take && score <= scores[take - 1]) {
                continue;
            }
            let mut i = if filled < take { filled += 1; filled - 1 } else { take - 1 };
            while i > 0 && scores[i - 1] < score {
                scores[i] = scores[i - 1];
                rows[i] = rows[i - 1];
                i -= 1;
            }
            scores[i] = score;
            rows[i] = row as u32;
        }
        Ok(())
    })
}

//! Checks on what a C caller passed: dimensions, lengths, alignment, optional pointers. Each
//! failure is an `Invalid` error whose text names the argument.

use ligero_abi::{slice, KernelError, KernelResult};

/// Largest dimension count: keeps int8 sums (255 · 127 · dims) inside i32.
const MAX_DIMS: usize = 65_536;

fn check_dims(dims: usize) -> KernelResult<()> {
    if dims == 0 {
        return Err(KernelError::invalid("dims must be at least 1"));
    }
    if dims > MAX_DIMS {
        return Err(KernelError::invalid(format!(
            "dims {dims} exceeds {MAX_DIMS}"
        )));
    }
    Ok(())
}

/// Rows in a store of `len` floats; the length must be a whole number of rows.
pub(crate) fn rows_in(len: usize, dims: usize) -> KernelResult<usize> {
    check_dims(dims)?;
    if !len.is_multiple_of(dims) {
        return Err(KernelError::invalid(format!(
            "store length {len} is not a multiple of dims {dims}"
        )));
    }
    let n = len / dims;
    if n > u32::MAX as usize {
        return Err(KernelError::invalid("more than 2^32 rows"));
    }
    Ok(n)
}

pub(crate) fn expect_len(what: &str, len: usize, want: usize) -> KernelResult<()> {
    if len != want {
        return Err(KernelError::invalid(format!(
            "{what} has length {len}, expected {want}"
        )));
    }
    Ok(())
}

/// A slice that may be absent (null pointer: empty).
pub(crate) fn optional<'a, T>(ptr: *const T, len: usize, what: &str) -> KernelResult<&'a [T]> {
    if ptr.is_null() {
        Ok(&[])
    } else {
        unsafe { slice(ptr, len, what) }
    }
}

/// Sign codes are read as u64 words, so their buffer must be aligned for them.
pub(crate) fn check_aligned(ptr: *const u64, len: usize) -> KernelResult<()> {
    if len > 0 && !(ptr as usize).is_multiple_of(8) {
        return Err(KernelError::invalid("bits must be 8-byte aligned"));
    }
    Ok(())
}

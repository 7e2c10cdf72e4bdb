//! Embeddings kernel: the C ABI over a loaded sentence encoder ([`model::Model`]).
//!
//! A model is opened once from a directory (`config.json`, `tokenizer.json`,
//! `model.safetensors`) and addressed by an opaque handle. Texts cross the boundary as one
//! UTF-8 buffer plus `n + 1` byte offsets, so a batch is one call.

#[cfg(all(target_os = "linux", not(fuzzing)))]
mod alloc;
mod attention;
mod bert;
mod config;
mod gemm;
mod model;
mod normalizer;
mod ops;
mod pooling;
mod safetensors;
/// Public for the tokenizer's fuzz target (kernels/embeddings/fuzz).
pub mod tokenizer;
mod vocab;
mod words;

#[cfg(test)]
mod memory;
#[cfg(test)]
mod timing;

use ligero_abi::{guard, slice, slice_mut, KernelError, KernelResult};
use model::Model;
use std::path::Path;

// not under cargo-fuzz: its sanitizers watch malloc, and would not see our mappings
#[cfg(all(target_os = "linux", not(fuzzing)))]
#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;

ligero_abi::export_abi!(gemm::Isa::detect().name());

/// # Safety
/// `handle` must be 0 or a value from `emb_open` not yet closed.
unsafe fn model<'a>(handle: u64) -> KernelResult<&'a Model> {
    (handle as usize as *const Model)
        .as_ref()
        .ok_or_else(|| KernelError::invalid("model handle is null"))
}

fn utf8<'a>(bytes: &'a [u8], what: &str) -> KernelResult<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| KernelError::invalid(format!("{what}: {e}")))
}

/// Loads the model in `dir` (f32, or int8 when `int8` is 1) with `threads` workers (0: one
/// per core) and writes its handle to `out_handle`.
///
/// # Safety
/// `dir` must point to `dir_len` bytes, `out_handle` to one u64, `err` to `err_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn emb_open(
    dir: *const u8,
    dir_len: usize,
    int8: u32,
    threads: u32,
    out_handle: *mut u64,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let dir = utf8(slice(dir, dir_len, "dir")?, "dir")?;
        let out = slice_mut(out_handle, 1, "out_handle")?;
        let model = Model::load(Path::new(dir), int8 == 1, threads as usize)?;
        out[0] = Box::into_raw(Box::new(model)) as usize as u64;
        Ok(())
    })
}

/// Frees a model. Closing 0 is a no-op; the caller must not use the handle afterwards.
///
/// # Safety
/// `handle` must be 0 or a live handle with no call in flight.
#[no_mangle]
pub unsafe extern "C" fn emb_close(handle: u64) -> i32 {
    guard(std::ptr::null_mut(), 0, || {
        if handle != 0 {
            drop(Box::from_raw(handle as usize as *mut Model));
        }
        Ok(())
    })
}

/// Writes `[dims, max_tokens, heap_bytes, mapped_bytes, int8]` to `out` (5 × u64).
///
/// # Safety
/// `handle` as in [`emb_close`]; `out` must point to 5 u64, `err` to `err_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn emb_describe(
    handle: u64,
    out: *mut u64,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let m = model(handle)?;
        let out = slice_mut(out, 5, "out")?;
        out.copy_from_slice(&[
            m.dims() as u64,
            m.max_len() as u64,
            m.bert.heap_bytes() as u64,
            m.bert.mapped_bytes() as u64,
            m.int8 as u64,
        ]);
        Ok(())
    })
}

/// Embeds `n` texts: text `i` is `text[bounds[i]..bounds[i + 1]]`. Writes `n × dims`
/// L2-normalized floats to `out`, the token count of each text (special tokens included,
/// after truncation) to `out_tokens`, and 1 to `out_truncated[i]` when text `i` was cut at
/// the model's maximum length.
///
/// # Safety
/// Each pointer must cover the lengths named above; `err` must point to `err_cap` bytes.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn emb_embed(
    handle: u64,
    text: *const u8,
    text_len: usize,
    bounds: *const u32,
    n: usize,
    out: *mut f32,
    out_tokens: *mut u32,
    out_truncated: *mut u8,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let m = model(handle)?;
        let bytes = slice(text, text_len, "text")?;
        let bounds = slice(bounds, n + 1, "bounds")?;
        let mut texts = Vec::with_capacity(n);
        for w in bounds.windows(2) {
            let (a, b) = (w[0] as usize, w[1] as usize);
            if a > b || b > bytes.len() {
                return Err(KernelError::invalid("bounds out of order or past the text"));
            }
            texts.push(utf8(&bytes[a..b], "text")?);
        }
        let out = slice_mut(out, n * m.dims(), "out")?;
        let tokens = slice_mut(out_tokens, n, "out_tokens")?;
        let truncated = slice_mut(out_truncated, n, "out_truncated")?;
        for (i, info) in m.embed(&texts, out)?.into_iter().enumerate() {
            tokens[i] = info.tokens;
            truncated[i] = info.truncated as u8;
        }
        Ok(())
    })
}

/// Tokenizes `text` without truncation and writes the number of tokens (special tokens
/// excluded) to `out_count`, and the byte range `[start, end)` of the first `cap` tokens as
/// pairs to `out_offsets` (`2 × cap` u32).
///
/// # Safety
/// `text` must point to `text_len` bytes, `out_offsets` to `2 × cap` u32, `out_count` to
/// one u32, `err` to `err_cap` bytes.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn emb_tokenize(
    handle: u64,
    text: *const u8,
    text_len: usize,
    out_offsets: *mut u32,
    cap: usize,
    out_count: *mut u32,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let m = model(handle)?;
        let text = utf8(slice(text, text_len, "text")?, "text")?;
        let count = slice_mut(out_count, 1, "out_count")?;
        let offsets = slice_mut(out_offsets, 2 * cap, "out_offsets")?;
        let enc = m.tokenizer.encode(text, usize::MAX);
        count[0] = enc.offsets.len() as u32;
        for (pair, (start, end)) in offsets.chunks_exact_mut(2).zip(enc.offsets) {
            pair.copy_from_slice(&[start, end]);
        }
        Ok(())
    })
}

//! PDF text extraction kernel: the C ABI over an own parser (lexer, xref with recovery,
//! object streams, filters, standard security handler), font decoding and a layout pass.
//!
//! Entry points take a handle from `pdf_open`; every one runs inside `ligero_abi::guard`.
//! Text goes into caller buffers; when a buffer is too small the call returns
//! `BufferTooSmall` with the required length, and keeps the result for the retry.

mod accents;
mod budget;
mod content;
mod document;
mod encryption;
mod error;
mod extract;
mod filters;
mod fonts;
mod info;
mod layout;
mod lexer;
mod limits;
mod matrix;
mod object;
mod object_stream;
mod pages;
mod parser;
mod recover;
mod rtl;
mod source;
mod xref;

pub use document::Document;
pub use extract::Extractor;
pub use source::Source;

use ligero_abi::{guard, slice, slice_mut, KernelError, KernelResult, Status};
use std::path::Path;
use std::sync::Mutex;

ligero_abi::export_abi!(format!(
    "scalar, {} threads, {}",
    rayon::current_num_threads(),
    fonts::cjk_tables()
));

/// A batch result kept for the retry after `BufferTooSmall`: (first, last, text, offsets).
type Pending = (u32, u32, Vec<u8>, Vec<u64>);

/// An open document plus the last result that did not fit the caller's buffer.
pub struct Handle {
    ex: Extractor,
    pending: Mutex<Option<Pending>>,
}

impl Handle {
    pub fn page_count(&self) -> usize {
        self.ex.doc.pages.len()
    }

    pub fn extractor(&self) -> &Extractor {
        &self.ex
    }
}

/// Opens a PDF from its bytes.
pub fn open(bytes: Vec<u8>) -> KernelResult<Handle> {
    open_source(Source::Owned(bytes))
}

/// Opens the PDF file at `path`, memory-mapped (see `Source::map` for the promise it needs).
pub fn open_path(path: &Path) -> KernelResult<Handle> {
    open_source(Source::map(path)?)
}

fn open_source(source: Source) -> KernelResult<Handle> {
    let doc = Document::open(source)?;
    Ok(Handle {
        ex: Extractor::new(doc),
        pending: Mutex::new(None),
    })
}

/// Opens `bytes`, reads the metadata and extracts up to `max_pages` pages; returns the
/// number of text bytes. The body of the fuzz targets: any panic here is a bug.
#[doc(hidden)]
pub fn exercise(bytes: &[u8], max_pages: usize) -> usize {
    let Ok(h) = open(bytes.to_vec()) else {
        return 0;
    };
    let meta = info::json(&h.ex).len();
    let n = h.page_count().min(max_pages);
    let text: usize =
        h.ex.pages_text(0, n)
            .into_iter()
            .map(|r| r.map_or(0, |t| t.len()))
            .sum();
    meta + text
}

unsafe fn handle<'a>(h: usize) -> KernelResult<&'a Handle> {
    (h as *const Handle)
        .as_ref()
        .ok_or_else(|| KernelError::invalid("null handle"))
}

/// Copies `text` to `out` or reports the required length.
unsafe fn deliver(
    text: &[u8],
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
) -> KernelResult<bool> {
    let len = slice_mut(out_len, 1, "out_len")?;
    len[0] = text.len();
    if text.len() > cap {
        return Ok(false);
    }
    slice_mut(out, text.len(), "out")?.copy_from_slice(text);
    Ok(true)
}

fn too_small() -> KernelError {
    KernelError::new(
        Status::BufferTooSmall,
        "output buffer too small: retry with out_len bytes",
    )
}

/// # Safety
/// `bytes` must point to `len` bytes, `out_handle` to one usize, `err` to `err_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn pdf_open(
    bytes: *const u8,
    len: usize,
    out_handle: *mut usize,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let data = slice(bytes, len, "bytes")?.to_vec();
        let out = slice_mut(out_handle, 1, "out_handle")?;
        out[0] = Box::into_raw(Box::new(open(data)?)) as usize;
        Ok(())
    })
}

/// Opens the file at `path` (`path_len` bytes, not NUL-terminated), memory-mapped. The file
/// must stay unchanged until `pdf_close`.
///
/// # Safety
/// `path` must point to `path_len` bytes, `out_handle` to one usize, `err` to `err_cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn pdf_open_path(
    path: *const u8,
    path_len: usize,
    out_handle: *mut usize,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(slice(path, path_len, "path")?));
        let out = slice_mut(out_handle, 1, "out_handle")?;
        out[0] = Box::into_raw(Box::new(open_path(path)?)) as usize;
        Ok(())
    })
}

/// Metadata as JSON (see `info::json`).
///
/// # Safety
/// `h` must come from `pdf_open`; `out` must point to `cap` bytes, `out_len` to one usize.
#[no_mangle]
pub unsafe extern "C" fn pdf_info(
    h: usize,
    out: *mut u8,
    cap: usize,
    out_len: *mut usize,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let text = info::json(&handle(h)?.ex);
        if deliver(text.as_bytes(), out, cap, out_len)? {
            Ok(())
        } else {
            Err(too_small())
        }
    })
}

/// Text of pages `first..=last` (from 1), extracted in parallel, concatenated into `out`;
/// `offsets` (last - first + 2 entries) receives where each page starts and the end.
/// A page that fails to parse comes back empty.
///
/// # Safety
/// `h` must come from `pdf_open`; `out` must point to `cap` bytes, `offsets` to
/// `last - first + 2` u64s, `out_len` to one usize.
#[no_mangle]
pub unsafe extern "C" fn pdf_pages_text(
    h: usize,
    first: u32,
    last: u32,
    out: *mut u8,
    cap: usize,
    offsets: *mut u64,
    out_len: *mut usize,
    err: *mut u8,
    err_cap: usize,
) -> i32 {
    guard(err, err_cap, || {
        let hd = handle(h)?;
        let pages = hd.ex.doc.pages.len() as u32;
        if first == 0 || last < first || last > pages {
            return Err(KernelError::invalid(format!(
                "pages {first}-{last} outside 1-{pages}"
            )));
        }
        let count = (last - first + 1) as usize;
        let offsets = slice_mut(offsets, count + 1, "offsets")?;
        let cached = hd
            .pending
            .lock()
            .ok()
            .and_then(|mut p| p.take_if(|(a, b, _, _)| (*a, *b) == (first, last)));
        let (text, offs) = match cached {
            Some((_, _, text, offs)) => (text, offs),
            None => {
                let mut text = Vec::new();
                let mut offs = Vec::with_capacity(count + 1);
                for page in hd.ex.pages_text(first as usize - 1, last as usize) {
                    offs.push(text.len() as u64);
                    text.extend_from_slice(page.unwrap_or_default().as_bytes());
                }
                offs.push(text.len() as u64);
                (text, offs)
            }
        };
        offsets.copy_from_slice(&offs);
        if deliver(&text, out, cap, out_len)? {
            return Ok(());
        }
        if let Ok(mut p) = hd.pending.lock() {
            *p = Some((first, last, text, offs));
        }
        Err(too_small())
    })
}

/// Frees a handle from `pdf_open`; null is ignored.
///
/// # Safety
/// `h` must come from `pdf_open` and not be used again.
#[no_mangle]
pub unsafe extern "C" fn pdf_close(h: usize) {
    if h != 0 {
        let _ = std::panic::catch_unwind(|| drop(Box::from_raw(h as *mut Handle)));
    }
}

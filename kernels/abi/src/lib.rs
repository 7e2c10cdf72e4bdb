//! The C ABI every ligero kernel speaks.
//!
//! Conventions (mirrored by `kernels/ffi.ts`):
//! - every entry point returns an `i32` status ([`Status`]); results go into caller-owned
//!   buffers;
//! - the last two parameters of every fallible entry point are a caller-owned error buffer
//!   (`err`, `err_cap`), filled with UTF-8 text when the status is not `Ok`. A "last error"
//!   slot would race: Deno runs `nonblocking` FFI calls on worker threads, so neither a
//!   thread-local nor a global slot reliably belongs to the call that failed;
//! - every entry point runs inside [`guard`], so a panic becomes `Status::Panic` with its
//!   message instead of aborting the host process (a panic unwinding out of an
//!   `extern "C"` function aborts since Rust 1.81);
//! - each kernel library exports `ligero_abi_version` (checked by the loader),
//!   `ligero_kernel_info` (what the kernel runs on, e.g. `avx512`) and `ligero_test_panic`
//!   (proves the guard in tests) through [`export_abi!`].

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Bumped whenever a signature or a status code changes meaning.
pub const ABI_VERSION: u32 = 1;

/// Status codes shared by all kernels. Stable numbers: the TypeScript side maps them by value.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok = 0,
    InvalidArgument = 1,
    BufferTooSmall = 2,
    NotFound = 3,
    Damaged = 4,
    Encrypted = 5,
    Unsupported = 6,
    LimitExceeded = 7,
    Io = 8,
    NoText = 9,
    Panic = 99,
}

/// An error a kernel returns: a status plus human-readable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelError {
    pub status: Status,
    pub message: String,
}

impl KernelError {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Status::InvalidArgument, message)
    }
}

impl std::fmt::Display for KernelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.status, self.message)
    }
}

impl std::error::Error for KernelError {}

pub type KernelResult<T> = Result<T, KernelError>;

/// Runs `body`, turning an error or a panic into a status code and text in `err`.
///
/// # Safety
/// `err` must be null or point to `err_cap` writable bytes.
pub unsafe fn guard<F>(err: *mut u8, err_cap: usize, body: F) -> i32
where
    F: FnOnce() -> KernelResult<()>,
{
    let outcome = catch_unwind(AssertUnwindSafe(body));
    let failure = match outcome {
        Ok(Ok(())) => return Status::Ok as i32,
        Ok(Err(e)) => e,
        Err(payload) => KernelError::new(Status::Panic, panic_text(payload.as_ref())),
    };
    write_text(err, err_cap, &failure.message);
    failure.status as i32
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown payload".into());
    format!("kernel panicked: {detail}")
}

/// Copies `text` into a C buffer, truncated on a UTF-8 boundary, NUL-terminated when room
/// allows. Returns the full length of `text` so callers can tell it was cut.
///
/// # Safety
/// `buf` must be null or point to `cap` writable bytes.
pub unsafe fn write_text(buf: *mut u8, cap: usize, text: &str) -> usize {
    if buf.is_null() || cap == 0 {
        return text.len();
    }
    let mut n = text.len().min(cap - 1);
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    std::ptr::copy_nonoverlapping(text.as_ptr(), buf, n);
    *buf.add(n) = 0;
    text.len()
}

/// Borrows a caller-owned slice, rejecting null pointers with a clear error.
///
/// # Safety
/// `ptr` must be null or valid for `len` reads of `T` for the lifetime `'a`.
pub unsafe fn slice<'a, T>(ptr: *const T, len: usize, what: &str) -> KernelResult<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(KernelError::invalid(format!("{what} is a null pointer")));
    }
    Ok(std::slice::from_raw_parts(ptr, len))
}

/// Mutable twin of [`slice`].
///
/// # Safety
/// `ptr` must be null or valid for `len` writes of `T` for the lifetime `'a`, unaliased.
pub unsafe fn slice_mut<'a, T>(ptr: *mut T, len: usize, what: &str) -> KernelResult<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(KernelError::invalid(format!("{what} is a null pointer")));
    }
    Ok(std::slice::from_raw_parts_mut(ptr, len))
}

/// Exports the symbols every kernel library must have. `$info` is an expression giving the
/// kernel's description (`&str`), e.g. the SIMD level it dispatched to.
#[macro_export]
macro_rules! export_abi {
    ($info:expr) => {
        #[no_mangle]
        pub extern "C" fn ligero_abi_version() -> u32 {
            $crate::ABI_VERSION
        }

        /// Writes the kernel description; returns its full length.
        ///
        /// # Safety
        /// `buf` must be null or point to `cap` writable bytes.
        #[no_mangle]
        pub unsafe extern "C" fn ligero_kernel_info(buf: *mut u8, cap: usize) -> usize {
            let info: String = ::std::panic::catch_unwind(|| ($info).to_string())
                .unwrap_or_else(|_| "unknown".to_string());
            $crate::write_text(buf, cap, &info)
        }

        /// Panics inside the guard: tests use it to prove a panic never reaches the host.
        ///
        /// # Safety
        /// `err` must be null or point to `err_cap` writable bytes.
        #[no_mangle]
        pub unsafe extern "C" fn ligero_test_panic(err: *mut u8, err_cap: usize) -> i32 {
            $crate::guard(err, err_cap, || panic!("test-only panic requested"))
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_panic_into_status() {
        let mut buf = [0u8; 64];
        let status = unsafe { guard(buf.as_mut_ptr(), buf.len(), || panic!("boom")) };
        assert_eq!(status, Status::Panic as i32);
        let text = std::ffi::CStr::from_bytes_until_nul(&buf)
            .unwrap()
            .to_str()
            .unwrap();
        assert_eq!(text, "kernel panicked: boom");
    }

    #[test]
    fn guard_passes_errors_through() {
        let mut buf = [0u8; 8];
        let status = unsafe {
            guard(buf.as_mut_ptr(), buf.len(), || {
                Err(KernelError::invalid("ñandú is long"))
            })
        };
        assert_eq!(status, Status::InvalidArgument as i32);
        // truncated on a char boundary: "ñandú" starts with a 2-byte char
        let text = std::ffi::CStr::from_bytes_until_nul(&buf)
            .unwrap()
            .to_str()
            .unwrap();
        assert_eq!(text, "ñandú");
    }

    #[test]
    fn null_slices_are_errors() {
        let r = unsafe { slice::<f32>(std::ptr::null(), 3, "query") };
        assert_eq!(r.unwrap_err().message, "query is a null pointer");
        assert!(unsafe { slice::<f32>(std::ptr::null(), 0, "q") }
            .unwrap()
            .is_empty());
    }
}

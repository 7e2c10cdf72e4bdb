//! Error constructors: every failure is a `KernelError` whose status the binding maps to a
//! `PdfError` code (not_pdf, encrypted, damaged, too_large;
//! no_text is decided by the binding from `hasTextLayer`).

use ligero_abi::{KernelError, Status};

pub type Result<T> = std::result::Result<T, KernelError>;

pub fn not_pdf(msg: impl Into<String>) -> KernelError {
    KernelError::new(Status::Unsupported, msg)
}

pub fn damaged(msg: impl Into<String>) -> KernelError {
    KernelError::new(Status::Damaged, msg)
}

pub fn encrypted(msg: impl Into<String>) -> KernelError {
    KernelError::new(Status::Encrypted, msg)
}

pub fn too_large(msg: impl Into<String>) -> KernelError {
    KernelError::new(Status::LimitExceeded, msg)
}

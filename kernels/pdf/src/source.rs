//! The file's bytes: a copy of the caller's buffer, or the file itself mapped into memory,
//! so a PDF on disk costs page cache the kernel can drop instead of two private copies
//! (the caller's and ours).

use ligero_abi::{KernelError, KernelResult, Status};
use memmap2::Mmap;
use std::fs::File;
use std::path::Path;

pub enum Source {
    Owned(Vec<u8>),
    Mapped(Mmap),
}

impl Default for Source {
    fn default() -> Self {
        Source::Owned(Vec::new())
    }
}

impl std::ops::Deref for Source {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Source::Owned(v) => v,
            Source::Mapped(m) => m,
        }
    }
}

impl Source {
    /// Maps the file at `path` read-only.
    ///
    /// The mapping is only as stable as the file: whoever passes a path promises not to
    /// truncate or rewrite it while the document is open (ligero's stored uploads are
    /// written once, then renamed into place). Removing it is fine: the mapping keeps it.
    pub fn map(path: &Path) -> KernelResult<Source> {
        let io =
            |e: std::io::Error| KernelError::new(Status::Io, format!("{}: {e}", path.display()));
        let file = File::open(path).map_err(io)?;
        if file.metadata().map_err(io)?.len() == 0 {
            return Ok(Source::default()); // mapping an empty file fails; it is no PDF either
        }
        // SAFETY: read-only mapping of a file the caller keeps unchanged (see above)
        let map = unsafe { Mmap::map(&file) }.map_err(io)?;
        Ok(Source::Mapped(map))
    }
}

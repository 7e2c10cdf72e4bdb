//! The word-embedding table (`vocab × hidden`, 47 MB in f32 for MiniLM), the largest tensor
//! and the one read most sparsely: a text touches a few dozen rows.
//!
//! Rows are read from the file with `pread` for every token, into the caller's row: the
//! kernel's page cache holds the table (shared, dropped first under memory pressure), our
//! process holds none of it. Mapped, each touched row stayed resident (a long-running server
//! ends up with the whole 47 MB); quantized to int8 in the heap it cost a fixed 11.7 MiB of
//! RSS. A read costs ~1 µs: ~25 µs for a query, ~1 % of a 256-text batch.

use crate::safetensors::Tensors;
use ligero_abi::{KernelError, KernelResult, Status};

pub const NAME: &str = "embeddings.word_embeddings.weight";

pub struct WordTable {
    /// Where row 0 starts in the file.
    offset: u64,
    vocab: usize,
}

impl WordTable {
    pub fn load(t: &Tensors, vocab: usize, dims: usize) -> KernelResult<Self> {
        let offset = t.file_offset(NAME, &[vocab, dims])?;
        t.release(NAME);
        Ok(WordTable { offset, vocab })
    }

    /// `out += row id`; `bytes` is scratch of `4 × out.len()` bytes.
    pub fn add_row(
        &self,
        t: &Tensors,
        id: usize,
        out: &mut [f32],
        bytes: &mut [u8],
    ) -> KernelResult<()> {
        let dims = out.len();
        let at = self.offset + (id.min(self.vocab - 1) * dims * 4) as u64;
        t.read_at(at, bytes)
            .map_err(|e| KernelError::new(Status::Io, format!("word embeddings: {e}")))?;
        for (o, v) in out.iter_mut().zip(bytes.chunks_exact(4)) {
            *o += f32::from_le_bytes([v[0], v[1], v[2], v[3]]);
        }
        Ok(())
    }
}

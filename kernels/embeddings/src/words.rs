//! The word-embedding table (`vocab × hidden`, 47 MB in f32 for MiniLM), the largest tensor
//! and the one read most sparsely: a text touches a few dozen rows.
//!
//! f32 models read it from the memory map, with the map advised as random access so a fault
//! maps one page instead of the kernel's 64 KB fault-around (otherwise 50 short texts made 40
//! MB resident). Int8 models quantize it at load, per row (11.7 MB of heap, fixed), since a
//! long-running server eventually touches most of the vocabulary.

use crate::safetensors::Tensors;
use ligero_abi::KernelResult;

pub const NAME: &str = "embeddings.word_embeddings.weight";

pub enum WordTable {
    Mapped,
    Int8 { rows: Vec<i8>, scales: Vec<f32> },
}

impl WordTable {
    pub fn load(t: &Tensors, vocab: usize, dims: usize, int8: bool) -> KernelResult<Self> {
        let table = t.f32(NAME, &[vocab, dims])?;
        if !int8 {
            return Ok(WordTable::Mapped);
        }
        let mut rows = vec![0i8; vocab * dims];
        let mut scales = vec![0f32; vocab];
        for ((row, q), scale) in table
            .chunks_exact(dims)
            .zip(rows.chunks_exact_mut(dims))
            .zip(&mut scales)
        {
            let amax = row.iter().fold(0f32, |m, v| m.max(v.abs()));
            *scale = if amax > 0.0 { amax / 127.0 } else { 1.0 };
            for (d, v) in q.iter_mut().zip(row) {
                *d = (v / *scale).round() as i8;
            }
        }
        t.release(NAME);
        Ok(WordTable::Int8 { rows, scales })
    }

    /// `out += row id`; `mapped` is the table in the memory map (used by f32 models).
    pub fn add_row(&self, mapped: &[f32], id: usize, out: &mut [f32]) {
        let dims = out.len();
        match self {
            WordTable::Mapped => {
                for (o, v) in out.iter_mut().zip(&mapped[id * dims..(id + 1) * dims]) {
                    *o += v;
                }
            }
            WordTable::Int8 { rows, scales } => {
                let scale = scales[id];
                for (o, &q) in out.iter_mut().zip(&rows[id * dims..(id + 1) * dims]) {
                    *o += q as f32 * scale;
                }
            }
        }
    }

    pub fn heap_bytes(&self) -> usize {
        match self {
            WordTable::Mapped => 0,
            WordTable::Int8 { rows, scales } => rows.len() + scales.len() * 4,
        }
    }
}

//! A memory-mapped `.safetensors` file: an 8-byte little-endian header length, a JSON header
//! (`name → {dtype, shape, data_offsets}`), then raw little-endian tensor bytes.
//!
//! The file is mapped, never read into the heap: a tensor is a borrowed slice of the map, so
//! only pages the encoder touches become resident. Weights that get repacked at load are
//! dropped from the map afterwards with [`Tensors::release`]; the word-embedding table is read
//! row by row with [`Tensors::read_at`] instead (words.rs).

use ligero_abi::{KernelError, KernelResult, Status};
use memmap2::{Advice, Mmap, UncheckedAdvice};
use serde_json::Value;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

struct Entry {
    shape: Vec<usize>,
    start: usize,
    end: usize,
}

pub struct Tensors {
    file: File,
    map: Mmap,
    data_start: usize,
    entries: HashMap<String, Entry>,
}

fn damaged(message: impl Into<String>) -> KernelError {
    KernelError::new(Status::Damaged, message)
}

impl Tensors {
    pub fn open(path: &Path) -> KernelResult<Self> {
        let file = File::open(path)
            .map_err(|e| KernelError::new(Status::NotFound, format!("{}: {e}", path.display())))?;
        // SAFETY: the model file is treated as read-only input; a concurrent writer would
        // change weights under us, which the loader documents as unsupported.
        let map = unsafe { Mmap::map(&file) }
            .map_err(|e| KernelError::new(Status::Io, format!("mmap {}: {e}", path.display())))?;
        // tensors are read sparsely (a few embedding rows) or once (at repacking): no
        // readahead, and a fault maps one page, not its 64 KB neighbourhood. A hint only.
        let _ = map.advise(Advice::Random);
        let header_len = map
            .get(..8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as usize)
            .ok_or_else(|| damaged("safetensors: file shorter than its header length"))?;
        let data_start = 8usize
            .checked_add(header_len)
            .filter(|&end| end <= map.len())
            .ok_or_else(|| damaged("safetensors: header length past the end of the file"))?;
        let header: Value = serde_json::from_slice(&map[8..data_start])
            .map_err(|e| damaged(format!("safetensors: header is not JSON: {e}")))?;
        let object = header
            .as_object()
            .ok_or_else(|| damaged("safetensors: header is not an object"))?;
        let mut entries = HashMap::new();
        for (name, info) in object {
            if name == "__metadata__" {
                continue;
            }
            entries.insert(
                name.clone(),
                parse_entry(name, info, map.len() - data_start)?,
            );
        }
        Ok(Self {
            file,
            map,
            data_start,
            entries,
        })
    }

    /// Where the f32 tensor `name` starts in the file, checked as [`Tensors::f32`] checks it.
    pub fn file_offset(&self, name: &str, shape: &[usize]) -> KernelResult<u64> {
        let start = self.f32(name, shape)?.as_ptr() as usize - self.map.as_ptr() as usize;
        Ok(start as u64)
    }

    /// Fills `out` with the file's bytes at `offset`, through the page cache, not the map.
    pub fn read_at(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.file.read_exact_at(out, offset)
    }

    /// The f32 tensor `name`, checked against the shape the model expects.
    pub fn f32(&self, name: &str, shape: &[usize]) -> KernelResult<&[f32]> {
        let entry = self
            .entries
            .get(name)
            .ok_or_else(|| damaged(format!("safetensors: missing tensor {name}")))?;
        if entry.shape != shape {
            return Err(damaged(format!(
                "safetensors: {name} has shape {:?}, expected {shape:?}",
                entry.shape
            )));
        }
        let bytes = &self.map[self.data_start + entry.start..self.data_start + entry.end];
        if bytes.len() != shape.iter().product::<usize>() * 4 {
            return Err(damaged(format!("safetensors: {name} is not F32")));
        }
        if bytes.as_ptr().align_offset(4) != 0 {
            return Err(damaged(format!(
                "safetensors: {name} is not 4-byte aligned"
            )));
        }
        // SAFETY: length and alignment checked above; the map outlives the borrow.
        Ok(unsafe { std::slice::from_raw_parts(bytes.as_ptr() as *const f32, bytes.len() / 4) })
    }

    /// Tells the kernel the pages of `name` are no longer needed (they were repacked), so
    /// they stop counting in RSS. Reading them again would fault them back in from the file.
    pub fn release(&self, name: &str) {
        if let Some(entry) = self.entries.get(name) {
            let page = 4096;
            let start = (self.data_start + entry.start).div_ceil(page) * page;
            let end = (self.data_start + entry.end) / page * page;
            if end > start {
                // SAFETY: the map is a read-only view of the file, so dropped pages read back
                // identical; failing to drop them only costs memory.
                let _ = unsafe {
                    self.map
                        .unchecked_advise_range(UncheckedAdvice::DontNeed, start, end - start)
                };
            }
        }
    }
}

fn parse_entry(name: &str, info: &Value, data_len: usize) -> KernelResult<Entry> {
    let dtype = info.get("dtype").and_then(Value::as_str).unwrap_or("");
    let shape: Vec<usize> = info
        .get("shape")
        .and_then(Value::as_array)
        .map(|dims| {
            dims.iter()
                .filter_map(Value::as_u64)
                .map(|d| d as usize)
                .collect()
        })
        .ok_or_else(|| damaged(format!("safetensors: {name} has no shape")))?;
    let offsets: Vec<usize> = info
        .get("data_offsets")
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(Value::as_u64)
                .map(|d| d as usize)
                .collect()
        })
        .unwrap_or_default();
    let [start, end] = offsets[..] else {
        return Err(damaged(format!("safetensors: {name} has no data_offsets")));
    };
    if start > end || end > data_len {
        return Err(damaged(format!(
            "safetensors: {name} lies outside the file"
        )));
    }
    if dtype != "F32" && dtype != "I64" && dtype != "F16" && dtype != "BF16" {
        return Err(damaged(format!(
            "safetensors: {name} has unknown dtype {dtype}"
        )));
    }
    Ok(Entry { shape, start, end })
}

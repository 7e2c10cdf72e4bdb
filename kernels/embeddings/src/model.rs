//! A loaded sentence encoder: tokenizer + BERT + pooling, a thread pool, and the scratch
//! buffers of one forward pass. Batches are packed into forward passes of at most
//! [`PASS_TOKENS`] tokens (or one longest sequence), which bounds the scratch memory (~4 MB
//! for MiniLM).

use crate::attention::Span;
use crate::bert::{Bert, Scratch};
use crate::config::{read_json, BertConfig};
use crate::gemm::Isa;
use crate::pooling::pool;
use crate::safetensors::Tensors;
use crate::tokenizer::{Encoding, Tokenizer};
use ligero_abi::{KernelError, KernelResult, Status};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Mutex;

/// Tokens per forward pass: large enough that GEMMs run at full speed, small enough that
/// the activations (hidden × ~7 + intermediate floats per token) stay a few MB.
pub const PASS_TOKENS: usize = 256;

/// Scratch sized for passes up to this many tokens is kept between calls (~1 MB, so queries
/// allocate nothing); a call that needed more frees it at the end, so the ~4 MB of a batch
/// leave RSS with the batch (and re-faulting it costs well under 1% of a batch call).
const KEEP_TOKENS: usize = 64;

pub struct Model {
    pub tokenizer: Tokenizer,
    pub bert: Bert,
    pub isa: Isa,
    pub int8: bool,
    pool: rayon::ThreadPool,
    scratch: Mutex<Scratch>,
}

/// Per-text results of [`Model::embed`] besides the vectors.
pub struct TextInfo {
    pub tokens: u32,
    pub truncated: bool,
}

impl Model {
    pub fn load(dir: &Path, int8: bool, threads: usize) -> KernelResult<Self> {
        let cfg = BertConfig::load(dir)?;
        let tokenizer = Tokenizer::from_json(&read_json(&dir.join("tokenizer.json"))?)?;
        let tensors = Tensors::open(&dir.join("model.safetensors"))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("ligero-embed-{i}"))
            .build()
            .map_err(|e| KernelError::new(Status::Io, format!("thread pool: {e}")))?;
        let isa = Isa::detect();
        // without VNNI the int8 GEMM is the scalar reference, slower than f32 with AVX2:
        // such CPUs get f32 (`emb_describe` reports what was loaded)
        let int8 = int8 && isa == Isa::Avx512Vnni;
        let bert = pool.install(|| Bert::load(tensors, cfg, int8))?;
        release_freed_heap();
        Ok(Self {
            tokenizer,
            bert,
            isa,
            int8,
            pool,
            scratch: Mutex::new(Scratch::default()),
        })
    }

    pub fn dims(&self) -> usize {
        self.bert.cfg.hidden_size
    }

    pub fn max_len(&self) -> usize {
        self.bert.cfg.max_len
    }

    /// Embeds `texts` into `out` (`texts.len() × dims`, L2-normalized rows).
    pub fn embed(&self, texts: &[&str], out: &mut [f32]) -> KernelResult<Vec<TextInfo>> {
        if out.len() != texts.len() * self.dims() {
            return Err(KernelError::new(
                Status::BufferTooSmall,
                "output must hold n × dims floats",
            ));
        }
        // one hop into the pool for the whole call: each hop wakes a worker and parks the
        // caller, which costs more than tokenizing a query
        self.pool.install(|| self.embed_in_pool(texts, out))
    }

    fn embed_in_pool(&self, texts: &[&str], out: &mut [f32]) -> KernelResult<Vec<TextInfo>> {
        let (dims, max_len) = (self.dims(), self.max_len());
        let pass_tokens = PASS_TOKENS.max(max_len);
        let encodings: Vec<Encoding> = texts
            .par_iter()
            .map(|t| self.tokenizer.encode(t, max_len))
            .collect();
        let mut scratch = self.scratch.lock().unwrap_or_else(|e| e.into_inner());
        let mut ids = Vec::with_capacity(pass_tokens);
        let mut spans = Vec::new();
        let mut first = 0;
        for (i, enc) in encodings.iter().enumerate() {
            if ids.len() + enc.ids.len() > pass_tokens {
                self.pass(&ids, &spans, &mut scratch, &mut out[first * dims..i * dims])?;
                ids.clear();
                spans.clear();
                first = i;
            }
            spans.push(Span {
                start: ids.len(),
                len: enc.ids.len(),
            });
            ids.extend_from_slice(&enc.ids);
        }
        self.pass(&ids, &spans, &mut scratch, &mut out[first * dims..])?;
        if scratch.tokens > KEEP_TOKENS {
            *scratch = Scratch::default();
        }
        let info = |e: &Encoding| TextInfo {
            tokens: e.ids.len() as u32,
            truncated: e.truncated,
        };
        Ok(encodings.iter().map(info).collect())
    }

    fn pass(
        &self,
        ids: &[u32],
        spans: &[Span],
        s: &mut Scratch,
        out: &mut [f32],
    ) -> KernelResult<()> {
        if spans.is_empty() {
            return Ok(());
        }
        self.bert.forward(self.isa, ids, spans, s)?;
        let (dims, mode) = (self.dims(), self.bert.cfg.pooling);
        for (span, row) in spans.iter().zip(out.chunks_exact_mut(dims)) {
            pool(&s.hidden, *span, dims, mode, row);
        }
        Ok(())
    }
}

/// Loading parses tokenizer.json into a few MB of short-lived JSON values; glibc keeps such
/// freed memory in its arenas unless asked, and it would count in RSS for the server's life.
fn release_freed_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free memory to the OS; it has no preconditions.
        unsafe {
            malloc_trim(0);
        }
    }
}

//! The BERT encoder. Struct paths follow the checkpoint's tensor names
//! (`encoder.layer.{i}.attention.self.query.weight` → `Layer.attention.self_.query…`), as in
//! Hugging Face's `modeling_bert.py` (BertEmbeddings, BertSelfAttention, BertSelfOutput,
//! BertIntermediate, BertOutput); the three self-attention projections are packed into one
//! `[q | k | v]` layer so a single GEMM reads the activations once.
//!
//! Sequences are packed back to back without padding: every dense layer runs over all tokens
//! of the batch, and only attention looks at sequence boundaries ([`Span`]), which is what an
//! attention mask would otherwise do.

mod layer;

use crate::attention::{attention, Span};
use crate::config::BertConfig;
use crate::gemm::{Activation, Isa, Linear, QuantizedRows};
use crate::ops::{add_layer_norm, layer_norm};
use crate::safetensors::Tensors;
use crate::words::WordTable;
use layer::{Layer, LayerNorm};
use ligero_abi::KernelResult;

struct Embeddings {
    word_embeddings: WordTable,
    position_embeddings: Vec<f32>,
    token_type_embeddings: Vec<f32>,
    layer_norm: LayerNorm,
}

pub struct Bert {
    pub cfg: BertConfig,
    tensors: Tensors,
    embeddings: Embeddings,
    layers: Vec<Layer>,
}

/// Activations of one forward pass, reused across calls (grown as needed; the model drops
/// them after large passes).
#[derive(Default)]
pub struct Scratch {
    /// The most tokens a pass has needed: what the buffers are sized for.
    pub tokens: usize,
    pub hidden: Vec<f32>,
    qkv: Vec<f32>,
    ctx: Vec<f32>,
    tmp: Vec<f32>,
    inter: Vec<f32>,
    /// One per projection of the `[q | k | v]` step, which run in parallel; the second also
    /// takes the intermediate layer's output, quantized by its GEMM tasks for the next.
    quant: [QuantizedRows; 3],
}

impl Bert {
    pub fn load(tensors: Tensors, cfg: BertConfig, int8: bool) -> KernelResult<Self> {
        let h = cfg.hidden_size;
        let t = &tensors;
        let embeddings = Embeddings {
            word_embeddings: WordTable::load(t, cfg.vocab_size, h)?,
            position_embeddings: t.f32(
                "embeddings.position_embeddings.weight",
                &[cfg.max_position_embeddings, h],
            )?[..cfg.max_len * h]
                .to_vec(),
            token_type_embeddings: t
                .f32(
                    "embeddings.token_type_embeddings.weight",
                    &[cfg.type_vocab_size, h],
                )?
                .to_vec(),
            layer_norm: LayerNorm::load(t, "embeddings.LayerNorm", h)?,
        };
        t.release("embeddings.position_embeddings.weight");
        let mut layers: Vec<Layer> = Vec::with_capacity(cfg.num_hidden_layers);
        for i in 0..cfg.num_hidden_layers {
            let input_norm = layers
                .last()
                .map_or(&embeddings.layer_norm, |l| &l.output.layer_norm);
            let layer = Layer::load(t, &cfg, i, int8, input_norm)?;
            layers.push(layer);
        }
        Ok(Self {
            cfg,
            tensors,
            embeddings,
            layers,
        })
    }

    /// Bytes the encoder allocated for weights.
    pub fn heap_bytes(&self) -> usize {
        let e = &self.embeddings;
        (e.position_embeddings.len() + e.token_type_embeddings.len()) * 4
            + self.layers.iter().map(Layer::bytes).sum::<usize>()
    }

    /// Bytes of weights read from the file as needed (the word table, through the page
    /// cache: none of it resident in this process).
    pub fn mapped_bytes(&self) -> usize {
        self.cfg.vocab_size * self.cfg.hidden_size * 4
    }

    /// Runs the encoder over packed token `ids`; the last hidden states end in `s.hidden`.
    pub fn forward(
        &self,
        isa: Isa,
        ids: &[u32],
        spans: &[Span],
        s: &mut Scratch,
    ) -> KernelResult<()> {
        let (h, f, m) = (self.cfg.hidden_size, self.cfg.intermediate_size, ids.len());
        s.tokens = s.tokens.max(m);
        s.hidden.resize(m * h, 0.0);
        s.qkv.resize(m * 3 * h, 0.0);
        s.ctx.resize(m * h, 0.0);
        s.tmp.resize(m * h, 0.0);
        s.inter.resize(m * f, 0.0);
        self.embed(isa, ids, spans, &mut s.hidden)?;
        let eps = self.cfg.layer_norm_eps;
        let heads = self.cfg.num_attention_heads;
        for layer in &self.layers {
            let (attn, out) = (&layer.attention, &layer.output);
            let a = &attn.self_;
            let projections = [(&a.query, 0), (&a.key, h), (&a.value, 2 * h)];
            Linear::forward_many(
                isa,
                &projections,
                &s.hidden,
                m,
                &mut s.qkv,
                3 * h,
                &mut s.quant,
            );
            attention(
                isa,
                &s.qkv[..m * 3 * h],
                &mut s.ctx[..m * h],
                spans,
                heads,
                h,
            );
            let q = &mut s.quant[0];
            attn.output
                .dense
                .forward(isa, &s.ctx, m, &mut s.tmp, h, q, Activation::None, None);
            let ln = &attn.output.layer_norm;
            add_layer_norm(
                isa,
                &mut s.hidden[..m * h],
                &s.tmp[..m * h],
                &ln.weight,
                &ln.bias,
                eps,
            );
            let [q, fed, _] = &mut s.quant;
            let feed = Some((&out.dense, &mut *fed));
            layer.intermediate.forward(
                isa,
                &s.hidden,
                m,
                &mut s.inter,
                f,
                q,
                Activation::Gelu,
                feed,
            );
            out.dense
                .forward(isa, &s.inter, m, &mut s.tmp, h, fed, Activation::None, None);
            let ln = &out.layer_norm;
            add_layer_norm(
                isa,
                &mut s.hidden[..m * h],
                &s.tmp[..m * h],
                &ln.weight,
                &ln.bias,
                eps,
            );
        }
        Ok(())
    }

    fn embed(&self, isa: Isa, ids: &[u32], spans: &[Span], out: &mut [f32]) -> KernelResult<()> {
        let h = self.cfg.hidden_size;
        let e = &self.embeddings;
        let mut bytes = vec![0u8; h * 4];
        for span in spans {
            for pos in 0..span.len {
                let t = span.start + pos;
                let id = (ids[t] as usize).min(self.cfg.vocab_size - 1);
                let row = &mut out[t * h..(t + 1) * h];
                let position = &e.position_embeddings[pos * h..(pos + 1) * h];
                for (i, v) in row.iter_mut().enumerate() {
                    *v = position[i] + e.token_type_embeddings[i];
                }
                e.word_embeddings
                    .add_row(&self.tensors, id, row, &mut bytes)?;
            }
        }
        let ln = &e.layer_norm;
        layer_norm(isa, out, &ln.weight, &ln.bias, self.cfg.layer_norm_eps);
        Ok(())
    }
}

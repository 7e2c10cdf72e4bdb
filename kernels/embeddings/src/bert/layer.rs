//! One encoder layer's weights and the LayerNorms feeding them, loaded and packed under the
//! checkpoint's tensor names (see the module doc of `bert`).

use crate::config::BertConfig;
use crate::gemm::{Format, Linear};
use crate::safetensors::Tensors;
use ligero_abi::KernelResult;

pub(super) struct LayerNorm {
    pub(super) weight: Vec<f32>,
    pub(super) bias: Vec<f32>,
}

impl LayerNorm {
    pub(super) fn load(t: &Tensors, name: &str, n: usize) -> KernelResult<Self> {
        Ok(Self {
            weight: t.f32(&format!("{name}.weight"), &[n])?.to_vec(),
            bias: t.f32(&format!("{name}.bias"), &[n])?.to_vec(),
        })
    }
}

/// Loads and packs the dense layer `name`. For int8, `input_norm` is the LayerNorm feeding
/// the layer, if any: its gain and bias bound each input channel's range, which sets the
/// smoothing factors (see `gemm/quantize.rs`).
fn linear(
    t: &Tensors,
    name: &str,
    (n, k): (usize, usize),
    int8: bool,
    input_norm: Option<&LayerNorm>,
) -> KernelResult<Linear> {
    let weight = t.f32(&format!("{name}.weight"), &[n, k])?;
    let bias = t.f32(&format!("{name}.bias"), &[n])?;
    let smooth = input_norm.map(|ln| smoothing(ln, weight, k));
    let format = if int8 {
        Format::Int8(smooth.as_deref())
    } else {
        Format::F32
    };
    let layer = Linear::new(weight, bias, n, k, format);
    t.release(&format!("{name}.weight"));
    Ok(layer)
}

/// SmoothQuant's `s = √(max|x| / max|w|)` per input channel, with `max|x|` estimated from the
/// LayerNorm that produced x (normalized values rarely pass 4σ: `4|γ| + |β|`).
fn smoothing(ln: &LayerNorm, weight: &[f32], k: usize) -> Vec<f32> {
    let mut wmax = vec![0f32; k];
    for row in weight.chunks_exact(k) {
        for (m, w) in wmax.iter_mut().zip(row) {
            *m = m.max(w.abs());
        }
    }
    let xmax = ln
        .weight
        .iter()
        .zip(&ln.bias)
        .map(|(g, b)| 4.0 * g.abs() + b.abs());
    xmax.zip(wmax)
        .map(|(x, w)| (x.max(1e-5) / w.max(1e-5)).sqrt())
        .collect()
}

/// Each projection is its own layer (writing into one `[q | k | v]` row): for int8 each
/// gets smoothing factors fitted to its own weights, which a stacked layer could not.
pub(super) struct SelfAttention {
    pub(super) query: Linear,
    pub(super) key: Linear,
    pub(super) value: Linear,
}

pub(super) struct SelfOutput {
    pub(super) dense: Linear,
    pub(super) layer_norm: LayerNorm,
}

pub(super) struct Attention {
    pub(super) self_: SelfAttention,
    pub(super) output: SelfOutput,
}

pub(super) struct Layer {
    pub(super) attention: Attention,
    pub(super) intermediate: Linear,
    pub(super) output: SelfOutput,
}

impl Layer {
    /// `input_norm`: the LayerNorm whose output enters this layer.
    pub(super) fn load(
        t: &Tensors,
        cfg: &BertConfig,
        i: usize,
        int8: bool,
        input_norm: &LayerNorm,
    ) -> KernelResult<Self> {
        let (h, f) = (cfg.hidden_size, cfg.intermediate_size);
        let p = format!("encoder.layer.{i}");
        let projection = |n: &str| {
            linear(
                t,
                &format!("{p}.attention.self.{n}"),
                (h, h),
                int8,
                Some(input_norm),
            )
        };
        let attention_norm = LayerNorm::load(t, &format!("{p}.attention.output.LayerNorm"), h)?;
        let intermediate_name = format!("{p}.intermediate.dense");
        let intermediate = linear(t, &intermediate_name, (f, h), int8, Some(&attention_norm))?;
        Ok(Self {
            attention: Attention {
                self_: SelfAttention {
                    query: projection("query")?,
                    key: projection("key")?,
                    value: projection("value")?,
                },
                output: SelfOutput {
                    dense: linear(
                        t,
                        &format!("{p}.attention.output.dense"),
                        (h, h),
                        int8,
                        None,
                    )?,
                    layer_norm: attention_norm,
                },
            },
            intermediate,
            output: SelfOutput {
                dense: linear(t, &format!("{p}.output.dense"), (h, f), int8, None)?,
                layer_norm: LayerNorm::load(t, &format!("{p}.output.LayerNorm"), h)?,
            },
        })
    }

    pub(super) fn bytes(&self) -> usize {
        let ln = |l: &LayerNorm| (l.weight.len() + l.bias.len()) * 4;
        let a = &self.attention.self_;
        a.query.bytes()
            + a.key.bytes()
            + a.value.bytes()
            + self.attention.output.dense.bytes()
            + ln(&self.attention.output.layer_norm)
            + self.intermediate.bytes()
            + self.output.dense.bytes()
            + ln(&self.output.layer_norm)
    }
}

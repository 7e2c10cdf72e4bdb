//! Dense layers `y = x · Wᵀ + b` over weights repacked once at load.
//!
//! Weights arrive as `[n, k]` rows (PyTorch's `Linear`). They are repacked into panels of
//! [`NR`] output columns, k-major, so the micro-kernel streams one panel while broadcasting
//! activations: f32 panels hold `k × NR` floats; int8 panels hold `k/4 × NR × 4` bytes, the
//! layout `vpdpbusd` (AVX-512 VNNI) consumes, with one scale per output column.
//!
//! Each instruction set has its own file with the same entry points ([`scalar`] is the
//! reference every path is tested against). Threads split the output columns by panel.

mod avx2;
mod avx512;
mod isa;
mod quantize;
pub mod scalar;

use crate::ops::gelu;
pub use isa::Isa;
pub use quantize::{quantize_columns, quantize_rows, QuantizedRows, GROUP};
use rayon::prelude::*;

/// Output columns per packed panel: two AVX-512 registers of f32 or i32.
pub const NR: usize = 32;

/// A linear layer's weights in one of the packed formats.
pub enum Packed {
    F32(Vec<f32>),
    /// Panels of int8 weights, per-column scales, `128 × Σₖ w` per panel, group and column
    /// (the VNNI kernel multiplies activations shifted by 128 and takes this back out), and
    /// the inverse smoothing factor of each input.
    I8 {
        panels: Vec<i8>,
        scales: Vec<f32>,
        shift: Vec<i32>,
        smooth_inv: Vec<f32>,
    },
}

/// What a layer applies to its outputs, inside its GEMM tasks while they are in cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    None,
    Gelu,
}

/// How a layer's weights are stored.
pub enum Format<'a> {
    F32,
    /// Int8 with per-input smoothing factors (`None`: all 1).
    Int8(Option<&'a [f32]>),
}

pub struct Linear {
    pub n: usize,
    pub k: usize,
    pub packed: Packed,
    pub bias: Vec<f32>,
}

impl Linear {
    /// Packs `weight` (`[n, k]` row-major); `n` must be a multiple of [`NR`]. Int8 needs `k`
    /// to be a multiple of [`GROUP`] and falls back to f32 otherwise.
    pub fn new(weight: &[f32], bias: &[f32], n: usize, k: usize, format: Format) -> Self {
        let packed = if let (Format::Int8(smooth), true) = (&format, k.is_multiple_of(GROUP)) {
            let ones = vec![1f32; k];
            quantize::pack_i8(weight, n, k, smooth.unwrap_or(&ones))
        } else {
            let mut panels = vec![0f32; n * k];
            for (p, panel) in panels.chunks_exact_mut(k * NR).enumerate() {
                for kk in 0..k {
                    for j in 0..NR {
                        panel[kk * NR + j] = weight[(p * NR + j) * k + kk];
                    }
                }
            }
            Packed::F32(panels)
        };
        Self {
            n,
            k,
            packed,
            bias: bias.to_vec(),
        }
    }

    pub fn bytes(&self) -> usize {
        let weights = match &self.packed {
            Packed::F32(p) => p.len() * 4,
            Packed::I8 {
                panels,
                scales,
                shift,
                smooth_inv,
            } => panels.len() + (scales.len() + shift.len() + smooth_inv.len()) * 4,
        };
        weights + self.bias.len() * 4
    }

    /// `out[r·ldc + c] = act((x[m, k] · Wᵀ + b)[r, c])`, columns split across the current
    /// rayon pool. `q` is scratch for the quantized activations of the int8 path (or holds
    /// them already, when `q.ready`). `feed`: the int8 layer that reads `out` next and its
    /// scratch, filled by this layer's tasks while their columns are in cache (otherwise the
    /// next layer quantizes all of `out` on one thread before its GEMM starts).
    #[allow(clippy::too_many_arguments)]
    pub fn forward(
        &self,
        isa: Isa,
        x: &[f32],
        m: usize,
        out: &mut [f32],
        ldc: usize,
        q: &mut QuantizedRows,
        act: Activation,
        feed: Option<(&Linear, &mut QuantizedRows)>,
    ) {
        let needed = if m == 0 { 0 } else { (m - 1) * ldc + self.n };
        assert!(
            x.len() >= m * self.k && out.len() >= needed && ldc >= self.n,
            "linear: bad buffers"
        );
        let mut feed = feed.filter(|(next, _)| next.k == self.n);
        if let Some((next, q)) = &mut feed {
            q.resize(m, next.k);
        }
        let target = feed.as_ref().and_then(|(next, q)| match &next.packed {
            Packed::I8 { smooth_inv, .. } => Some((smooth_inv.as_slice(), &**q)),
            Packed::F32(_) => None,
        });
        let fed = target.is_some();
        // SAFETY: checked above that out holds m rows of ldc ≥ n floats.
        unsafe { self.forward_raw(isa, x, m, SendPtr(out.as_mut_ptr()), ldc, q, act, target) };
        if let (true, Some((_, q))) = (fed, feed) {
            q.ready = true;
        }
    }

    /// Several layers over the same input at once, `layers[i] = (layer, column)` writing
    /// columns `column..column + n` of `out`, each with its own quantization scratch `q[i]`:
    /// one parallel region instead of one per layer (a short query's layers are only a few
    /// tasks each, and every region costs a wake-up of the other threads).
    pub fn forward_many(
        isa: Isa,
        layers: &[(&Linear, usize)],
        x: &[f32],
        m: usize,
        out: &mut [f32],
        ldc: usize,
        q: &mut [QuantizedRows],
    ) {
        let fits = layers.iter().all(|(l, col)| {
            x.len() >= m * l.k
                && col + l.n <= ldc
                && (m == 0 || out.len() >= (m - 1) * ldc + col + l.n)
        });
        assert!(fits && q.len() >= layers.len(), "linear: bad buffers");
        let out = SendPtr(out.as_mut_ptr());
        layers.par_iter().zip(q).for_each(|(&(layer, col), q)| {
            // SAFETY: checked above; layers write disjoint column ranges.
            unsafe {
                let out = SendPtr(out.get().add(col));
                layer.forward_raw(isa, x, m, out, ldc, q, Activation::None, None)
            }
        });
    }

    /// # Safety
    /// `out` must point to `m` rows of `ldc ≥ n` floats; no other thread writes its first
    /// `n` columns.
    #[allow(clippy::too_many_arguments)]
    unsafe fn forward_raw(
        &self,
        isa: Isa,
        x: &[f32],
        m: usize,
        out: SendPtr,
        ldc: usize,
        q: &mut QuantizedRows,
        act: Activation,
        feed: Option<(&[f32], &QuantizedRows)>,
    ) {
        if let Packed::I8 { smooth_inv, .. } = &self.packed {
            if !std::mem::take(&mut q.ready) {
                quantize_rows(isa, x, m, self.k, smooth_inv, q);
            }
        }
        let panels = self.n / NR;
        // ~4 tasks per thread keeps both cores busy without splitting panels too finely; a
        // task that quantizes its outputs for the next layer owns whole groups
        let mut per_task = panels.div_ceil(rayon::current_num_threads() * 4).max(1);
        if feed.is_some() {
            per_task = per_task.next_multiple_of(GROUP / NR);
        }
        let q: &QuantizedRows = q;
        (0..panels)
            .into_par_iter()
            .step_by(per_task)
            .for_each(|first| {
                let count = per_task.min(panels - first);
                // SAFETY: tasks write disjoint column ranges [first·NR, (first+count)·NR) of out.
                unsafe {
                    self.panels(isa, x, q, m, first, count, out.get(), ldc);
                    if act == Activation::Gelu {
                        for r in 0..m {
                            let at = out.get().add(r * ldc + first * NR);
                            gelu(isa, std::slice::from_raw_parts_mut(at, count * NR));
                        }
                    }
                    if let Some((smooth_inv, next)) = feed {
                        let cols = first * NR..(first + count) * NR;
                        quantize_columns(isa, out.get(), ldc, m, self.n, cols, smooth_inv, next);
                    }
                }
            });
    }

    /// Runs panels `first..first + count` over all `m` rows.
    ///
    /// # Safety
    /// `out` must point to `m` rows of `ldc` floats; no other thread writes these columns.
    #[allow(clippy::too_many_arguments)]
    unsafe fn panels(
        &self,
        isa: Isa,
        x: &[f32],
        q: &QuantizedRows,
        m: usize,
        first: usize,
        count: usize,
        out: *mut f32,
        ldc: usize,
    ) {
        let k = self.k;
        let bias = &self.bias[first * NR..];
        let out = out.add(first * NR);
        match &self.packed {
            Packed::F32(p) => {
                let p = &p[first * k * NR..(first + count) * k * NR];
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 | Isa::Avx512Vnni => avx512::gemm_f32(x, m, k, p, bias, out, ldc),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2 => avx2::gemm_f32(x, m, k, p, bias, out, ldc),
                    _ => scalar::gemm_f32(x, m, k, p, bias, out, ldc),
                }
            }
            Packed::I8 {
                panels,
                scales,
                shift,
                ..
            } => {
                let p = &panels[first * k * NR..(first + count) * k * NR];
                let (s, sh) = (&scales[first * NR..], &shift[first * (k / GROUP) * NR..]);
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512Vnni => avx512::gemm_i8(q, m, k, p, s, sh, bias, out, ldc),
                    _ => scalar::gemm_i8(q, m, k, p, s, sh, bias, out, ldc),
                }
            }
        }
    }
}

#[derive(Clone, Copy)]
struct SendPtr(*mut f32);
// SAFETY: used only to hand disjoint output regions to rayon tasks (see `forward`).
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}
impl SendPtr {
    fn get(self) -> *mut f32 {
        self.0
    }
}

#[cfg(test)]
mod tests;

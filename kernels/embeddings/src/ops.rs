//! Row-wise operations of the encoder (LayerNorm with its residual, GELU, softmax), written as
//! plain loops and compiled once per instruction set through [`multiversion!`], so LLVM
//! vectorizes the same source for AVX-512, AVX2 and the portable build.
//! `exp` and `erf` are branch-free polynomial approximations for that reason (libm's are
//! scalar calls); tests bound their error against float64.

/// Defines `fn name(isa, args…)` running `body` compiled for the best available ISA.
macro_rules! multiversion {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $(#[$meta])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name(isa: $crate::gemm::Isa, $($arg: $ty),*) {
            #[inline(always)]
            fn body($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512bw,avx512vl,avx512dq,fma")]
            unsafe fn avx512($($arg: $ty),*) { body($($arg),*) }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            unsafe fn avx2($($arg: $ty),*) { body($($arg),*) }
            match isa {
                // SAFETY: the ISA was detected at load, so its instructions exist.
                #[cfg(target_arch = "x86_64")]
                $crate::gemm::Isa::Avx512 | $crate::gemm::Isa::Avx512Vnni => unsafe {
                    avx512($($arg),*)
                },
                #[cfg(target_arch = "x86_64")]
                $crate::gemm::Isa::Avx2 => unsafe { avx2($($arg),*) },
                _ => body($($arg),*),
            }
        }
    };
}
pub(crate) use multiversion;

/// e^x with relative error below 2e-7 on the range softmax uses (x ≤ 0).
#[inline(always)]
#[allow(clippy::manual_clamp)] // clamp() keeps a NaN, which the unchecked cast must not see
pub fn exp(x: f32) -> f32 {
    // max/min drop a NaN (IEEE maxNum), so x is finite from here on
    let x = x.max(-87.0).min(88.0);
    let n = (x * std::f32::consts::LOG2_E + 0.5).floor();
    // ln 2 split in two so r = x − n·ln2 keeps its low bits
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // `as i32` would check each lane for NaN and saturate, which keeps LLVM from vectorizing
    // SAFETY: n is a whole number in [-126, 127] since x is finite and clamped.
    let n = unsafe { n.to_int_unchecked::<i32>() };
    p * f32::from_bits(((n + 127) << 23) as u32)
}

/// erf(x) as a rational function of x (Eigen's single-precision fit), error ~1e-7.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_3e-10f32;
    p = p * x2 + 2.770_681_4e-8;
    p = p * x2 - 2.101_024e-6;
    p = p * x2 - 5.692_506_4e-5;
    p = p * x2 - 7.349_906_3e-4;
    p = p * x2 - 2.954_600_2e-3;
    p = p * x2 - 1.609_603_4e-2;
    let mut q = -1.456_607_2e-5f32;
    q = q * x2 - 2.133_740_6e-4;
    q = q * x2 - 1.682_827e-3;
    q = q * x2 - 7.373_329e-3;
    q = q * x2 - 1.426_474e-2;
    x * p / q
}

multiversion! {
    /// `x ← gelu(x)`, the exact (erf) form BERT uses.
    pub fn gelu(x: &mut [f32]) {
        for v in x.iter_mut() {
            *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
        }
    }
}

multiversion! {
    /// `x ← LayerNorm(x + residual)` row by row (rows of `weight.len()` floats).
    pub fn add_layer_norm(x: &mut [f32], residual: &[f32], weight: &[f32], bias: &[f32], eps: f32) {
        let n = weight.len();
        for (row, res) in x.chunks_exact_mut(n).zip(residual.chunks_exact(n)) {
            for (v, r) in row.iter_mut().zip(res) {
                *v += r;
            }
            norm_row(row, weight, bias, eps);
        }
    }
}

multiversion! {
    /// `x ← LayerNorm(x)` row by row.
    pub fn layer_norm(x: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) {
        for row in x.chunks_exact_mut(weight.len()) {
            norm_row(row, weight, bias, eps);
        }
    }
}

/// Lanes of the split reductions below: LLVM keeps a float reduction in order (scalar)
/// unless the sum is written as independent lanes, which it then vectorizes.
const LANES: usize = 16;

/// Σ f(x) over `x`, in [`LANES`] independent partial sums.
#[inline(always)]
pub fn sum_by(x: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [0f32; LANES];
    let chunks = x.chunks_exact(LANES);
    let tail: f32 = chunks.remainder().iter().map(|&v| f(v)).sum();
    for chunk in chunks {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a += f(v);
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// max f(x) over `x` (−∞ when empty), lane-split like [`sum_by`].
#[inline(always)]
pub fn max_by(x: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let mut acc = [f32::NEG_INFINITY; LANES];
    let chunks = x.chunks_exact(LANES);
    let tail = chunks
        .remainder()
        .iter()
        .fold(f32::NEG_INFINITY, |m, &v| m.max(f(v)));
    for chunk in chunks {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a = a.max(f(v));
        }
    }
    acc.iter().fold(tail, |m, &v| m.max(v))
}

#[inline(always)]
fn norm_row(row: &mut [f32], weight: &[f32], bias: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = sum_by(row, |v| v) / n;
    let var = sum_by(row, |v| (v - mean) * (v - mean)) / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, w), b) in row.iter_mut().zip(weight).zip(bias) {
        *v = (*v - mean) * inv * w + b;
    }
}

/// Softmax in place (called inside the multiversioned attention kernel).
#[inline(always)]
pub fn softmax(x: &mut [f32]) {
    let max = max_by(x, |v| v);
    for v in x.iter_mut() {
        *v = exp(*v - max);
    }
    let inv = 1.0 / sum_by(x, |v| v);
    for v in x.iter_mut() {
        *v *= inv;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gemm::Isa;

    fn erf64(x: f64) -> f64 {
        // Maclaurin series: exact enough in f64 for |x| ≤ 4
        let (mut term, mut sum) = (x, x);
        for n in 1..200 {
            term *= -x * x / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn exp_and_erf_are_accurate() {
        for i in -4000..=1000 {
            let x = i as f32 / 100.0;
            let rel = ((exp(x) as f64 - (x as f64).exp()) / (x as f64).exp()).abs();
            assert!(rel < 3e-7, "exp({x}): rel error {rel}");
        }
        for i in -500..=500 {
            let x = i as f32 / 100.0;
            let err = (erf(x) as f64 - erf64(x.clamp(-4.0, 4.0) as f64)).abs();
            assert!(err < 2e-6, "erf({x}): error {err}");
        }
    }

    #[test]
    fn every_isa_gives_the_same_layer_norm_and_gelu() {
        let base: Vec<f32> = (0..96).map(|i| (i as f32 * 0.37).sin() * 3.0).collect();
        let (w, b) = (vec![1.5f32; 48], vec![0.25f32; 48]);
        let mut want = base.clone();
        gelu(Isa::Scalar, &mut want);
        add_layer_norm(Isa::Scalar, &mut want, &base, &w, &b, 1e-12);
        let mut got = base.clone();
        gelu(Isa::detect(), &mut got);
        add_layer_norm(Isa::detect(), &mut got, &base, &w, &b, 1e-12);
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-5, "{g} vs {w}");
        }
    }
}

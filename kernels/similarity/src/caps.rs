//! Which instruction set each operation family runs on, detected once per process.
//!
//! Every family (f32 dot, int8 dot, hamming) has a portable `serial` reference and one or more
//! SIMD paths; [`kernels`] picks the best one the CPU has the first time it is asked and every
//! later call reuses that choice.

use std::sync::OnceLock;

use crate::{dot_f32, dot_i8, hamming, sign_dot};

/// Dot products of a query against a block of rows (`query.len()` each), one per `out` slot.
pub type DotF32 = unsafe fn(&[f32], &[f32], &mut [f32]);
/// Σ `row[i] · query[i]` per row, rows stored biased by +128 (see `encode`), i32 sums.
pub type DotI8 = unsafe fn(&[u8], &[i8], &mut [i32]);
/// Differing bits between each row's sign code and the query's.
pub type Hamming = unsafe fn(&[u64], &[u64], &mut [u32]);
/// Σ of int8 query values over each row's set sign bits.
pub type SignDot = unsafe fn(&[u64], &[i8], &mut [i32]);

/// The dispatch table: one function per family plus a description for `ligero_kernel_info`.
#[derive(Clone, Copy)]
pub struct Kernels {
    pub dot_f32: DotF32,
    pub dot_i8: DotI8,
    pub hamming: Hamming,
    pub sign_dot: SignDot,
    pub info: &'static str,
}

/// CPU features that matter here. Tests build every subset the machine supports.
#[derive(Clone, Copy, Debug, Default)]
pub struct Features {
    pub avx2_fma: bool,
    pub avx512: bool,
    pub avx512_vnni: bool,
    pub avx512_popcnt: bool,
    pub popcnt: bool,
}

impl Features {
    pub fn detect() -> Features {
        #[cfg(target_arch = "x86_64")]
        {
            let avx512 =
                is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw");
            Features {
                avx2_fma: is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
                avx512,
                avx512_vnni: avx512 && is_x86_feature_detected!("avx512vnni"),
                avx512_popcnt: avx512
                    && is_x86_feature_detected!("popcnt")
                    && is_x86_feature_detected!("avx512vpopcntdq"),
                popcnt: is_x86_feature_detected!("popcnt"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        Features::default()
    }

    /// Each supported subset of these features, the empty one (serial) first.
    pub fn subsets(self) -> Vec<Features> {
        let mut out = vec![Features::default()];
        if self.popcnt {
            out.push(Features {
                popcnt: true,
                ..Features::default()
            });
        }
        if self.avx2_fma {
            out.push(Features {
                avx2_fma: true,
                popcnt: self.popcnt,
                ..Features::default()
            });
        }
        if self.avx512 {
            out.push(Features {
                avx512_vnni: false,
                avx512_popcnt: false,
                ..self
            });
            out.push(self);
        }
        out
    }
}

/// Builds the dispatch table for `features`; tests call it with every subset.
pub fn select(features: Features) -> Kernels {
    let serial = Kernels {
        dot_f32: dot_f32::serial,
        dot_i8: dot_i8::serial,
        hamming: hamming::serial,
        sign_dot: sign_dot::serial,
        info: "scalar",
    };
    #[cfg(target_arch = "x86_64")]
    {
        let mut k = serial;
        if features.popcnt {
            k.hamming = hamming::popcnt;
        }
        if features.avx2_fma {
            k = Kernels {
                dot_f32: dot_f32::avx2,
                dot_i8: dot_i8::avx2,
                sign_dot: sign_dot::avx2,
                info: "avx2",
                ..k
            };
        }
        if features.avx512 {
            k.dot_f32 = dot_f32::avx512;
            k.info = "avx512";
            if features.avx512_vnni {
                k.dot_i8 = dot_i8::avx512_vnni;
                k.sign_dot = sign_dot::avx512_vnni;
                k.info = "avx512+vnni";
            }
            if features.avx512_popcnt {
                k.hamming = hamming::avx512_popcnt;
                k.info = if features.avx512_vnni {
                    "avx512+vnni+vpopcntdq"
                } else {
                    "avx512"
                };
            }
        }
        k
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = features;
        serial
    }
}

/// The table for this CPU, chosen on first use.
pub fn kernels() -> &'static Kernels {
    static CHOSEN: OnceLock<Kernels> = OnceLock::new();
    CHOSEN.get_or_init(|| select(Features::detect()))
}

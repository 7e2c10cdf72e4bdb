//! Bad calls through the C ABI return an error status with text, never a crash.

use similarity::{sim_encode, sim_search};
use std::ptr::{null, null_mut};

const INVALID: i32 = 1;

struct Call {
    mode: u32,
    store: Vec<f32>,
    store_ptr_null: bool,
    dims: usize,
    query: Vec<f32>,
    k: usize,
    out_cap: usize,
    allow: Option<Vec<u8>>,
}

impl Call {
    fn good() -> Call {
        Call {
            mode: 0,
            store: vec![0.5; 12],
            store_ptr_null: false,
            dims: 3,
            query: vec![1.0; 3],
            k: 2,
            out_cap: 4,
            allow: None,
        }
    }

    fn run(&self) -> (i32, String, Vec<u32>) {
        let mut rows = vec![0u32; self.out_cap];
        let mut scores = vec![0f32; self.out_cap];
        let mut found = 0u32;
        let mut err = [0u8; 256];
        let store = if self.store_ptr_null {
            null()
        } else {
            self.store.as_ptr()
        };
        let (allow, allow_len) = match &self.allow {
            Some(a) => (a.as_ptr(), a.len()),
            None => (null(), 0),
        };
        let status = unsafe {
            sim_search(
                self.mode,
                store,
                self.store.len(),
                null(),
                null(),
                null(),
                null(),
                self.dims,
                self.query.as_ptr(),
                self.query.len(),
                self.k,
                0,
                0,
                null(),
                0,
                allow,
                allow_len,
                rows.as_mut_ptr(),
                scores.as_mut_ptr(),
                self.out_cap,
                &mut found,
                err.as_mut_ptr(),
                err.len(),
            )
        };
        let text = std::ffi::CStr::from_bytes_until_nul(&err)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        rows.truncate(found as usize);
        (status, text, rows)
    }
}

#[test]
fn a_good_call_succeeds() {
    let (status, text, rows) = Call::good().run();
    assert_eq!((status, text.as_str()), (0, ""));
    assert_eq!(rows, vec![0, 1]);
}

#[test]
fn bad_calls_return_invalid_argument_with_text() {
    let cases: Vec<(Call, &str)> = vec![
        (
            Call {
                dims: 0,
                ..Call::good()
            },
            "dims must be at least 1",
        ),
        (
            Call {
                dims: 5,
                ..Call::good()
            },
            "store length 12 is not a multiple of dims 5",
        ),
        (
            Call {
                k: 5,
                out_cap: 8,
                ..Call::good()
            },
            "k 5 exceeds the 4 rows in the store",
        ),
        (
            Call {
                k: 3,
                out_cap: 2,
                ..Call::good()
            },
            "k 3 exceeds the output capacity 2",
        ),
        (
            Call {
                query: vec![1.0; 2],
                ..Call::good()
            },
            "query has length 2, expected 3",
        ),
        (
            Call {
                store_ptr_null: true,
                ..Call::good()
            },
            "store is a null pointer",
        ),
        (
            Call {
                mode: 1,
                ..Call::good()
            },
            "int8 is a null pointer",
        ),
        (
            Call {
                mode: 2,
                ..Call::good()
            },
            "int8 is a null pointer",
        ),
        (
            Call {
                mode: 9,
                ..Call::good()
            },
            "unknown mode 9",
        ),
        (
            Call {
                allow: Some(vec![]),
                ..Call::good()
            },
            "allow has 0 bytes, 4 rows need 1",
        ),
    ];
    for (call, want) in cases {
        let (status, text, _) = call.run();
        assert_eq!((status, text.as_str()), (INVALID, want));
    }
}

#[test]
fn empty_stores_search_to_nothing() {
    let (status, _, rows) = Call {
        store: vec![],
        k: 0,
        ..Call::good()
    }
    .run();
    assert_eq!((status, rows.len()), (0, 0));
}

#[test]
fn encode_checks_lengths_and_alignment() {
    let store = [0.5f32; 6];
    let int8 = [0u8; 6];
    let scales = [0f32; 2];
    let mut bits = [0u64; 3];
    let mut err = [0u8; 128];
    let call = |int8_len: usize, bits: *mut u64, bits_len: usize, err: &mut [u8]| unsafe {
        sim_encode(
            store.as_ptr(),
            6,
            3,
            null(),
            int8.as_ptr().cast_mut(),
            int8_len,
            scales.as_ptr().cast_mut(),
            2,
            bits,
            bits_len,
            err.as_mut_ptr(),
            err.len(),
        )
    };
    assert_eq!(call(6, bits.as_mut_ptr(), 2, &mut err), 0);
    assert_eq!(call(5, bits.as_mut_ptr(), 2, &mut err), INVALID);
    assert!(String::from_utf8_lossy(&err).starts_with("int8 has length 5, expected 6"));
    let misaligned = unsafe { bits.as_mut_ptr().cast::<u8>().add(4).cast::<u64>() };
    assert_eq!(call(6, misaligned, 2, &mut err), INVALID);
    assert!(String::from_utf8_lossy(&err).starts_with("bits must be 8-byte aligned"));
    assert_eq!(call(6, null_mut(), 2, &mut err), INVALID);
}

//! RunLengthDecode.

use super::check_size;
use crate::error::Result;

pub fn decode(input: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 2);
    let mut i = 0;
    while i < input.len() {
        let len = input[i];
        i += 1;
        match len {
            128 => break,
            0..=127 => {
                let end = (i + usize::from(len) + 1).min(input.len());
                out.extend_from_slice(&input[i..end]);
                i = end;
            }
            _ => {
                if let Some(&b) = input.get(i) {
                    out.resize(out.len() + 257 - usize::from(len), b);
                }
                i += 1;
            }
        }
        check_size(out.len(), limit)?;
    }
    Ok(out)
}

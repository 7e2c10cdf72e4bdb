//! LZW as PDF uses it: 9–12 bit codes, MSB first, clear = 256, end = 257.

use super::check_size;
use crate::error::Result;

pub fn decode(input: &[u8], early_change: bool, limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3);
    let mut table: Vec<(u16, u8)> = Vec::with_capacity(4096); // (prefix code, last byte)
    let mut width = 9u32;
    let mut prev: Option<u16> = None;
    let (mut acc, mut bits) = (0u32, 0u32);
    let mut scratch = Vec::new();
    let reset = |table: &mut Vec<(u16, u8)>| {
        table.clear();
        for b in 0..=255u16 {
            table.push((u16::MAX, b as u8));
        }
        table.push((u16::MAX, 0));
        table.push((u16::MAX, 0));
    };
    reset(&mut table);
    for &byte in input {
        acc = acc << 8 | u32::from(byte);
        bits += 8;
        while bits >= width {
            bits -= width;
            let code = ((acc >> bits) & ((1 << width) - 1)) as u16;
            match code {
                256 => {
                    reset(&mut table);
                    width = 9;
                    prev = None;
                    continue;
                }
                257 => return Ok(out),
                _ => {}
            }
            let known = usize::from(code) < table.len();
            let Some(p) = prev else {
                if known {
                    expand(&table, code, &mut scratch);
                    out.extend_from_slice(&scratch);
                }
                prev = Some(code);
                continue;
            };
            if known {
                expand(&table, code, &mut scratch);
            } else {
                expand(&table, p, &mut scratch);
                let first = scratch[0];
                scratch.push(first);
            }
            out.extend_from_slice(&scratch);
            check_size(out.len(), limit)?;
            if table.len() < 4096 {
                table.push((p, scratch[0]));
            }
            let next = table.len() + usize::from(early_change);
            width = match next {
                n if n >= 2048 => 12,
                n if n >= 1024 => 11,
                n if n >= 512 => 10,
                _ => 9,
            };
            prev = Some(code);
        }
    }
    Ok(out)
}

fn expand(table: &[(u16, u8)], mut code: u16, out: &mut Vec<u8>) {
    out.clear();
    while let Some(&(prefix, byte)) = table.get(usize::from(code)) {
        out.push(byte);
        if prefix == u16::MAX || out.len() > 4096 {
            break;
        }
        code = prefix;
    }
    out.reverse();
}

#[cfg(test)]
mod tests {
    #[test]
    fn spec_example() {
        // PDF 32000-1 §7.4.4.2: "-----A---B" encodes to 80 0B 60 50 22 0C 0C 85 01
        let input = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
        assert_eq!(super::decode(&input, true, 1 << 10).unwrap(), b"-----A---B");
    }
}

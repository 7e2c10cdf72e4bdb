//! ASCIIHex and ASCII85.

use super::check_size;
use crate::error::Result;
use crate::lexer::hex_val;

pub fn hex(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut hi = None;
    for &c in input {
        if c == b'>' {
            break;
        }
        let Some(v) = hex_val(c) else { continue };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    out
}

pub fn base85(input: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 4 / 5);
    let (mut group, mut n) = (0u64, 0usize);
    let mut i = 0;
    if input.starts_with(b"<~") {
        i = 2;
    }
    while i < input.len() {
        let c = input[i];
        i += 1;
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group = group * 85 + u64::from(c - b'!');
                n += 1;
                if n == 5 {
                    out.extend_from_slice(&(group as u32).to_be_bytes());
                    group = 0;
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for _ in n..5 {
            group = group * 85 + 84;
        }
        out.extend_from_slice(&(group as u32).to_be_bytes()[..n - 1]);
    }
    check_size(out.len(), limit)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes() {
        assert_eq!(super::hex(b"48 65 6c6C6f7>"), b"Hellop");
        assert_eq!(
            super::base85(b"<~87cURD]i,\"Ebo7~>", 1 << 10).unwrap(),
            b"Hello World"
        );
    }
}

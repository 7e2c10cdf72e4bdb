//! Flate (zlib) with a size cap, keeping whatever decoded before a corrupt tail.

use super::check_size;
use crate::error::{damaged, Result};
use flate2::{Decompress, FlushDecompress, Status};

pub fn decode(input: &[u8]) -> Result<Vec<u8>> {
    let zlib = input.len() >= 2
        && input[0] & 0x0f == 8
        && (u16::from(input[0]) << 8 | u16::from(input[1])) % 31 == 0;
    let out = inflate(input, zlib)?;
    if out.is_empty() && !input.is_empty() {
        // some writers emit raw deflate without the zlib header, or the reverse
        let other = inflate(input, !zlib)?;
        if !other.is_empty() {
            return Ok(other);
        }
        return Err(damaged("flate stream does not decode"));
    }
    Ok(out)
}

fn inflate(input: &[u8], zlib: bool) -> Result<Vec<u8>> {
    let mut d = Decompress::new(zlib);
    let mut out: Vec<u8> = Vec::with_capacity((input.len() * 4).clamp(256, 1 << 22));
    loop {
        if out.capacity() - out.len() < 4096 {
            out.reserve(out.capacity().max(4096));
        }
        let before_in = d.total_in();
        let before_out = d.total_out();
        let at = (d.total_in() as usize).min(input.len());
        let status = d.decompress_vec(&input[at..], &mut out, FlushDecompress::None);
        check_size(out.len())?;
        match status {
            Ok(Status::StreamEnd) => break,
            Ok(_) if d.total_in() == before_in && d.total_out() == before_out => break,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(out)
}

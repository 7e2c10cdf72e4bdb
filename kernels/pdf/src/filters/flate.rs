//! Flate (zlib) with a size cap, keeping whatever decoded before a corrupt tail.

use super::check_size;
use crate::error::{damaged, Result};
use flate2::{Decompress, FlushDecompress, Status};

pub fn decode(input: &[u8], limit: usize) -> Result<Vec<u8>> {
    let zlib = input.len() >= 2
        && input[0] & 0x0f == 8
        && (u16::from(input[0]) << 8 | u16::from(input[1])) % 31 == 0;
    let out = inflate(input, zlib, limit)?;
    if out.is_empty() && !input.is_empty() {
        // some writers emit raw deflate without the zlib header, or the reverse
        let other = inflate(input, !zlib, limit)?;
        if !other.is_empty() {
            return Ok(other);
        }
        return Err(damaged("flate stream does not decode"));
    }
    Ok(out)
}

fn inflate(input: &[u8], zlib: bool, limit: usize) -> Result<Vec<u8>> {
    let mut d = Decompress::new(zlib);
    // the inflater fills all spare capacity: capacity stays within one byte past the limit,
    // so a bomb is caught having written `limit` bytes, not twice that
    let cap = limit.saturating_add(1);
    let mut out: Vec<u8> = Vec::with_capacity((input.len() * 4).clamp(256, 1 << 22).min(cap));
    loop {
        if out.capacity() - out.len() < 4096 && out.capacity() < cap {
            out.reserve_exact(out.capacity().max(4096).min(cap - out.capacity()));
        }
        let before_in = d.total_in();
        let before_out = d.total_out();
        let at = (d.total_in() as usize).min(input.len());
        let status = d.decompress_vec(&input[at..], &mut out, FlushDecompress::None);
        check_size(out.len(), limit)?;
        match status {
            Ok(Status::StreamEnd) => break,
            Ok(_) if d.total_in() == before_in && d.total_out() == before_out => break,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{write::ZlibEncoder, Compression};
    use ligero_abi::Status;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn a_bomb_stops_at_the_limit_without_growing_past_it() {
        let bomb = zlib(&vec![b' '; 8 << 20]);
        let err = inflate(&bomb, true, 1 << 20).unwrap_err();
        assert_eq!(err.status, Status::LimitExceeded);
        assert_eq!(decode(&bomb, 8 << 20).unwrap().len(), 8 << 20); // exactly at the limit
    }

    #[test]
    fn the_buffer_never_outgrows_the_limit() {
        // the limit is checked after each inflate call, which fills all spare capacity
        let limit = 3 << 20;
        let bomb = zlib(&vec![b'x'; limit]);
        let out = inflate(&bomb, true, limit).unwrap();
        assert_eq!(out.len(), limit);
        assert!(out.capacity() <= limit + 1, "capacity {}", out.capacity());
    }
}

//! PNG and TIFF predictors (xref streams use PNG "Up" nearly always).

use crate::error::Result;
use crate::object::{Dict, Object};

pub fn apply(data: Vec<u8>, parms: &Dict, resolve: &dyn Fn(&Object) -> Object) -> Result<Vec<u8>> {
    let get = |k: &[u8], default: i64| {
        parms
            .get(k)
            .map(resolve)
            .and_then(|o| o.as_i64())
            .unwrap_or(default)
    };
    let predictor = get(b"Predictor", 1);
    if predictor < 2 {
        return Ok(data);
    }
    let colors = get(b"Colors", 1).clamp(1, 32) as usize;
    let bpc = get(b"BitsPerComponent", 8).clamp(1, 16) as usize;
    let columns = get(b"Columns", 1).clamp(1, 1 << 20) as usize;
    let bpp = (colors * bpc).div_ceil(8);
    let row = (colors * bpc * columns).div_ceil(8);
    if predictor == 2 {
        return Ok(tiff(data, row, bpp, bpc));
    }
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let (kind, line) = (chunk[0], &chunk[1..]);
        let mut cur = vec![0u8; row];
        cur[..line.len()].copy_from_slice(line);
        for i in 0..row {
            let left = if i >= bpp { cur[i - bpp] } else { 0 };
            let up = prev[i];
            let up_left = if i >= bpp { prev[i - bpp] } else { 0 };
            let add = match kind {
                1 => left,
                2 => up,
                3 => ((u16::from(left) + u16::from(up)) / 2) as u8,
                4 => paeth(left, up, up_left),
                _ => 0,
            };
            cur[i] = cur[i].wrapping_add(add);
        }
        out.extend_from_slice(&cur[..line.len()]);
        prev = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

fn tiff(mut data: Vec<u8>, row: usize, bpp: usize, bpc: usize) -> Vec<u8> {
    if bpc != 8 {
        return data;
    }
    for line in data.chunks_mut(row) {
        for i in bpp..line.len() {
            line[i] = line[i].wrapping_add(line[i - bpp]);
        }
    }
    data
}

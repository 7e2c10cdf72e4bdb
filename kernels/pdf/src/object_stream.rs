//! Object streams (PDF 1.5): many objects compressed together behind one header of
//! `num offset` pairs.

use crate::lexer::{Lexer, Token};
use crate::object::{Dict, Object};
use crate::parser::parse_object;

/// The `(object number, offset)` pairs of a decoded object stream.
pub fn header(bytes: &[u8], dict: &Dict) -> Vec<(u32, usize)> {
    let n = dict
        .get(b"N")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .clamp(0, 1 << 20) as usize;
    let mut lx = Lexer::new(bytes, 0);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (Token::Int(num), Token::Int(off)) = (lx.next_token(), lx.next_token()) else {
            break;
        };
        if let (Ok(num), Ok(off)) = (u32::try_from(num), usize::try_from(off)) {
            out.push((num, off));
        }
    }
    out
}

/// Every object in the stream, in header order.
pub fn objects(bytes: &[u8], dict: &Dict) -> Vec<(u32, Object)> {
    let first = dict
        .get(b"First")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(0) as usize;
    header(bytes, dict)
        .into_iter()
        .map(|(num, off)| {
            let mut lx = Lexer::new(bytes, first.saturating_add(off));
            (num, parse_object(&mut lx, 0).unwrap_or(Object::Null))
        })
        .collect()
}

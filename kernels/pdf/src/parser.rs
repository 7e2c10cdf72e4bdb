//! Objects from tokens: direct objects, `n g obj ... endobj` and streams.

use crate::lexer::{Lexer, Token};
use crate::limits::MAX_DEPTH;
use crate::object::{Dict, Object, Stream};
use memchr::memmem;
use std::sync::Arc;

/// Parses one direct object. `None` on junk or end of data; nested junk is skipped.
pub fn parse_object(lx: &mut Lexer, depth: usize) -> Option<Object> {
    let tok = lx.next_token();
    from_token(lx, tok, depth, true)
}

/// Builds the content-stream operand that starts with `tok` (no `n g R` references there,
/// so integers need no lookahead).
pub fn content_operand(lx: &mut Lexer, tok: Token) -> Option<Object> {
    from_token(lx, tok, 0, false)
}

fn from_token(lx: &mut Lexer, tok: Token, depth: usize, refs: bool) -> Option<Object> {
    if depth > MAX_DEPTH {
        return None;
    }
    let obj = match tok {
        Token::Int(i) if refs => maybe_ref(lx, i),
        Token::Int(i) => Object::Int(i),
        Token::Real(r) => Object::Real(r),
        Token::Name(n) => Object::Name(n),
        Token::Str(s) => Object::Str(s),
        Token::ArrayStart => Object::Array(parse_array_body(lx, depth, refs)),
        Token::DictStart => Object::Dict(parse_dict_body(lx, depth, refs)),
        Token::Keyword(b"true") => Object::Bool(true),
        Token::Keyword(b"false") => Object::Bool(false),
        Token::Keyword(b"null") => Object::Null,
        _ => return None,
    };
    Some(obj)
}

fn is_object_end(k: &[u8]) -> bool {
    matches!(
        k,
        b"endobj" | b"stream" | b"endstream" | b"obj" | b"xref" | b"trailer"
    )
}

fn parse_array_body(lx: &mut Lexer, depth: usize, refs: bool) -> Vec<Object> {
    let mut items = Vec::new();
    loop {
        let save = lx.pos;
        match lx.next_token() {
            Token::ArrayEnd | Token::Eof | Token::DictEnd => break,
            Token::Keyword(k) if is_object_end(k) => {
                lx.pos = save;
                break;
            }
            // every token is consumed once, so junk cannot stall the loop
            tok => items.extend(from_token(lx, tok, depth + 1, refs)),
        }
    }
    items
}

fn parse_dict_body(lx: &mut Lexer, depth: usize, refs: bool) -> Dict {
    let mut dict = Dict::default();
    loop {
        let save = lx.pos;
        match lx.next_token() {
            Token::DictEnd | Token::Eof => break,
            Token::Name(key) => {
                let before_value = lx.pos;
                match lx.next_token() {
                    Token::DictEnd => break,
                    Token::Keyword(k) if is_object_end(k) => {
                        lx.pos = before_value;
                        break;
                    }
                    tok => {
                        if let Some(v) = from_token(lx, tok, depth + 1, refs) {
                            dict.0.push((key, v));
                        }
                    }
                }
            }
            Token::Keyword(k) if is_object_end(k) => {
                lx.pos = save;
                break;
            }
            _ => {}
        }
    }
    dict
}

/// After an integer: `n g R` is a reference, otherwise the integer alone.
fn maybe_ref(lx: &mut Lexer, first: i64) -> Object {
    let save = lx.pos;
    if let Token::Int(gen) = lx.next_token() {
        if let Token::Keyword(b"R") = lx.next_token() {
            if (0..=u32::MAX as i64).contains(&first) && (0..=65535).contains(&gen) {
                return Object::Ref(first as u32, gen as u16);
            }
        }
    }
    lx.pos = save;
    Object::Int(first)
}

/// Parses `num gen obj <object> [stream ... endstream] endobj` at `pos`.
pub fn parse_indirect(data: &[u8], pos: usize) -> Option<(u32, u16, Object)> {
    let mut lx = Lexer::new(data, pos);
    let Token::Int(num) = lx.next_token() else {
        return None;
    };
    let Token::Int(gen) = lx.next_token() else {
        return None;
    };
    if lx.next_token() != Token::Keyword(b"obj") || num < 0 || num > u32::MAX as i64 {
        return None;
    }
    let obj = parse_object(&mut lx, 0).unwrap_or(Object::Null);
    let gen = gen.clamp(0, 65535) as u16;
    let Object::Dict(dict) = obj else {
        return Some((num as u32, gen, obj));
    };
    if lx.next_token() != Token::Keyword(b"stream") {
        return Some((num as u32, gen, Object::Dict(dict)));
    }
    let raw = stream_bytes(data, lx.pos, &dict);
    Some((
        num as u32,
        gen,
        Object::Stream(Arc::new(Stream {
            dict,
            raw: raw.to_vec(),
        })),
    ))
}

/// The bytes between `stream<EOL>` and `endstream`: the direct /Length when it checks out,
/// otherwise up to the next `endstream` (lengths in damaged files are often wrong).
fn stream_bytes<'a>(data: &'a [u8], mut start: usize, dict: &Dict) -> &'a [u8] {
    if data.get(start) == Some(&b'\r') {
        start += 1;
    }
    if data.get(start) == Some(&b'\n') {
        start += 1;
    }
    let start = start.min(data.len());
    if let Some(len) = dict.get(b"Length").and_then(|o| match o {
        Object::Int(i) => usize::try_from(*i).ok(),
        _ => None,
    }) {
        if let Some(end) = start.checked_add(len).filter(|&e| e <= data.len()) {
            let tail = &data[end..data.len().min(end + 32)];
            if memmem::find(tail, b"endstream").is_some() {
                return &data[start..end];
            }
        }
    }
    let end = memmem::find(&data[start..], b"endstream").map_or(data.len(), |i| start + i);
    let mut stop = end;
    // the EOL before endstream belongs to the syntax, not the data
    if stop > start && data[stop - 1] == b'\n' {
        stop -= 1;
    }
    if stop > start && data[stop - 1] == b'\r' {
        stop -= 1;
    }
    &data[start..stop]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indirect_stream_with_bad_length() {
        let data = b"7 0 obj\n<< /Length 99 /F [1 0 R 2] >>\nstream\nhello\nendstream\nendobj";
        let (num, gen, obj) = parse_indirect(data, 0).unwrap();
        assert_eq!((num, gen), (7, 0));
        let s = obj.as_stream().unwrap();
        assert_eq!(s.raw, b"hello");
        let arr = s.dict.get(b"F").unwrap().as_array().unwrap();
        assert_eq!(arr, &[Object::Ref(1, 0), Object::Int(2)]);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let data = vec![b'['; 100_000];
        let mut lx = Lexer::new(&data, 0);
        assert!(parse_object(&mut lx, 0).is_some());
    }
}

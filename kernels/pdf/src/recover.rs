//! Rebuilds the xref of a damaged or truncated file by scanning for `n g obj` headers, the
//! way poppler and mupdf repair files, then reading any trailer or xref-stream dictionary
//! found on the way for /Root, /Info, /Encrypt and /ID.

use crate::lexer::{is_white, Lexer, Token};
use crate::limits::max_objects;
use crate::object::{Dict, Object};
use crate::parser::{parse_indirect, parse_object};
use crate::xref::{Entry, Xref};
use memchr::memmem;

pub fn scan(data: &[u8]) -> Xref {
    let limit = max_objects(data.len());
    let mut xref = Xref {
        limit,
        ..Xref::default()
    };
    for at in memmem::find_iter(data, b"obj") {
        if data
            .get(at + 3)
            .is_some_and(|&c| !is_white(c) && !matches!(c, b'<' | b'[' | b'/' | b'('))
        {
            continue; // "objects", "endobj" handled by the header check below
        }
        let Some(start) = header_start(data, at) else {
            continue;
        };
        let mut lx = Lexer::new(data, start);
        let Token::Int(num) = lx.next_token() else {
            continue;
        };
        let Ok(n) = usize::try_from(num) else {
            continue;
        };
        if n == 0 || n >= limit {
            continue;
        }
        if n >= xref.entries.len() {
            xref.entries.resize(n + 1, Entry::Free);
        }
        // later definitions win, as in an incremental update
        xref.entries[n] = Entry::At(start);
    }
    let mut trailer = Dict::default();
    for at in memmem::find_iter(data, b"trailer") {
        let mut lx = Lexer::new(data, at + 7);
        if let Some(Object::Dict(d)) = parse_object(&mut lx, 0) {
            merge(&mut trailer, d);
        }
    }
    if trailer.get(b"Root").is_none() {
        for entry in &xref.entries {
            let Entry::At(pos) = *entry else { continue };
            if let Some((_, _, obj)) = parse_indirect(data, pos) {
                let Some(d) = obj.as_dict() else { continue };
                if d.name(b"Type") == Some(b"XRef") {
                    merge(&mut trailer, d.clone());
                }
            }
        }
    }
    xref.trailer = trailer;
    xref
}

/// Newest values win: a later trailer belongs to a later update.
fn merge(trailer: &mut Dict, d: Dict) {
    for key in [&b"Root"[..], b"Info", b"Encrypt", b"ID"] {
        if let Some(v) = d.get(key) {
            trailer.insert(key, v.clone());
        }
    }
}

/// `at` points at "obj"; walks back over "<num> <gen> " and returns where <num> starts.
fn header_start(data: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    let skip_white = |i: &mut usize| {
        let s = *i;
        while *i > 0 && is_white(data[*i - 1]) {
            *i -= 1;
        }
        *i < s
    };
    let skip_digits = |i: &mut usize| {
        let s = *i;
        while *i > 0 && data[*i - 1].is_ascii_digit() {
            *i -= 1;
        }
        *i < s && s - *i <= 10
    };
    if !skip_white(&mut i) || !skip_digits(&mut i) || !skip_white(&mut i) || !skip_digits(&mut i) {
        return None;
    }
    if i > 0 && !is_white(data[i - 1]) && !matches!(data[i - 1], b'>' | b')' | b']') {
        return None;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_objects_and_trailer() {
        let data = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj (x) endobj\ntrailer << /Root 1 0 R >>";
        let x = scan(data);
        assert_eq!(x.entries.len(), 3);
        assert!(matches!(x.entries[1], Entry::At(9)));
        assert_eq!(x.trailer.get(b"Root"), Some(&Object::Ref(1, 0)));
    }
}

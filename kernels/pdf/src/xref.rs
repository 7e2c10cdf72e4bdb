//! Cross-reference sections: classic tables and xref streams, following /Prev and /XRefStm.

use crate::filters;
use crate::lexer::{Lexer, Token};
use crate::limits::max_objects;
use crate::object::{Dict, Object};
use crate::parser::{parse_indirect, parse_object};
use memchr::memmem;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    Free,
    At(usize),
    InStream { stream: u32, index: u32 },
}

/// Object number → where the object lives, plus the newest trailer dictionary.
#[derive(Default)]
pub struct Xref {
    pub entries: Vec<Entry>,
    pub trailer: Dict,
    /// Object numbers at or above this are ignored (see `limits::max_objects`).
    pub limit: usize,
}

impl Xref {
    pub fn get(&self, num: u32) -> Entry {
        self.entries
            .get(num as usize)
            .copied()
            .unwrap_or(Entry::Free)
    }

    /// Records an entry unless a newer section already did (sections are read newest first).
    fn offer(&mut self, num: u64, entry: Entry, seen: &mut Vec<bool>) {
        let n = num as usize;
        if n >= self.limit {
            return;
        }
        if n >= self.entries.len() {
            self.entries.resize(n + 1, Entry::Free);
            seen.resize(n + 1, false);
        }
        if !seen[n] {
            seen[n] = true;
            self.entries[n] = entry;
        }
    }
}

/// Reads the xref chain starting from `startxref`. `base` is where `%PDF-` begins: files
/// with junk before the header have every offset shifted by it.
pub fn read(data: &[u8], base: usize) -> Option<Xref> {
    let start = find_startxref(data)?;
    let mut xref = Xref {
        limit: max_objects(data.len()),
        ..Xref::default()
    };
    let mut seen = Vec::new();
    let mut next = Some(start);
    let mut visited = Vec::new();
    let mut first = true;
    while let Some(offset) = next.take() {
        if visited.contains(&offset) || visited.len() > 64 {
            break;
        }
        visited.push(offset);
        let pos = locate(data, offset, base)?;
        let trailer = read_section(data, pos, base, &mut xref, &mut seen)?;
        if let Some(stm) = trailer.get(b"XRefStm").and_then(Object::as_i64) {
            if let Some(p) = usize::try_from(stm)
                .ok()
                .and_then(|s| locate(data, s, base))
            {
                let _ = read_section(data, p, base, &mut xref, &mut seen);
            }
        }
        next = trailer
            .get(b"Prev")
            .and_then(Object::as_i64)
            .and_then(|p| usize::try_from(p).ok());
        if first {
            xref.trailer = trailer;
            first = false;
        } else {
            for (k, v) in trailer.0 {
                if xref.trailer.get(&k).is_none() {
                    xref.trailer.0.push((k, v));
                }
            }
        }
    }
    Some(xref)
}

fn find_startxref(data: &[u8]) -> Option<usize> {
    let tail = data.len().saturating_sub(4096);
    let at = memmem::rfind(&data[tail..], b"startxref")? + tail + 9;
    match Lexer::new(data, at).next_token() {
        Token::Int(i) => usize::try_from(i).ok(),
        _ => None,
    }
}

/// Where an xref section really starts: at the offset, or at the offset shifted by `base`.
fn locate(data: &[u8], offset: usize, base: usize) -> Option<usize> {
    [offset, offset + base].into_iter().find(|&p| {
        let mut lx = Lexer::new(data, p);
        match lx.next_token() {
            Token::Keyword(b"xref") => true,
            Token::Int(_) => matches!(lx.next_token(), Token::Int(_)),
            _ => false,
        }
    })
}

fn read_section(
    data: &[u8],
    pos: usize,
    base: usize,
    xref: &mut Xref,
    seen: &mut Vec<bool>,
) -> Option<Dict> {
    let mut lx = Lexer::new(data, pos);
    if lx.peek() == Token::Keyword(b"xref") {
        lx.next_token();
        return read_table(&mut lx, base, xref, seen);
    }
    let (_, _, obj) = parse_indirect(data, pos)?;
    let stream = obj.as_stream()?;
    let bytes = filters::decode(&stream.raw, &stream.dict, &|o| o.clone()).ok()?;
    read_stream(&bytes, &stream.dict, base, xref, seen);
    Some(stream.dict.clone())
}

fn read_table(lx: &mut Lexer, base: usize, xref: &mut Xref, seen: &mut Vec<bool>) -> Option<Dict> {
    loop {
        match lx.next_token() {
            Token::Keyword(b"trailer") => break,
            Token::Int(first) => {
                let Token::Int(count) = lx.next_token() else {
                    return None;
                };
                let (first, count) = (u64::try_from(first).ok()?, u64::try_from(count).ok()?);
                for i in 0..count {
                    let Token::Int(off) = lx.next_token() else {
                        return None;
                    };
                    let Token::Int(_gen) = lx.next_token() else {
                        return None;
                    };
                    let entry = match lx.next_token() {
                        Token::Keyword(b"n") if off > 0 => Entry::At(off as usize + base),
                        Token::Keyword(b"n" | b"f") => Entry::Free,
                        _ => return None,
                    };
                    xref.offer(first + i, entry, seen);
                }
            }
            _ => return None,
        }
    }
    match parse_object(lx, 0)? {
        Object::Dict(d) => Some(d),
        _ => None,
    }
}

fn read_stream(bytes: &[u8], dict: &Dict, base: usize, xref: &mut Xref, seen: &mut Vec<bool>) {
    let widths: Vec<usize> = dict
        .get(b"W")
        .and_then(Object::as_array)
        .map(|a| {
            a.iter()
                .map(|o| o.as_i64().unwrap_or(0).clamp(0, 8) as usize)
                .collect()
        })
        .unwrap_or_default();
    if widths.len() < 3 {
        return;
    }
    let row: usize = widths.iter().sum();
    if row == 0 {
        return;
    }
    let size = dict
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(0) as u64;
    let index: Vec<u64> = match dict.get(b"Index").and_then(Object::as_array) {
        Some(a) => a
            .iter()
            .map(|o| o.as_i64().unwrap_or(0).max(0) as u64)
            .collect(),
        None => vec![0, size],
    };
    let mut rows = bytes.chunks_exact(row);
    for pair in index.chunks_exact(2) {
        for num in pair[0]..pair[0].saturating_add(pair[1]) {
            let Some(r) = rows.next() else { return };
            let mut fields = [0u64; 3];
            let mut at = 0;
            for (f, &w) in widths.iter().take(3).enumerate() {
                fields[f] = r[at..at + w]
                    .iter()
                    .fold(0u64, |acc, &b| acc << 8 | u64::from(b));
                at += w;
            }
            if widths[0] == 0 {
                fields[0] = 1;
            }
            let entry = match fields[0] {
                1 if fields[1] > 0 => Entry::At(fields[1] as usize + base),
                2 => Entry::InStream {
                    stream: fields[1] as u32,
                    index: fields[2] as u32,
                },
                _ => Entry::Free,
            };
            xref.offer(num, entry, seen);
        }
    }
}

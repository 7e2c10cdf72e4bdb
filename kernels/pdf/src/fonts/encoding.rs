//! Simple-font encodings: the predefined tables, /Differences, and the built-in encoding
//! of an embedded Type 1 font program.

use super::glyphs;
use crate::lexer::{Lexer, Token};
use crate::object::Object;

#[path = "../tables/encodings.rs"]
#[rustfmt::skip]
mod tables;

/// Code → text for the 256 codes of a simple font; `None` where nothing is known.
pub type CodeMap = Vec<Option<String>>;

pub fn predefined(name: &[u8]) -> Option<&'static [u16; 256]> {
    match name {
        b"StandardEncoding" => Some(&tables::STANDARD),
        b"WinAnsiEncoding" => Some(&tables::WIN_ANSI),
        b"MacRomanEncoding" => Some(&tables::MAC_ROMAN),
        b"PDFDocEncoding" => Some(&tables::PDF_DOC),
        b"MacExpertEncoding" => Some(&tables::STANDARD),
        b"Symbol" => Some(&tables::SYMBOL),
        b"ZapfDingbats" => Some(&tables::ZAPF_DINGBATS),
        _ => None,
    }
}

pub fn pdf_doc() -> &'static [u16; 256] {
    &tables::PDF_DOC
}

pub fn from_table(table: &[u16; 256]) -> CodeMap {
    table
        .iter()
        .map(|&u| {
            (u != 0)
                .then(|| char::from_u32(u32::from(u)).map(String::from))
                .flatten()
        })
        .collect()
}

/// Applies a /Differences array: `code /name /name ... code /name ...`.
pub fn apply_differences(map: &mut CodeMap, diffs: &[Object]) {
    let mut code = 0usize;
    for item in diffs {
        match item {
            Object::Int(i) => code = (*i).clamp(0, 1024) as usize,
            Object::Name(n) => {
                if code < 256 {
                    if let Some(t) = glyphs::to_unicode(n) {
                        map[code] = Some(t);
                    } else if n != b".notdef" {
                        map[code] = unknown_name(n);
                    }
                }
                code += 1;
            }
            _ => {}
        }
    }
}

/// Names outside the glyph list: TeX fonts and subsetters sometimes name glyphs by code
/// (`g65`, `cid65`, `c65`); anything else is not text we can name.
fn unknown_name(n: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(n).ok()?;
    let digits = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = &s[..s.len() - digits.len()];
    if !matches!(prefix, "g" | "G" | "c" | "C" | "cid" | "index" | "glyph") || digits.is_empty() {
        return None;
    }
    let v: u32 = digits.parse().ok()?;
    (32..127)
        .contains(&v)
        .then(|| char::from_u32(v).map(String::from))
        .flatten()
}

/// The `/Encoding` array of a Type 1 font program's cleartext part (`dup 65 /A put`).
pub fn type1_builtin(program: &[u8]) -> Option<CodeMap> {
    let start = memchr::memmem::find(program, b"/Encoding")?;
    let mut lx = Lexer::new(program, start + 9);
    if let Token::Keyword(b"StandardEncoding") = lx.peek() {
        return Some(from_table(&tables::STANDARD));
    }
    let mut map: CodeMap = vec![None; 256];
    let mut last_int = None;
    let mut found = false;
    for _ in 0..4096 {
        match lx.next_token() {
            Token::Int(i) => last_int = Some(i),
            Token::Name(n) => {
                if let Some(code) = last_int.take().filter(|c| (0..256).contains(c)) {
                    map[code as usize] = glyphs::to_unicode(&n);
                    found = true;
                }
            }
            Token::Keyword(b"def" | b"readonly") if found => break,
            Token::Keyword(b"eexec") | Token::Eof => break,
            _ => {}
        }
    }
    found.then_some(map)
}

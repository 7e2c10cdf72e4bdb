//! CMaps: ToUnicode maps (code → text) and encoding CMaps (code → CID), with the
//! codespace ranges that split a string into codes of one to four bytes.

use crate::lexer::{Lexer, Token};
use std::collections::HashMap;

#[derive(Default, Clone)]
pub struct CMap {
    /// (byte count, low, high) per codespace range.
    pub codespace: Vec<(u8, u32, u32)>,
    singles: HashMap<u32, Value>,
    ranges: Vec<Range>,
    /// Name of a CMap this one extends via `usecmap` (e.g. Identity-H).
    pub parent: Option<Vec<u8>>,
}

#[derive(Clone)]
enum Value {
    Text(String),
    Cid(u32),
}

#[derive(Clone)]
struct Range {
    lo: u32,
    hi: u32,
    /// Text of `lo` as UTF-16 units (incremented in its last unit), or a starting CID.
    start: RangeStart,
}

#[derive(Clone)]
enum RangeStart {
    Utf16(Vec<u16>),
    List(Vec<String>),
    Cid(u32),
}

fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| acc << 8 | u32::from(b))
}

fn utf16(bytes: &[u8]) -> Vec<u16> {
    let mut units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from(c[0]) << 8 | u16::from(*c.get(1).unwrap_or(&0)))
        .collect();
    if bytes.len() == 1 {
        units = vec![u16::from(bytes[0])];
    }
    units
}

impl CMap {
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut lx = Lexer::new(data, 0);
        let mut operands: Vec<Token> = Vec::new();
        loop {
            let tok = lx.next_token();
            match tok {
                Token::Eof => break,
                Token::Keyword(b"begincodespacerange") => {
                    while let (Token::Str(lo), Token::Str(hi)) = (lx.next_token(), lx.next_token())
                    {
                        cmap.codespace
                            .push((lo.len().clamp(1, 4) as u8, be(&lo), be(&hi)));
                    }
                }
                Token::Keyword(b"beginbfchar") => {
                    while let (Token::Str(src), Token::Str(dst)) =
                        (lx.next_token(), lx.next_token())
                    {
                        let text = String::from_utf16_lossy(&utf16(&dst));
                        cmap.singles.insert(be(&src), Value::Text(text));
                    }
                }
                Token::Keyword(b"begincidchar") => {
                    while let (Token::Str(src), Token::Int(cid)) =
                        (lx.next_token(), lx.next_token())
                    {
                        cmap.singles
                            .insert(be(&src), Value::Cid(cid.clamp(0, u32::MAX as i64) as u32));
                    }
                }
                Token::Keyword(b"beginbfrange") => cmap.bf_ranges(&mut lx),
                Token::Keyword(b"begincidrange") => {
                    while let (Token::Str(lo), Token::Str(hi), Token::Int(cid)) =
                        (lx.next_token(), lx.next_token(), lx.next_token())
                    {
                        let start = RangeStart::Cid(cid.clamp(0, u32::MAX as i64) as u32);
                        cmap.ranges.push(Range {
                            lo: be(&lo),
                            hi: be(&hi),
                            start,
                        });
                    }
                }
                Token::Keyword(b"usecmap") => {
                    if let Some(Token::Name(n)) = operands.pop() {
                        cmap.parent = Some(n);
                    }
                }
                Token::Keyword(_) => operands.clear(),
                other => {
                    operands.push(other);
                    if operands.len() > 8 {
                        operands.remove(0);
                    }
                }
            }
        }
        cmap.ranges.sort_by_key(|r| r.lo);
        cmap
    }

    fn bf_ranges(&mut self, lx: &mut Lexer) {
        loop {
            let (Token::Str(lo), Token::Str(hi)) = (lx.next_token(), lx.next_token()) else {
                return;
            };
            let (lo, hi) = (be(&lo), be(&hi));
            if hi < lo || hi - lo > 0xFFFF {
                lx.next_token();
                continue;
            }
            let start = match lx.next_token() {
                Token::Str(dst) => RangeStart::Utf16(utf16(&dst)),
                Token::ArrayStart => {
                    let mut list = Vec::new();
                    while let Token::Str(s) = lx.next_token() {
                        list.push(String::from_utf16_lossy(&utf16(&s)));
                    }
                    RangeStart::List(list)
                }
                _ => return,
            };
            self.ranges.push(Range { lo, hi, start });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.ranges.is_empty()
    }

    fn range_for(&self, code: u32) -> Option<&Range> {
        let i = self.ranges.partition_point(|r| r.lo <= code);
        // ranges may overlap: look back a little for one that covers the code
        self.ranges[..i].iter().rev().take(8).find(|r| code <= r.hi)
    }

    pub fn text(&self, code: u32) -> Option<String> {
        if let Some(Value::Text(t)) = self.singles.get(&code) {
            return Some(t.clone());
        }
        let r = self.range_for(code)?;
        let off = code - r.lo;
        match &r.start {
            RangeStart::Utf16(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                *last = last.wrapping_add(off as u16);
                Some(String::from_utf16_lossy(&units))
            }
            RangeStart::List(list) => list.get(off as usize).cloned(),
            RangeStart::Cid(_) => None,
        }
    }

    pub fn cid(&self, code: u32) -> Option<u32> {
        if let Some(Value::Cid(c)) = self.singles.get(&code) {
            return Some(*c);
        }
        match self.range_for(code)?.start {
            RangeStart::Cid(c) => Some(c + (code - self.range_for(code)?.lo)),
            _ => None,
        }
    }

    /// Splits off the next code from `bytes` by the codespace ranges; returns (code, length).
    pub fn next_code(&self, bytes: &[u8], default_len: usize) -> (u32, usize) {
        for n in 1..=4usize {
            if n > bytes.len() {
                break;
            }
            let code = be(&bytes[..n]);
            if self
                .codespace
                .iter()
                .any(|&(len, lo, hi)| usize::from(len) == n && (lo..=hi).contains(&code))
            {
                return (code, n);
            }
        }
        let n = if self.codespace.is_empty() {
            default_len
        } else {
            self.codespace[0].0 as usize
        };
        let n = n.clamp(1, bytes.len().max(1)).min(bytes.len());
        (be(&bytes[..n]), n.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tounicode_ranges() {
        let c = CMap::parse(
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange
              2 beginbfchar <0003> <0020> <0011> <D835DC00> endbfchar
              2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<0066 0069> <00E9>] endbfrange",
        );
        assert_eq!(c.text(3).as_deref(), Some(" "));
        assert_eq!(c.text(0x11).as_deref(), Some("𝐀"));
        assert_eq!(c.text(0x25).as_deref(), Some("B"));
        assert_eq!(c.text(0x30).as_deref(), Some("fi"));
        assert_eq!(c.text(0x31).as_deref(), Some("é"));
        assert_eq!(c.next_code(&[0, 0x24, 1], 1), (0x24, 2));
    }
}

//! Tokens of the PDF syntax over a borrowed buffer. Never fails: junk becomes `Token::Junk`
//! so callers decide how forgiving to be.

pub const fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | 0)
}

pub const fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

const fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

#[derive(Debug, PartialEq)]
pub enum Token<'a> {
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    ArrayStart,
    ArrayEnd,
    DictStart,
    DictEnd,
    Keyword(&'a [u8]),
    Junk(u8),
    Eof,
}

pub struct Lexer<'a> {
    pub data: &'a [u8],
    pub pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Self {
            data,
            pos: pos.min(data.len()),
        }
    }

    pub fn skip_white(&mut self) {
        while let Some(&b) = self.data.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.data.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    pub fn peek(&mut self) -> Token<'a> {
        let save = self.pos;
        let t = self.next_token();
        self.pos = save;
        t
    }

    pub fn next_token(&mut self) -> Token<'a> {
        self.skip_white();
        let Some(&b) = self.data.get(self.pos) else {
            return Token::Eof;
        };
        match b {
            b'[' => self.one(Token::ArrayStart),
            b']' => self.one(Token::ArrayEnd),
            b'{' | b'}' => self.one(Token::Junk(b)),
            b'/' => {
                self.pos += 1;
                Token::Name(self.name())
            }
            b'(' => {
                self.pos += 1;
                Token::Str(self.literal())
            }
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Token::DictStart
            }
            b'<' => {
                self.pos += 1;
                Token::Str(self.hex())
            }
            b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Token::DictEnd
            }
            b'>' | b')' => self.one(Token::Junk(b)),
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number(),
            _ => {
                let start = self.pos;
                while self.data.get(self.pos).is_some_and(|&c| is_regular(c)) {
                    self.pos += 1;
                }
                Token::Keyword(&self.data[start..self.pos])
            }
        }
    }

    fn one(&mut self, t: Token<'a>) -> Token<'a> {
        self.pos += 1;
        t
    }

    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(&c) = self.data.get(self.pos) {
            if !is_regular(c) {
                break;
            }
            self.pos += 1;
            if c == b'#' {
                let hi = self.data.get(self.pos).and_then(|&h| hex_val(h));
                let lo = self.data.get(self.pos + 1).and_then(|&h| hex_val(h));
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push(hi << 4 | lo);
                    self.pos += 2;
                    continue;
                }
            }
            out.push(c);
        }
        out
    }

    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            match c {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return out;
                    }
                }
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    let byte = match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'f' => 12,
                        b'\r' => {
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                            continue;
                        }
                        b'\n' => continue,
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            v as u8
                        }
                        other => other,
                    };
                    out.push(byte);
                    continue;
                }
                _ => {}
            }
            out.push(c);
        }
        out
    }

    /// A `<hex string>`: the same decoding as the ASCIIHexDecode filter, up to the `>`.
    fn hex(&mut self) -> Vec<u8> {
        let rest = &self.data[self.pos.min(self.data.len())..];
        let end = memchr::memchr(b'>', rest).map_or(rest.len(), |i| i + 1);
        self.pos += end;
        crate::filters::ascii::hex(&rest[..end])
    }

    fn number(&mut self) -> Token<'a> {
        let start = self.pos;
        let mut real = false;
        if matches!(self.data[self.pos], b'+' | b'-') {
            self.pos += 1;
        }
        while let Some(&c) = self.data.get(self.pos) {
            match c {
                b'0'..=b'9' => {}
                b'.' => real = true,
                // "1-2" or "--5" style junk: pdf writers emit it, readers tolerate it
                b'-' | b'+' => {}
                _ => break,
            }
            self.pos += 1;
        }
        let text = &self.data[start..self.pos];
        parse_number(text, real)
    }
}

fn parse_number(text: &[u8], real: bool) -> Token<'_> {
    let mut neg = false;
    let mut i = 0;
    while i < text.len() && matches!(text[i], b'+' | b'-') {
        neg ^= text[i] == b'-';
        i += 1;
    }
    let (mut int, mut frac, mut scale, mut seen_dot, mut digits) = (0i64, 0f64, 1f64, false, 0);
    for &c in &text[i..] {
        match c {
            b'0'..=b'9' if seen_dot => {
                scale /= 10.0;
                frac += f64::from(c - b'0') * scale;
                digits += 1;
            }
            b'0'..=b'9' => {
                int = int.saturating_mul(10).saturating_add(i64::from(c - b'0'));
                digits += 1;
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
    }
    if digits == 0 {
        return if real {
            Token::Real(0.0)
        } else {
            Token::Int(0)
        };
    }
    let sign = if neg { -1 } else { 1 };
    if real {
        Token::Real(sign as f64 * (int as f64 + frac))
    } else {
        Token::Int(sign * int)
    }
}

pub fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let mut l = Lexer::new(b"<< /A#20b (x\\(y\\)\\101) <4142 4> [-1.5 +3 .5] >> obj", 0);
        assert_eq!(l.next_token(), Token::DictStart);
        assert_eq!(l.next_token(), Token::Name(b"A b".to_vec()));
        assert_eq!(l.next_token(), Token::Str(b"x(y)A".to_vec()));
        assert_eq!(l.next_token(), Token::Str(b"AB@".to_vec()));
        assert_eq!(l.next_token(), Token::ArrayStart);
        assert_eq!(l.next_token(), Token::Real(-1.5));
        assert_eq!(l.next_token(), Token::Int(3));
        assert_eq!(l.next_token(), Token::Real(0.5));
        assert_eq!(l.next_token(), Token::ArrayEnd);
        assert_eq!(l.next_token(), Token::DictEnd);
        assert_eq!(l.next_token(), Token::Keyword(b"obj"));
        assert_eq!(l.next_token(), Token::Eof);
    }
}

//! The built-in encoding of an embedded CFF (Type 1C) font: code → glyph → glyph name, from
//! the font's Encoding and charset. TeX fonts converted to CFF (e.g. by Ghostscript) carry
//! their encoding only here.

use super::encoding::CodeMap;
use super::glyphs;

#[path = "../tables/cff_strings.rs"]
#[rustfmt::skip]
mod strings;

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn offset(b: &[u8], at: usize, size: usize) -> Option<usize> {
    let bytes = b.get(at..at + size)?;
    Some(
        bytes
            .iter()
            .fold(0usize, |acc, &x| acc << 8 | usize::from(x)),
    )
}

/// An INDEX at `at`: its items' byte ranges and where the INDEX ends.
fn index(b: &[u8], at: usize) -> Option<(Vec<(usize, usize)>, usize)> {
    let count = u16_at(b, at)?;
    if count == 0 {
        return Some((Vec::new(), at + 2));
    }
    let size = usize::from(*b.get(at + 2)?);
    if !(1..=4).contains(&size) {
        return None;
    }
    let base = at + 3 + (count + 1) * size - 1;
    let offs: Option<Vec<usize>> = (0..=count)
        .map(|i| offset(b, at + 3 + i * size, size))
        .collect();
    let offs = offs?;
    let items = offs
        .windows(2)
        .map(|w| (base + w[0], base + w[1]))
        .collect();
    Some((items, base + *offs.last()?))
}

/// Integer operands of a Top DICT, by operator (two-byte operators as 1200 + second byte).
fn top_dict(d: &[u8], op: u16) -> Option<usize> {
    let (mut i, mut operands) = (0, Vec::new());
    while i < d.len() {
        let b0 = d[i];
        i += 1;
        match b0 {
            0..=21 => {
                let code = if b0 == 12 {
                    i += 1;
                    1200 + u16::from(*d.get(i - 1)?)
                } else {
                    u16::from(b0)
                };
                if code == op {
                    return operands
                        .last()
                        .copied()
                        .and_then(|v: i64| usize::try_from(v).ok());
                }
                operands.clear();
            }
            28 => {
                operands.push(i64::from(i16::from_be_bytes(
                    d.get(i..i + 2)?.try_into().ok()?,
                )));
                i += 2;
            }
            29 => {
                operands.push(i64::from(i32::from_be_bytes(
                    d.get(i..i + 4)?.try_into().ok()?,
                )));
                i += 4;
            }
            30 => {
                while i < d.len() && d[i] & 0x0f != 0x0f && d[i] >> 4 != 0x0f {
                    i += 1;
                }
                i += 1;
                operands.push(0);
            }
            32..=246 => operands.push(i64::from(b0) - 139),
            247..=250 => {
                operands.push((i64::from(b0) - 247) * 256 + i64::from(*d.get(i)?) + 108);
                i += 1;
            }
            251..=254 => {
                operands.push(-(i64::from(b0) - 251) * 256 - i64::from(*d.get(i)?) - 108);
                i += 1;
            }
            _ => {}
        }
    }
    None
}

/// Code → text from the font's own encoding; `None` for the standard encodings (offset 0
/// or 1), which the caller already handles, or an unreadable program.
pub fn builtin_encoding(font: &[u8]) -> Option<CodeMap> {
    let hdr = usize::from(*font.get(2)?);
    let (_, after_names) = index(font, hdr)?;
    let (tops, after_tops) = index(font, after_names)?;
    let (strings, _) = index(font, after_tops)?;
    let top = font.get(tops.first()?.0..tops.first()?.1)?;
    let enc_at = top_dict(top, 16)?;
    if enc_at <= 1 {
        return None;
    }
    let (glyphs, _) = index(font, top_dict(top, 17)?)?;
    let charset = charset(font, top_dict(top, 15).unwrap_or(0), glyphs.len())?;
    let name = |sid: usize| -> Option<Vec<u8>> {
        match strings::STANDARD_STRINGS.get(sid) {
            Some(s) => Some(s.as_bytes().to_vec()),
            None => strings
                .get(sid - strings::STANDARD_STRINGS.len())
                .and_then(|&(a, b)| font.get(a..b))
                .map(<[u8]>::to_vec),
        }
    };
    let mut map: CodeMap = vec![None; 256];
    let mut set = |code: usize, sid: usize| {
        if let (Some(slot), Some(n)) = (map.get_mut(code), name(sid)) {
            *slot = glyphs::to_unicode(&n);
        }
    };
    let format = *font.get(enc_at)?;
    let mut at = enc_at + 1;
    match format & 0x7f {
        0 => {
            let n = usize::from(*font.get(at)?);
            for gid in 1..=n {
                let code = usize::from(*font.get(at + gid)?);
                set(code, *charset.get(gid)?);
            }
            at += 1 + n;
        }
        1 => {
            let ranges = usize::from(*font.get(at)?);
            let mut gid = 1;
            for r in 0..ranges {
                let first = usize::from(*font.get(at + 1 + r * 2)?);
                let left = usize::from(*font.get(at + 2 + r * 2)?);
                for code in first..=first + left {
                    set(code, *charset.get(gid)?);
                    gid += 1;
                }
            }
            at += 1 + ranges * 2;
        }
        _ => return None,
    }
    if format & 0x80 != 0 {
        let sups = usize::from(*font.get(at)?);
        for s in 0..sups {
            let code = usize::from(*font.get(at + 1 + s * 3)?);
            set(code, u16_at(font, at + 2 + s * 3)?);
        }
    }
    Some(map)
}

/// SID per glyph id (glyph 0 is .notdef).
fn charset(font: &[u8], at: usize, glyphs: usize) -> Option<Vec<usize>> {
    let mut sids = vec![0usize];
    if at <= 2 {
        // ISOAdobe: glyph i is SID i
        return Some((0..glyphs).collect());
    }
    let format = *font.get(at)?;
    let mut p = at + 1;
    while sids.len() < glyphs {
        match format {
            0 => {
                sids.push(u16_at(font, p)?);
                p += 2;
            }
            1 | 2 => {
                let first = u16_at(font, p)?;
                let left = if format == 1 {
                    usize::from(*font.get(p + 2)?)
                } else {
                    u16_at(font, p + 2)?
                };
                p += if format == 1 { 3 } else { 4 };
                sids.extend((first..=first + left).take(glyphs - sids.len()));
            }
            _ => return None,
        }
    }
    Some(sids)
}

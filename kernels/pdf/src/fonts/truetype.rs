//! Just enough of an embedded TrueType program to read text from a symbolic font without a
//! ToUnicode map: the `cmap` takes a code to a glyph, the `post` table names the glyph, the
//! name gives the text. A font whose `cmap` has no Unicode subtable and whose glyphs have no
//! usable names maps codes to glyphs with no Unicode meaning at all.

use super::encoding::CodeMap;
use super::glyphs;

#[path = "../tables/mac_glyphs.rs"]
#[rustfmt::skip]
mod mac;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The table tagged `tag`, bounded by the program.
fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let tables = usize::from(u16_at(font, 4)?);
    (0..tables.min(256)).find_map(|i| {
        let rec = 12 + i * 16;
        if font.get(rec..rec + 4)? != tag {
            return None;
        }
        let start = u32_at(font, rec + 8)? as usize;
        let len = u32_at(font, rec + 12)? as usize;
        font.get(start..start.checked_add(len)?.min(font.len()))
    })
}

/// `(platform, encoding, subtable)` of every `cmap` subtable.
fn cmap_subtables(font: &[u8]) -> Option<Vec<(u16, u16, &[u8])>> {
    let cmap = table(font, b"cmap")?;
    let count = usize::from(u16_at(cmap, 2)?);
    Some(
        (0..count.min(64))
            .filter_map(|i| {
                let rec = 4 + i * 8;
                let offset = u32_at(cmap, rec + 4)? as usize;
                Some((
                    u16_at(cmap, rec)?,
                    u16_at(cmap, rec + 2)?,
                    cmap.get(offset..)?,
                ))
            })
            .collect(),
    )
}

/// The glyph a `cmap` subtable (formats 0, 4 and 6) gives `code`; 0 is no glyph.
fn glyph_of(sub: &[u8], code: u32) -> Option<u16> {
    match u16_at(sub, 0)? {
        0 => sub
            .get(6 + usize::try_from(code).ok().filter(|&c| c < 256)?)
            .map(|&g| u16::from(g)),
        6 => {
            let first = u32::from(u16_at(sub, 6)?);
            let index = code.checked_sub(first)?;
            (index < u32::from(u16_at(sub, 8)?)).then_some(())?;
            u16_at(sub, 10 + 2 * index as usize)
        }
        4 => {
            let segs = usize::from(u16_at(sub, 6)? / 2);
            let seg = (0..segs)
                .find(|&i| u16_at(sub, 14 + 2 * i).is_some_and(|end| u32::from(end) >= code))?;
            let start = u32::from(u16_at(sub, 16 + 2 * segs + 2 * seg)?);
            if start > code {
                return None;
            }
            let delta = u16_at(sub, 16 + 4 * segs + 2 * seg)?;
            let range_at = 16 + 6 * segs + 2 * seg;
            let range = usize::from(u16_at(sub, range_at)?);
            if range == 0 {
                return Some((code as u16).wrapping_add(delta));
            }
            let g = u16_at(sub, range_at + range + 2 * (code - start) as usize)?;
            Some(if g == 0 { 0 } else { g.wrapping_add(delta) })
        }
        _ => None,
    }
}

/// Glyph names by glyph id, from a `post` table of format 2.
fn glyph_names(font: &[u8]) -> Option<Vec<&[u8]>> {
    let post = table(font, b"post")?;
    if u32_at(post, 0)? != 0x0002_0000 {
        return None;
    }
    let count = usize::from(u16_at(post, 32)?);
    let mut custom = Vec::new();
    let mut at = 34 + 2 * count;
    while let Some(&len) = post.get(at) {
        let Some(name) = post.get(at + 1..at + 1 + usize::from(len)) else {
            break;
        };
        custom.push(name);
        at += 1 + usize::from(len);
    }
    (0..count)
        .map(|g| {
            let index = usize::from(u16_at(post, 34 + 2 * g)?);
            Some(match mac::MAC_GLYPHS.get(index) {
                Some(name) => name.as_bytes(),
                None => custom
                    .get(index - mac::MAC_GLYPHS.len())
                    .copied()
                    .unwrap_or(b""),
            })
        })
        .collect()
}

/// Text of each code of a symbolic font from its glyph names: codes go through the (3,0)
/// subtable (at the code or at 0xF000 + code, as Windows symbol fonts place them) or the
/// (1,0) one. `None` when no code gets text.
pub fn symbolic_text(font: &[u8]) -> Option<CodeMap> {
    let names = glyph_names(font)?;
    let subs = cmap_subtables(font)?;
    let windows = subs.iter().find(|s| (s.0, s.1) == (3, 0)).map(|s| s.2);
    let mac = subs.iter().find(|s| (s.0, s.1) == (1, 0)).map(|s| s.2);
    let glyph = |code: u32| -> Option<u16> {
        let found =
            |sub: Option<&[u8]>, c: u32| sub.and_then(|s| glyph_of(s, c)).filter(|&g| g != 0);
        [0xF000, 0xF100, 0xF200, 0]
            .iter()
            .find_map(|&high| found(windows, high + code))
            .or_else(|| found(mac, code))
    };
    let map: CodeMap = (0..256u32)
        .map(|code| {
            let name = names.get(usize::from(glyph(code)?))?;
            glyphs::to_unicode(name)
                .filter(|t| !t.chars().any(|c| matches!(u32::from(c), 0xE000..=0xF8FF)))
        })
        .collect();
    map.iter().any(Option::is_some).then_some(map)
}

/// True when the font has a cmap and none of its subtables is a Unicode one.
pub fn codes_are_not_unicode(font: &[u8]) -> bool {
    cmap_subtables(font).is_some_and(|subs| {
        !subs.is_empty()
            && !subs
                .iter()
                .any(|&(p, e, _)| p == 0 || (p == 3 && (e == 1 || e == 10)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be16(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_be_bytes());
    }

    /// A program with a (3,0) format-4 cmap placing codes 0x41-0x42 at 0xF041-0xF042 on
    /// glyphs 1-2, and a format-2 post naming glyph 1 "A" (Macintosh index 36) and glyph 2
    /// "Zeta" (custom).
    fn program() -> Vec<u8> {
        let mut cmap = Vec::new();
        for x in [0, 1, 3, 0] {
            be16(&mut cmap, x);
        }
        cmap.extend_from_slice(&12u32.to_be_bytes());
        // format 4, two segments: 0xF041-0xF042 (delta to glyph 1) and the 0xFFFF end
        for x in [
            4, 32, 0, 4, 0, 0, 0, 0xF042, 0xFFFF, 0, 0xF041, 0xFFFF, 0x0FC0, 1, 0, 0,
        ] {
            be16(&mut cmap, x);
        }
        let mut post = vec![0, 2, 0, 0];
        post.resize(32, 0);
        for x in [3, 0, 36, 258] {
            be16(&mut post, x);
        }
        post.extend_from_slice(b"\x04Zeta");
        let mut font = vec![0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
        let base = 12 + 2 * 16;
        for (tag, t, at) in [(b"cmap", &cmap, base), (b"post", &post, base + cmap.len())] {
            font.extend_from_slice(tag);
            font.extend_from_slice(&[0; 4]);
            font.extend_from_slice(&(at as u32).to_be_bytes());
            font.extend_from_slice(&(t.len() as u32).to_be_bytes());
        }
        font.extend_from_slice(&cmap);
        font.extend_from_slice(&post);
        font
    }

    #[test]
    fn symbol_codes_read_through_cmap_and_glyph_names() {
        let font = program();
        assert!(codes_are_not_unicode(&font));
        let map = symbolic_text(&font).expect("names");
        assert_eq!(map[0x41].as_deref(), Some("A"));
        assert_eq!(map[0x42].as_deref(), Some("Ζ"));
        assert_eq!(map[0x43], None);
    }

    #[test]
    fn a_truncated_program_gives_nothing() {
        let font = program();
        for cut in [0, 10, 40, 60, font.len() - 3] {
            let _ = symbolic_text(&font[..cut]);
        }
        assert!(symbolic_text(&[]).is_none());
    }
}

//! Just enough of an embedded TrueType program to tell whether its character codes can mean
//! Unicode text: a font whose `cmap` has only symbol or Macintosh subtables and whose glyphs
//! have no names (`post` format 3) maps codes to glyphs with no Unicode meaning at all.

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// `(platform, encoding)` of every `cmap` subtable; `None` when the program is unreadable.
pub fn cmap_subtables(font: &[u8]) -> Option<Vec<(u16, u16)>> {
    let tables = usize::from(u16_at(font, 4)?);
    let cmap = (0..tables.min(256)).find_map(|i| {
        let rec = 12 + i * 16;
        (font.get(rec..rec + 4)? == b"cmap")
            .then(|| u32_at(font, rec + 8))
            .flatten()
    })? as usize;
    let count = usize::from(u16_at(font, cmap + 2)?);
    (0..count.min(64))
        .map(|i| {
            Some((
                u16_at(font, cmap + 4 + i * 8)?,
                u16_at(font, cmap + 6 + i * 8)?,
            ))
        })
        .collect()
}

/// True when the font has a cmap and none of its subtables is a Unicode one.
pub fn codes_are_not_unicode(font: &[u8]) -> bool {
    cmap_subtables(font).is_some_and(|subs| {
        !subs.is_empty()
            && !subs
                .iter()
                .any(|&(p, e)| p == 0 || (p == 3 && (e == 1 || e == 10)))
    })
}

//! Widths of the standard 14 fonts, for PDFs that use them without a /Widths array.

#[path = "../tables/widths.rs"]
#[rustfmt::skip]
mod widths;

/// The width table for a base font name (subset prefixes and style suffixes ignored).
pub fn table(base_font: &[u8]) -> Option<&'static [(u32, u16)]> {
    let name = std::str::from_utf8(base_font).ok()?;
    let name = name.split_once('+').map_or(name, |(_, n)| n);
    let bold = name.contains("Bold");
    let italic = name.contains("Italic") || name.contains("Oblique");
    if name.starts_with("Courier") {
        return Some(&[]);
    }
    let t: &'static [(u32, u16)] = if name.starts_with("Helvetica") || name.starts_with("Arial") {
        if bold {
            widths::HELVETICA_BOLD
        } else {
            widths::HELVETICA
        }
    } else if name.starts_with("Times") {
        match (bold, italic) {
            (true, true) => widths::TIMES_BOLDITALIC,
            (true, false) => widths::TIMES_BOLD,
            (false, true) => widths::TIMES_ITALIC,
            (false, false) => widths::TIMES_ROMAN,
        }
    } else if name.starts_with("Symbol") {
        widths::SYMBOL
    } else if name.starts_with("ZapfDingbats") {
        widths::ZAPFDINGBATS
    } else {
        return None;
    };
    Some(t)
}

/// Width in 1/1000 em of `text`'s first character; Courier (empty table) is 600.
pub fn width(table: &[(u32, u16)], text: &str) -> Option<f64> {
    if table.is_empty() {
        return Some(600.0);
    }
    let c = u32::from(text.chars().next()?);
    table
        .binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .map(|i| f64::from(table[i].1))
}

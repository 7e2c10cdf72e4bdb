//! Glyph names to Unicode: the Adobe Glyph List plus its naming rules (uniXXXX, uXXXXX,
//! ligatures joined by underscores, suffixes after a period).

#[path = "../tables/glyphlist.rs"]
#[rustfmt::skip]
mod glyphlist;

pub fn to_unicode(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if base.contains('_') {
        let parts: Option<String> = base.split('_').map(single).collect();
        return parts;
    }
    single(base)
}

fn single(name: &str) -> Option<String> {
    if let Ok(i) = glyphlist::GLYPHS.binary_search_by(|(n, _)| n.cmp(&name)) {
        return Some(glyphlist::GLYPHS[i].1.to_string());
    }
    if let Some(hex) = name.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 {
            let units: Option<Vec<u16>> = (0..hex.len())
                .step_by(4)
                .map(|i| u16::from_str_radix(&hex[i..i + 4], 16).ok())
                .collect();
            return units.map(|u| String::from_utf16_lossy(&u));
        }
    }
    if let Some(hex) = name.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::to_unicode;

    #[test]
    fn names() {
        assert_eq!(to_unicode(b"afii10017").as_deref(), Some("А"));
        assert_eq!(to_unicode(b"eacute").as_deref(), Some("é"));
        assert_eq!(to_unicode(b"uni0041").as_deref(), Some("A"));
        assert_eq!(to_unicode(b"u1F600").as_deref(), Some("😀"));
        assert_eq!(to_unicode(b"f_i").as_deref(), Some("fi"));
        assert_eq!(to_unicode(b"a.sc").as_deref(), Some("a"));
        assert_eq!(to_unicode(b"nonsense#"), None);
    }
}

//! TeX-style accents: a spacing accent glyph drawn over a letter becomes one accented
//! letter ("´" + "o" → "ó"), as pdftotext and mutool do.

#[path = "tables/compose.rs"]
#[rustfmt::skip]
mod compose;

/// The combining mark a lone spacing accent stands for.
pub fn combining(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let c = u32::from(chars.next()?);
    if chars.next().is_some() {
        return None;
    }
    let i = compose::ACCENTS
        .binary_search_by_key(&c, |&(a, _)| a)
        .ok()?;
    char::from_u32(compose::ACCENTS[i].1)
}

/// Appends `base` carrying `mark`, precomposed when Unicode has the letter.
pub fn push_accented(out: &mut String, base: &str, mark: char) {
    let mut chars = base.chars();
    let (Some(first), None) = (chars.next(), chars.clone().next()) else {
        out.push_str(base);
        out.push(mark);
        return;
    };
    // TeX puts accents on the dotless i and j
    let first = match first {
        'ı' => 'i',
        'ȷ' => 'j',
        c => c,
    };
    let key = (u32::from(first), u32::from(mark));
    match compose::COMPOSED.binary_search_by_key(&key, |&(b, m, _)| (b, m)) {
        Ok(i) => out.extend(char::from_u32(compose::COMPOSED[i].2)),
        Err(_) => {
            out.push(first);
            out.push(mark);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes() {
        let mut s = String::new();
        push_accented(&mut s, "o", combining("´").unwrap());
        push_accented(&mut s, "ı", combining("´").unwrap());
        push_accented(&mut s, "n", combining("˜").unwrap());
        push_accented(&mut s, "q", combining("¨").unwrap());
        assert_eq!(s, "óíñq\u{308}");
        assert_eq!(combining("ab"), None);
    }
}

//! Right-to-left lines (Arabic, Hebrew): glyphs are placed visually, so a line is read by
//! position from the right, keeping left-to-right runs (numbers, Latin) in their order.

use crate::layout::Glyph;

pub fn is_rtl(c: char) -> bool {
    matches!(u32::from(c), 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

fn is_strong_ltr(c: char) -> bool {
    c.is_alphanumeric() && !is_rtl(c)
}

fn is_mark(c: char) -> bool {
    matches!(u32::from(c), 0x0591..=0x05C7 | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0300..=0x036F)
}

/// Whether a line's text reads right to left: more right-to-left letters than others.
pub fn line_is_rtl<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    let (mut rtl, mut ltr) = (0, 0);
    for c in texts.flat_map(str::chars) {
        if is_rtl(c) && c.is_alphabetic() {
            rtl += 1;
        } else if is_strong_ltr(c) && c.is_alphabetic() {
            ltr += 1;
        }
    }
    rtl > 0 && rtl >= ltr
}

/// Logical-order text of one right-to-left line.
pub fn line_text(glyphs: &[(Glyph, &str)], space_gap: f64) -> String {
    let mut sorted: Vec<&(Glyph, &str)> = glyphs.iter().collect();
    sorted.sort_by(|a, b| a.0.u.total_cmp(&b.0.u));
    // words in visual (left-to-right) order
    let mut words: Vec<Vec<&str>> = Vec::new();
    let mut last_end: Option<f64> = None;
    for (g, t) in sorted {
        let blank = t.trim().is_empty();
        let gap = last_end.is_some_and(|e| g.u - e > space_gap * g.size.max(0.01));
        if blank || gap || words.is_empty() {
            words.push(Vec::new());
        }
        if let (false, Some(w)) = (blank, words.last_mut()) {
            w.push(*t);
        }
        last_end = Some(g.end);
    }
    words.retain(|w| !w.is_empty());
    let rtl_word = |w: &Vec<&str>| w.iter().flat_map(|t| t.chars()).any(is_rtl);
    let mut out: Vec<String> = Vec::new();
    let mut i = words.len();
    while i > 0 {
        if rtl_word(&words[i - 1]) {
            out.push(reverse_word(&words[i - 1]));
            i -= 1;
            continue;
        }
        // a left-to-right run keeps its visual order
        let mut start = i - 1;
        while start > 0 && !rtl_word(&words[start - 1]) {
            start -= 1;
        }
        out.extend(words[start..i].iter().map(|w| w.concat()));
        i = start;
    }
    out.join(" ")
}

/// Glyphs of one right-to-left word, read from the right; marks stay after their letter.
fn reverse_word(glyphs: &[&str]) -> String {
    let mut rev: Vec<&str> = glyphs.iter().rev().copied().collect();
    let mut k = 0;
    while k + 1 < rev.len() {
        let mark_first = rev[k].chars().all(is_mark) && !rev[k + 1].chars().all(is_mark);
        if mark_first {
            rev.swap(k, k + 1);
            k += 2;
        } else {
            k += 1;
        }
    }
    rev.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(u: f64) -> Glyph {
        Glyph {
            u,
            end: u + 5.0,
            v: 0.0,
            size: 10.0,
            dir: (1.0, 0.0),
        }
    }

    #[test]
    fn visual_to_logical() {
        // "سلام 42" drawn left to right on the page: "42" then "مالس"
        let glyphs = [
            (g(0.0), "4"),
            (g(5.0), "2"),
            (g(20.0), "م"),
            (g(25.0), "ا"),
            (g(30.0), "ل"),
            (g(35.0), "س"),
        ];
        assert_eq!(line_text(&glyphs, 0.15), "سلام 42");
        assert!(line_is_rtl(glyphs.iter().map(|x| x.1)));
    }
}

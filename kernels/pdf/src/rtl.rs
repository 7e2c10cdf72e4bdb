//! Lines with right-to-left text (Arabic, Persian, Hebrew). Their glyphs are placed visually,
//! so the line is read by position and reordered into logical order the way pdftotext does:
//! right-to-left runs (with the spaces and punctuation between them) reversed, runs of Latin
//! letters and numbers kept left to right, the runs themselves ordered by the line's main
//! direction.

mod clusters;

use crate::layout::Glyph;
use clusters::clusters;

pub fn is_rtl(c: char) -> bool {
    matches!(u32::from(c), 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFC)
}

/// Digits keep left-to-right order inside right-to-left text, Arabic-Indic ones too.
fn is_number(c: char) -> bool {
    c.is_ascii_digit() || matches!(u32::from(c), 0x0660..=0x066C | 0x06F0..=0x06F9)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Rtl,
    Ltr,
    Number,
    Neutral,
}

fn class_of(text: &str) -> Class {
    let mut class = Class::Neutral;
    for c in text.chars() {
        if is_number(c) {
            class = Class::Number;
        } else if is_rtl(c) {
            return Class::Rtl;
        } else if c.is_alphabetic() && class == Class::Neutral {
            class = Class::Ltr;
        }
    }
    class
}

/// Whether a line holds right-to-left letters at all.
pub fn has_rtl<'a>(mut texts: impl Iterator<Item = &'a str>) -> bool {
    texts.any(|t| t.chars().any(|c| is_rtl(c) && !is_number(c)))
}

/// Whether a line reads right to left: at least as many right-to-left letters as others.
pub fn line_is_rtl<'a>(texts: impl Iterator<Item = &'a str>) -> bool {
    let (mut rtl, mut ltr) = (0, 0);
    for c in texts.flat_map(str::chars) {
        if is_rtl(c) && c.is_alphabetic() {
            rtl += 1;
        } else if c.is_alphabetic() {
            ltr += 1;
        }
    }
    rtl > 0 && rtl >= ltr
}

/// Logical-order text of one line holding right-to-left text.
pub fn line_text(glyphs: &[(Glyph, &str)], space_gap: f64, rtl_main: bool) -> String {
    let visual = clusters(glyphs, space_gap);
    let rtl = resolve(&visual, rtl_main);
    let mut out = String::with_capacity(visual.iter().map(|t| t.len()).sum());
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for k in 1..=visual.len() {
        if k == visual.len() || rtl[k] != rtl[start] {
            runs.push((start, k));
            start = k;
        }
    }
    if rtl_main {
        runs.reverse();
    }
    for (a, b) in runs {
        // runs of two directions touching are two words (a footnote number, a Latin name)
        let first = if rtl[a] { &visual[b - 1] } else { &visual[a] };
        if out.ends_with(char::is_alphanumeric) && first.starts_with(char::is_alphanumeric) {
            out.push(' ');
        }
        if rtl[a] {
            push_reversed(&mut out, &visual[a..b]);
        } else {
            visual[a..b].iter().for_each(|t| out.push_str(t));
        }
    }
    out.trim().to_string()
}

/// Which glyphs read right to left. Numbers read left to right; neutral glyphs (spaces,
/// punctuation) between two runs of one direction take it, others the line's direction.
fn resolve(visual: &[String], rtl_main: bool) -> Vec<bool> {
    let classes: Vec<Class> = visual.iter().map(|t| class_of(t)).collect();
    let strong = |c: Class| match c {
        Class::Rtl => Some(true),
        Class::Ltr | Class::Number => Some(false),
        Class::Neutral => None,
    };
    let mut rtl = vec![rtl_main; visual.len()];
    let mut k = 0;
    while k < classes.len() {
        if let Some(dir) = strong(classes[k]) {
            rtl[k] = dir;
            k += 1;
            continue;
        }
        let end = (k..classes.len())
            .find(|&e| strong(classes[e]).is_some())
            .unwrap_or(classes.len());
        let before = k.checked_sub(1).and_then(|b| strong(classes[b]));
        let after = classes.get(end).and_then(|&c| strong(c));
        // punctuation glued to a word goes with it (`\usepackage{x}` in Persian text), not
        // to a number (`۱.۱:` reads right to left); what lies between two words of one
        // direction takes it; the rest the line's direction
        let glued = |i: Option<usize>| match i.map(|i| classes[i]) {
            Some(Class::Rtl) => Some(true),
            Some(Class::Ltr) => Some(false),
            _ => None,
        };
        let (b, a) = (
            glued(k.checked_sub(1)),
            glued(Some(end).filter(|&e| e < classes.len())),
        );
        let spaces: Vec<usize> = (k..end).filter(|&i| visual[i] == " ").collect();
        match (b, a, spaces.first(), spaces.last()) {
            _ if before.is_some() && before == after => rtl[k..end]
                .iter_mut()
                .for_each(|r| *r = before == Some(true)),
            (b, a, Some(&first), Some(&last)) => {
                if let Some(x) = b {
                    rtl[k..first].iter_mut().for_each(|r| *r = x);
                }
                if let Some(y) = a {
                    rtl[last + 1..end].iter_mut().for_each(|r| *r = y);
                }
            }
            (Some(x), None, None, _) | (None, Some(x), None, _) => {
                rtl[k..end].iter_mut().for_each(|r| *r = x)
            }
            _ => {}
        }
        k = end;
    }
    rtl
}

/// Letters of a right-to-left run, read from the right; brackets drawn mirrored read as
/// they were typed.
fn push_reversed(out: &mut String, run: &[String]) {
    for t in run.iter().rev() {
        match mirror(t) {
            Some(c) => out.push(c),
            None => out.push_str(t),
        }
    }
}

fn mirror(t: &str) -> Option<char> {
    Some(match t {
        "(" => ')',
        ")" => '(',
        "[" => ']',
        "]" => '[',
        "{" => '}',
        "}" => '{',
        "<" => '>',
        ">" => '<',
        "«" => '»',
        "»" => '«',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn g(u: f64) -> Glyph {
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
        assert!(line_is_rtl(glyphs.iter().map(|x| x.1)));
        assert_eq!(line_text(&glyphs, 0.1, true), "سلام 42");
    }

    /// Glyphs drawn left to right from `visual`, a space standing for a word gap.
    fn drawn(visual: &str) -> Vec<(Glyph, String)> {
        let mut u = 0.0;
        let mut out = Vec::new();
        for c in visual.chars() {
            if c != ' ' {
                out.push((g(u), c.to_string()));
            }
            u += 5.0;
        }
        out
    }

    fn read(visual: &str, rtl_main: bool) -> String {
        let glyphs = drawn(visual);
        let refs: Vec<(Glyph, &str)> = glyphs.iter().map(|(g, t)| (*g, t.as_str())).collect();
        line_text(&refs, 0.1, rtl_main)
    }

    #[test]
    fn arabic_digits_and_latin_keep_their_order() {
        assert_eq!(read("TEX ۱۲ اب", true), "با TEX ۱۲");
        assert_eq!(read("[۳] و [۱] رد", true), "در [۱] و [۳]");
        assert_eq!(read("ب \\use{x} ا", true), "ا \\use{x} ب");
        assert_eq!(read("ab دج 12 اب", false), "ab جد 12 با");
    }

    #[test]
    fn a_right_to_left_run_inside_a_latin_line() {
        let glyphs = [
            (g(0.0), "a"),
            (g(5.0), "b"),
            (g(10.0), "c"),
            (g(20.0), "ب"),
            (g(25.0), "ا"),
        ];
        assert!(!line_is_rtl(glyphs.iter().map(|x| x.1)));
        assert_eq!(line_text(&glyphs, 0.1, false), "abc اب");
    }
}

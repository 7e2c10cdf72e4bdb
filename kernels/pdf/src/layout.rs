//! Reading order from glyph positions: words from gaps, lines from baselines.
//!
//! Each glyph is measured in its own baseline frame (`u` along the text direction, `v`
//! across it), so rotated pages and vertical runs need no special case. Lines keep the
//! content stream's order (which TeX, Word and most writers emit in reading order), except
//! right-to-left lines, which are read by position (see `rtl`).

use crate::accents;
use crate::rtl;

#[derive(Clone, Copy, Debug)]
pub struct Glyph {
    /// Start and end of the glyph's advance along the baseline.
    pub u: f64,
    pub end: f64,
    /// Baseline position across the text direction.
    pub v: f64,
    /// Font size in device space.
    pub size: f64,
    /// Unit vector of the text direction.
    pub dir: (f64, f64),
}

/// A gap wider than this share of the font size is a word break.
const SPACE_GAP: f64 = 0.12;
/// Right-to-left scripts set words closer (measured on Persian and Arabic TeX output).
const RTL_SPACE_GAP: f64 = 0.1;
/// A line whose letters are all at least this far apart (in em) is letter-spaced, when it has
/// this many letter pairs (fewer could all be word gaps).
const LETTER_SPACED: f64 = 0.05;
const LETTER_SPACED_PAIRS: usize = 8;
/// A baseline shift beyond this share of the font size starts a new line.
const LINE_SHIFT: f64 = 0.5;

#[derive(Default)]
pub struct Layout {
    glyphs: Vec<(Glyph, u32, u32)>,
    text: String,
}

impl Layout {
    pub fn push(&mut self, g: Glyph, text: &str) {
        if text.is_empty() || !(g.u.is_finite() && g.v.is_finite() && g.end.is_finite()) {
            return;
        }
        let start = self.text.len() as u32;
        self.text.push_str(text);
        self.glyphs.push((g, start, self.text.len() as u32));
    }

    pub fn finish(self) -> String {
        let glyphs: Vec<(Glyph, &str)> = self
            .glyphs
            .iter()
            .map(|&(g, s, e)| (g, &self.text[s as usize..e as usize]))
            .collect();
        let mut out = String::with_capacity(self.text.len() + self.text.len() / 4);
        for line in split_lines(&glyphs) {
            let text = if rtl::has_rtl(line.iter().map(|x| x.1)) {
                let rtl_main = rtl::line_is_rtl(line.iter().map(|x| x.1));
                let gap = if rtl_main { RTL_SPACE_GAP } else { SPACE_GAP };
                rtl::line_text(line, gap, rtl_main)
            } else {
                ltr_line(line)
            };
            let text = text.trim_end();
            if !text.is_empty() {
                out.push_str(text);
                out.push('\n');
            }
        }
        out
    }
}

fn same_dir(a: &Glyph, b: &Glyph) -> bool {
    a.dir.0 * b.dir.0 + a.dir.1 * b.dir.1 > 0.9
}

/// Consecutive glyphs on one baseline form a line.
fn split_lines<'a, 'b>(glyphs: &'b [(Glyph, &'a str)]) -> Vec<&'b [(Glyph, &'a str)]> {
    let mut lines = Vec::new();
    let mut start = 0;
    for i in 1..glyphs.len() {
        let (p, g) = (&glyphs[i - 1].0, &glyphs[i].0);
        let size = p.size.max(g.size).max(0.01);
        if !same_dir(p, g) || (g.v - p.v).abs() > LINE_SHIFT * size || g.u < p.u - size {
            lines.push(&glyphs[start..i]);
            start = i;
        }
    }
    if start < glyphs.len() {
        lines.push(&glyphs[start..]);
    }
    lines
}

/// How much of the narrower glyph the two share along the baseline (0 to 1).
fn shared(a: &Glyph, b: &Glyph) -> f64 {
    let (lo, hi) = (a.u.max(b.u), a.end.min(b.end));
    let narrow = (a.end - a.u).min(b.end - b.u).max(0.01);
    ((hi - lo) / narrow).max(0.0)
}

fn overlap(a: &Glyph, b: &Glyph) -> bool {
    shared(a, b) > 0.3
}

/// The word-gap threshold of a line, in em: `SPACE_GAP`, or more in a letter-spaced line
/// (character spacing puts a gap between all its letters; the words are further apart).
fn space_gap(line: &[(Glyph, &str)]) -> f64 {
    let mut letters = line.iter().filter(|(_, t)| !t.trim().is_empty());
    let Some(mut prev) = letters.next() else {
        return SPACE_GAP;
    };
    let (mut pairs, mut least) = (0, f64::INFINITY);
    for item in letters {
        let (p, g) = (&prev.0, &item.0);
        least = least.min((g.u - p.end) / p.size.max(g.size).max(0.01));
        pairs += 1;
        prev = item;
    }
    if pairs < LETTER_SPACED_PAIRS || least < LETTER_SPACED {
        return SPACE_GAP;
    }
    (least * 1.3).clamp(SPACE_GAP, 0.4)
}

fn ltr_line(line: &[(Glyph, &str)]) -> String {
    let space_gap = space_gap(line);
    let mut out = String::new();
    let mut prev: Option<(Glyph, &str)> = None;
    let mut i = 0;
    while i < line.len() {
        let (g, t) = line[i];
        i += 1;
        let blank = t.chars().all(char::is_whitespace);
        if let Some((p, pt)) = prev {
            let size = p.size.max(g.size).max(0.01);
            if pt == t && (g.u - p.u).abs() < 0.05 * size && (g.v - p.v).abs() < 0.05 * size {
                continue; // the same glyph drawn twice (fake bold, shadows)
            }
            if let Some(mark) = accents::combining(t) {
                // the letter under the accent: the previous glyph unless the next sits better
                let next_share = line.get(i).map_or(0.0, |(n, _)| shared(&g, n));
                if overlap(&p, &g) && shared(&p, &g) >= next_share {
                    // accent drawn after its letter
                    let base = out.pop().map(String::from).unwrap_or_default();
                    accents::push_accented(&mut out, &base, mark);
                    continue;
                }
            }
            if !blank && g.u - p.end > space_gap * size && !out.ends_with(char::is_whitespace) {
                out.push(' ');
            }
        }
        if blank {
            if !out.is_empty() && !out.ends_with(char::is_whitespace) {
                out.push(' ');
            }
            prev = Some((g, t));
            continue;
        }
        if let (Some(mark), Some(&(next, nt))) = (accents::combining(t), line.get(i)) {
            if overlap(&g, &next) && !nt.trim().is_empty() {
                // accent drawn before its letter: the pair reads as the letter
                let gap = prev
                    .is_some_and(|(p, _)| next.u.min(g.u) - p.end > space_gap * g.size.max(0.01));
                if gap && !out.ends_with(char::is_whitespace) {
                    out.push(' ');
                }
                accents::push_accented(&mut out, nt, mark);
                let merged = Glyph {
                    u: g.u.min(next.u),
                    end: g.end.max(next.end),
                    ..next
                };
                prev = Some((merged, nt));
                i += 1;
                continue;
            }
        }
        out.push_str(t);
        prev = Some((g, t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(u: f64, v: f64) -> Glyph {
        Glyph {
            u,
            end: u + 5.0,
            v,
            size: 10.0,
            dir: (1.0, 0.0),
        }
    }

    #[test]
    fn words_and_lines() {
        let mut l = Layout::default();
        l.push(g(0.0, 100.0), "a");
        l.push(g(5.0, 100.0), "b");
        l.push(g(13.0, 100.0), "c"); // 3-unit gap: a word break
        l.push(g(0.0, 88.0), "d"); // next baseline
        l.push(g(0.0, 88.0), "d"); // drawn twice
        assert_eq!(l.finish(), "ab c\nd\n");
    }

    #[test]
    fn a_letter_spaced_line_keeps_its_words() {
        // letters 0.3 em apart, words 0.6 em apart
        let mut l = Layout::default();
        let mut u = 0.0;
        for word in ["abc", "def", "ghi"] {
            for c in word.chars() {
                l.push(g(u, 0.0), &c.to_string());
                u += 8.0;
            }
            u += 3.0;
        }
        assert_eq!(l.finish(), "abc def ghi\n");
    }

    #[test]
    fn an_accent_goes_on_the_letter_it_covers() {
        let mut l = Layout::default();
        l.push(g(0.0, 0.0), "l");
        l.push(
            Glyph {
                u: 3.0,
                end: 8.0,
                ..g(0.0, 0.0)
            },
            "´",
        ); // touches the l, covers the ı
        l.push(
            Glyph {
                u: 4.5,
                end: 7.5,
                ..g(0.0, 0.0)
            },
            "ı",
        );
        l.push(g(7.5, 0.0), "n");
        assert_eq!(l.finish(), "lín\n");
    }

    #[test]
    fn accents_merge() {
        let mut l = Layout::default();
        l.push(g(0.0, 0.0), "c");
        l.push(g(6.0, 0.0), "´"); // accent first, then the letter under it
        l.push(g(5.5, 0.0), "o");
        l.push(g(11.0, 0.0), "n");
        assert_eq!(l.finish(), "cón\n");
    }
}

//! A right-to-left line's glyphs gathered into visual clusters: each letter with the marks
//! that belong to it, and word gaps as spaces.

use super::is_rtl;
use crate::layout::Glyph;

fn is_mark(c: char) -> bool {
    matches!(u32::from(c), 0x0591..=0x05C7 | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0300..=0x036F)
}

/// The line in visual (left-to-right) order: each letter with the marks drawn over it, and
/// a space where the gap between letters is wide.
///
/// Word breaks come from gaps alone: Persian TeX draws the zero-width non-joiner as a space
/// glyph inside a word (and kerns the next letter over it), so space glyphs are not breaks.
/// A mark's position says little (LuaTeX draws Arabic vowel signs past their letter's edge);
/// its place in the content stream says which letter it belongs to (see `owner`).
pub(super) fn clusters(glyphs: &[(Glyph, &str)], space_gap: f64) -> Vec<String> {
    let items: Vec<&(Glyph, &str)> = glyphs
        .iter()
        .filter(|(_, t)| !t.trim().is_empty())
        .collect();
    let mark: Vec<bool> = items.iter().map(|(_, t)| t.chars().all(is_mark)).collect();
    let owners = owners(&items, &mark);
    let mut bases: Vec<(Glyph, &str, String)> = Vec::with_capacity(items.len());
    let mut slot = vec![usize::MAX; items.len()];
    for (k, &(g, t)) in items.iter().enumerate() {
        if owners[k].is_none() {
            slot[k] = bases.len();
            bases.push((*g, t, t.to_string()));
        }
    }
    for (k, owner) in owners.iter().enumerate() {
        if let Some(base) = owner.and_then(|o| bases.get_mut(slot[o])) {
            base.2.push_str(items[k].1);
        }
    }
    bases.sort_by(|a, b| a.0.u.total_cmp(&b.0.u));
    let mut visual: Vec<String> = Vec::with_capacity(bases.len() * 5 / 4);
    let mut prev: Option<(Glyph, &str)> = None;
    for (g, t, cluster) in bases {
        if let Some((p, pt)) = prev {
            let size = p.size.max(g.size).max(0.01);
            if pt == t && (g.u - p.u).abs() < 0.05 * size && (g.v - p.v).abs() < 0.05 * size {
                continue; // the same glyph drawn twice (fake bold, shadows)
            }
            if g.u - p.end > space_gap * size {
                visual.push(" ".to_string());
            }
        }
        visual.push(cluster);
        prev = Some((g, t));
    }
    visual
}

/// The letter each mark belongs to (index into `items`), `None` for letters. A right-to-left
/// mark belongs to whichever of its neighbours in the stream lies further right: LuaTeX draws
/// from the right (letter, then its marks), XeTeX from the left (marks, then their letter).
/// Other marks follow their letter.
fn owners(items: &[&(Glyph, &str)], mark: &[bool]) -> Vec<Option<usize>> {
    let n = items.len();
    let mut before = vec![None; n];
    let mut after = vec![None; n];
    for k in 1..n {
        before[k] = if mark[k - 1] {
            before[k - 1]
        } else {
            Some(k - 1)
        };
    }
    for k in (0..n.saturating_sub(1)).rev() {
        after[k] = if mark[k + 1] {
            after[k + 1]
        } else {
            Some(k + 1)
        };
    }
    (0..n)
        .map(|k| {
            if !mark[k] {
                return None;
            }
            if !items[k].1.chars().any(is_rtl) {
                return before[k].or(after[k]);
            }
            match (before[k], after[k]) {
                (Some(b), Some(a)) => Some(if items[a].0.u > items[b].0.u { a } else { b }),
                (b, a) => b.or(a),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{line_text, tests::g};

    #[test]
    fn a_space_glyph_inside_a_word_is_no_break() {
        // Persian "میکند" with a zero-width non-joiner drawn as a space glyph under the ی
        let glyphs = [
            (g(0.0), "د"),
            (g(5.0), "ن"),
            (g(10.0), "ک"),
            (g(15.0), " "),
            (g(14.5), "ی"),
            (g(19.5), "م"),
        ];
        assert_eq!(line_text(&glyphs, 0.1, true), "میکند");
    }

    #[test]
    fn marks_follow_their_letter() {
        // "بَت" drawn from the right, each vowel sign after its letter, left of its edge
        let glyphs = [(g(10.0), "ب"), (g(9.0), "\u{64e}"), (g(5.0), "ت")];
        assert_eq!(line_text(&glyphs, 0.1, true), "ب\u{64e}ت");
        // the same from the left, each sign before its letter
        let glyphs = [(g(5.0), "ت"), (g(9.0), "\u{64e}"), (g(10.0), "ب")];
        assert_eq!(line_text(&glyphs, 0.1, true), "ب\u{64e}ت");
    }
}

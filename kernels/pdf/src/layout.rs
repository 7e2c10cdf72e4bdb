//! Reading order from glyph positions: words from gaps, lines from baselines.
//!
//! Each glyph is measured in its own baseline frame (`u` along the text direction, `v`
//! across it), so rotated pages and vertical runs need no special case.

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
const SPACE_GAP: f64 = 0.15;
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
        let mut out = String::with_capacity(self.text.len() + self.text.len() / 4);
        let mut prev: Option<(Glyph, &str)> = None;
        for &(g, s, e) in &self.glyphs {
            let t = &self.text[s as usize..e as usize];
            let blank = t.chars().all(char::is_whitespace);
            if let Some((p, pt)) = prev {
                let size = p.size.max(g.size).max(0.01);
                let same_dir = p.dir.0 * g.dir.0 + p.dir.1 * g.dir.1 > 0.9;
                let dv = g.v - p.v;
                if same_dir && pt == t && (g.u - p.u).abs() < 0.05 * size && dv.abs() < 0.05 * size
                {
                    continue; // the same glyph drawn twice (fake bold, shadows)
                }
                if !same_dir || dv.abs() > LINE_SHIFT * size || g.u < p.u - size {
                    trim_end_spaces(&mut out);
                    out.push('\n');
                } else if !blank
                    && g.u - p.end > SPACE_GAP * size
                    && !out.ends_with(char::is_whitespace)
                {
                    out.push(' ');
                }
            }
            if blank {
                if !out.is_empty() && !out.ends_with(char::is_whitespace) {
                    out.push(' ');
                }
            } else {
                out.push_str(t);
            }
            prev = Some((g, t));
        }
        trim_end_spaces(&mut out);
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

fn trim_end_spaces(s: &mut String) {
    while s.ends_with(' ') {
        s.pop();
    }
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
}

//! BERT's text normalizer (the `BertNormalizer` of tokenizer.json), keeping for every output
//! character the byte range of the input character it came from, so tokens can be mapped
//! back to the caller's text.
//!
//! Steps, in the order Hugging Face tokenizers applies them: clean text (drop NUL, U+FFFD and
//! control characters, map whitespace to a space), pad CJK ideographs with spaces, strip
//! accents (NFD, then drop nonspacing marks), lowercase.

use unicode_categories::UnicodeCategories;
use unicode_normalization::char::decompose_canonical;

#[derive(Clone, Copy, Debug)]
pub struct NormalizerOptions {
    pub clean_text: bool,
    pub handle_chinese_chars: bool,
    pub strip_accents: bool,
    pub lowercase: bool,
}

/// A normalized character and the input bytes `[start, end)` it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aligned {
    pub ch: char,
    pub start: u32,
    pub end: u32,
}

/// Normalizes `text`, whose first byte sits at `base` in the caller's string.
pub fn normalize(text: &str, base: u32, options: NormalizerOptions, out: &mut Vec<Aligned>) {
    for (i, c) in text.char_indices() {
        let start = base + i as u32;
        let end = start + c.len_utf8() as u32;
        let mut push = |ch: char| out.push(Aligned { ch, start, end });
        if options.clean_text {
            if c == '\0' || c == '\u{fffd}' || is_control(c) {
                continue;
            }
            if is_whitespace(c) {
                push(' ');
                continue;
            }
        }
        if options.handle_chinese_chars && is_chinese_char(c) {
            push(' ');
            push(c);
            push(' ');
            continue;
        }
        let mut emit = |d: char| {
            if options.strip_accents && d.is_mark_nonspacing() {
                return;
            }
            if options.lowercase {
                d.to_lowercase().for_each(&mut push);
            } else {
                push(d);
            }
        };
        if options.strip_accents {
            decompose_canonical(c, &mut emit);
        } else {
            emit(c);
        }
    }
}

fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.is_other()
}

/// The CJK Unified Ideograph blocks BERT treats as one-character words (not Hangul, not
/// Hiragana/Katakana: those are handled by WordPiece like any other script).
fn is_chinese_char(c: char) -> bool {
    matches!(
        c as u32,
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B920..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BERT: NormalizerOptions = NormalizerOptions {
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: true,
        lowercase: true,
    };

    fn text(s: &str) -> String {
        let mut out = Vec::new();
        normalize(s, 0, BERT, &mut out);
        out.iter().map(|a| a.ch).collect()
    }

    #[test]
    fn strips_accents_lowercases_and_cleans() {
        assert_eq!(text("Él\tcomió\u{0}!"), "el comio!");
        assert_eq!(text("北京"), " 北  京 ");
    }

    #[test]
    fn keeps_byte_origins() {
        let mut out = Vec::new();
        normalize("aÉ", 10, BERT, &mut out);
        assert_eq!(
            out[1],
            Aligned {
                ch: 'e',
                start: 11,
                end: 13
            }
        );
    }
}

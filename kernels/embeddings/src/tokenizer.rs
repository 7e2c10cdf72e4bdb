//! The WordPiece tokenizer of BERT-family models, read from the model's `tokenizer.json`:
//! added tokens matched in the raw text, [`normalize`], the BERT pre-tokenizer (split on
//! whitespace, isolate punctuation), greedy longest-match WordPiece, `[CLS] … [SEP]`.
//! Exact against Hugging Face tokenizers on the parity fixtures; smaller and faster than the
//! `tokenizers` crate for the one pipeline BERT uses.

use crate::normalizer::{normalize, Aligned, NormalizerOptions};
use crate::vocab::Vocab;
use ligero_abi::{KernelError, KernelResult, Status};
use serde_json::Value;
use unicode_categories::UnicodeCategories;

pub struct Tokenizer {
    vocab: Vocab,
    /// Literal tokens found in the raw text before normalization, e.g. `[SEP]`.
    added: Vec<(String, u32)>,
    options: NormalizerOptions,
    prefix: String,
    max_word_chars: usize,
    longest_piece: usize,
    unk: u32,
    cls: u32,
    sep: u32,
}

/// Token ids with `[CLS]`/`[SEP]`, and the input byte range of each token in between.
#[derive(Default, Debug)]
pub struct Encoding {
    pub ids: Vec<u32>,
    pub offsets: Vec<(u32, u32)>,
    pub truncated: bool,
}

fn unsupported(message: impl Into<String>) -> KernelError {
    KernelError::new(Status::Unsupported, message)
}

impl Tokenizer {
    pub fn from_json(json: &Value) -> KernelResult<Self> {
        let model = &json["model"];
        if model["type"] != "WordPiece" {
            return Err(unsupported(
                "tokenizer.json: only WordPiece models are supported",
            ));
        }
        let norm = &json["normalizer"];
        if norm["type"] != "BertNormalizer" || json["pre_tokenizer"]["type"] != "BertPreTokenizer" {
            return Err(unsupported(
                "tokenizer.json: needs BertNormalizer + BertPreTokenizer",
            ));
        }
        let flag = |key: &str, default: bool| norm[key].as_bool().unwrap_or(default);
        let lowercase = flag("lowercase", true);
        let options = NormalizerOptions {
            clean_text: flag("clean_text", true),
            handle_chinese_chars: flag("handle_chinese_chars", true),
            // null means "follow lowercase", as in BERT's original uncased models
            strip_accents: flag("strip_accents", lowercase),
            lowercase,
        };
        let entries: Vec<(&str, u32)> = model["vocab"]
            .as_object()
            .ok_or_else(|| unsupported("tokenizer.json: model.vocab missing"))?
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.as_u64()? as u32)))
            .collect();
        let vocab = Vocab::new(entries.into_iter());
        let id = |token: &str| {
            vocab.get(token).ok_or_else(|| {
                KernelError::new(Status::Damaged, format!("tokenizer.json: no {token} token"))
            })
        };
        let unk = id(model["unk_token"].as_str().unwrap_or("[UNK]"))?;
        let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
        let mut added: Vec<(String, u32)> = json["added_tokens"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|t| {
                        Some((t["content"].as_str()?.to_string(), t["id"].as_u64()? as u32))
                    })
                    .filter(|(content, _)| !content.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        added.sort_by_key(|(content, _)| std::cmp::Reverse(content.len()));
        let longest_piece = vocab.longest_chars();
        Ok(Self {
            vocab,
            added,
            options,
            prefix: model["continuing_subword_prefix"]
                .as_str()
                .unwrap_or("##")
                .to_string(),
            max_word_chars: model["max_input_chars_per_word"].as_u64().unwrap_or(100) as usize,
            longest_piece,
            unk,
            cls,
            sep,
        })
    }

    /// Tokenizes `text`, keeping at most `max_len` ids including `[CLS]` and `[SEP]`.
    pub fn encode(&self, text: &str, max_len: usize) -> Encoding {
        let mut enc = Encoding {
            ids: vec![self.cls],
            ..Encoding::default()
        };
        let budget = max_len.saturating_sub(2);
        let mut chars = Vec::new();
        let mut rest = text;
        let mut base = 0u32;
        while !rest.is_empty() && !enc.truncated {
            let (plain, special) = self.split_added(rest);
            chars.clear();
            normalize(&rest[..plain], base, self.options, &mut chars);
            self.words(&chars, budget, &mut enc);
            let Some((len, id)) = special else { break };
            let start = base + plain as u32;
            push(&mut enc, budget, id, (start, start + len as u32));
            rest = &rest[plain + len..];
            base = start + len as u32;
        }
        enc.ids.push(self.sep);
        enc
    }

    /// Bytes before the first added token in `text`, and that token's length and id.
    fn split_added(&self, text: &str) -> (usize, Option<(usize, u32)>) {
        let mut best: Option<(usize, usize, u32)> = None;
        for (content, id) in &self.added {
            if let Some(at) = text.find(content.as_str()) {
                // leftmost wins; at equal position the longest (sorted first) stays
                if best.is_none_or(|(b, _, _)| at < b) {
                    best = Some((at, content.len(), *id));
                }
            }
        }
        match best {
            Some((at, len, id)) => (at, Some((len, id))),
            None => (text.len(), None),
        }
    }

    /// BERT pre-tokenization: whitespace ends a word, punctuation is a word of its own.
    fn words(&self, chars: &[Aligned], budget: usize, enc: &mut Encoding) {
        let mut start = 0;
        for (i, a) in chars.iter().enumerate() {
            let space = a.ch.is_whitespace();
            if space || is_punctuation(a.ch) {
                self.word_pieces(&chars[start..i], budget, enc);
                if !space {
                    self.word_pieces(&chars[i..i + 1], budget, enc);
                }
                start = i + 1;
            }
        }
        self.word_pieces(&chars[start..], budget, enc);
    }

    /// Greedy longest-match-first WordPiece; a word with an unknown piece is one `[UNK]`.
    fn word_pieces(&self, word: &[Aligned], budget: usize, enc: &mut Encoding) {
        if word.is_empty() || enc.truncated {
            return;
        }
        let span = |from: usize, to: usize| (word[from].start, word[to - 1].end);
        if word.len() > self.max_word_chars {
            push(enc, budget, self.unk, span(0, word.len()));
            return;
        }
        let mut pieces: Vec<(u32, usize, usize)> = Vec::new();
        let mut piece = String::new();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len().min(start + self.longest_piece);
            let mut found = None;
            while end > start {
                piece.clear();
                if start > 0 {
                    piece.push_str(&self.prefix);
                }
                piece.extend(word[start..end].iter().map(|a| a.ch));
                if let Some(id) = self.vocab.get(&piece) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            let Some(id) = found else {
                push(enc, budget, self.unk, span(0, word.len()));
                return;
            };
            pieces.push((id, start, end));
            start = end;
        }
        for (id, from, to) in pieces {
            push(enc, budget, id, span(from, to));
        }
    }
}

fn push(enc: &mut Encoding, budget: usize, id: u32, offsets: (u32, u32)) {
    if enc.offsets.len() >= budget {
        enc.truncated = true;
        return;
    }
    enc.ids.push(id);
    enc.offsets.push(offsets);
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.is_punctuation()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Tokenizer {
        let vocab: Vec<&str> = vec![
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "hello", "!", "el",
        ];
        let json = serde_json::json!({
            "model": {"type": "WordPiece", "unk_token": "[UNK]",
                      "vocab": vocab.iter().enumerate().map(|(i, t)| (t.to_string(), i.into()))
                          .collect::<serde_json::Map<_, _>>()},
            "normalizer": {"type": "BertNormalizer", "lowercase": true, "strip_accents": null},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "added_tokens": [{"id": 3, "content": "[SEP]"}],
        });
        Tokenizer::from_json(&json).unwrap()
    }

    #[test]
    fn word_pieces_unknowns_and_offsets() {
        let enc = tiny().encode("Unaffable  héllo! Él zzz", 64);
        assert_eq!(enc.ids, vec![2, 4, 5, 6, 7, 8, 9, 1, 3]);
        assert_eq!(enc.offsets[..3], [(0, 2), (2, 5), (5, 9)]);
        assert_eq!(enc.offsets[3], (11, 17)); // "héllo": é is two bytes
        assert!(!enc.truncated);
    }

    #[test]
    fn pieces_of_one_character_share_its_span() {
        // from fuzzing: accents stripping splits a Hangul syllable into jamo (NFD), and
        // each piece maps back to the whole syllable
        use unicode_normalization::UnicodeNormalization;
        let jamo: Vec<String> = "문".nfd().map(String::from).collect();
        assert_eq!(jamo.len(), 3);
        let vocab = [
            "[UNK]",
            "[CLS]",
            "[SEP]",
            &jamo[0],
            &format!("##{}", jamo[1]),
            &format!("##{}", jamo[2]),
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| (t.to_string(), i.into()))
        .collect::<serde_json::Map<_, _>>();
        let json = serde_json::json!({
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": vocab},
            "normalizer": {"type": "BertNormalizer", "lowercase": true, "strip_accents": true},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "added_tokens": [],
        });
        let enc = Tokenizer::from_json(&json).unwrap().encode("a 문", 64);
        assert_eq!(enc.ids, vec![1, 0, 3, 4, 5, 2]);
        assert_eq!(enc.offsets, vec![(0, 1), (2, 5), (2, 5), (2, 5)]);
    }

    #[test]
    fn added_tokens_are_matched_raw_and_truncation_is_flagged() {
        let t = tiny();
        assert_eq!(t.encode("hello[SEP]hello", 64).ids, vec![2, 7, 3, 7, 3]);
        let enc = t.encode("hello hello hello", 4);
        assert_eq!(enc.ids, vec![2, 7, 7, 3]);
        assert!(enc.truncated);
    }
}

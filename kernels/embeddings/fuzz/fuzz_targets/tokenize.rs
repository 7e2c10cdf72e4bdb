//! The tokenizer under libFuzzer: any text (invalid UTF-8 replaced, as the server's decoder
//! does) through added-token matching, normalization and WordPiece, with the model's real
//! vocabulary (`LIGERO_TOKENIZER_JSON`, default the cached MiniLM). Checks what the encoder
//! relies on: ids in the vocabulary, the length bound, offsets in order and on char boundaries.
//! Found so far: none in the tokenizer; pieces of one character share its span (a unit test).
#![no_main]

use embeddings::tokenizer::Tokenizer;
use std::sync::LazyLock;

const MAX_LEN: usize = 128;

static TOKENIZER: LazyLock<(Tokenizer, usize)> = LazyLock::new(|| {
    let path = std::env::var("LIGERO_TOKENIZER_JSON").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../.cache/models/all-MiniLM-L6-v2/tokenizer.json")
            .to_string()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: serde_json::Value = serde_json::from_str(&text).expect("tokenizer.json");
    let vocab = json["model"]["vocab"].as_object().expect("WordPiece vocab").len();
    (Tokenizer::from_json(&json).expect("tokenizer"), vocab)
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (tokenizer, vocab) = &*TOKENIZER;
    let text = String::from_utf8_lossy(data);
    let enc = tokenizer.encode(&text, MAX_LEN);
    assert!(enc.ids.len() <= MAX_LEN);
    assert_eq!(enc.ids.len(), enc.offsets.len() + 2);
    assert!(enc.ids.iter().all(|&id| (id as usize) < *vocab));
    // pieces of one input character (a Hangul syllable split into jamo) share its span
    let mut last = (0, 0);
    for &(start, end) in &enc.offsets {
        let (start, end) = (start as usize, end as usize);
        assert!(start < end && end <= text.len(), "{start}..{end} in {}", text.len());
        assert!((start, end) >= last && end >= last.1, "{start}..{end} after {last:?}");
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        last = (start, end);
    }
});

//! The tokenizer fuzz target's checks as a plain test (stable Rust, so CI runs it): seeded
//! texts built from pieces that stress normalization and WordPiece — accents and combining
//! marks, Hangul, CJK, ligatures, full-width letters, zero-width and control characters,
//! special-token look-alikes, long words — must tokenize within the length bound, to ids in
//! the vocabulary, with offsets in order on char boundaries. Budget: `FUZZ_SECONDS` (default
//! 5). `fuzz/run.sh` covers the same body with coverage guidance. Needs the model's
//! `tokenizer.json` (`deno task start` fetches it); without it the test says so and passes.

use embeddings::tokenizer::Tokenizer;
use std::hash::{DefaultHasher, Hasher};
use std::time::{Duration, Instant};

const MAX_LEN: usize = 128;

const PIECES: &[&str] = &[
    "hello",
    " ",
    "\t",
    "\n",
    "Él",
    "e\u{301}",
    "\u{301}",
    "한국어",
    "각",
    "中文字符",
    "ﬁ",
    "ＡＢＣ",
    "\u{200b}",
    "\u{0}",
    "\u{1f600}",
    "[SEP]",
    "[CLS]",
    "[UNK]",
    "##ing",
    "unaffable",
    "!?.,;",
    "Ǆ",
    "İ",
    "ß",
    "\u{fffd}",
    "ab\u{300}\u{301}\u{302}",
    "supercalifragilisticexpialidociousxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

/// Seeded choices: DefaultHasher::new() has fixed keys, so hashing a counter is a
/// deterministic stream (and needs no generator of our own).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        let mut h = DefaultHasher::new();
        h.write_u64(self.0);
        self.0 += 1;
        (h.finish() % n.max(1) as u64) as usize
    }
}

fn tokenizer() -> Option<(Tokenizer, usize)> {
    let path = std::env::var("LIGERO_TOKENIZER_JSON").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../.cache/models/all-MiniLM-L6-v2/tokenizer.json"
        )
        .to_string()
    });
    let text = std::fs::read_to_string(&path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).expect("tokenizer.json parses");
    let vocab = json["model"]["vocab"].as_object()?.len();
    Some((Tokenizer::from_json(&json).expect("tokenizer loads"), vocab))
}

fn check(tokenizer: &Tokenizer, vocab: usize, text: &str) {
    let enc = tokenizer.encode(text, MAX_LEN);
    assert!(enc.ids.len() <= MAX_LEN, "{text:?}");
    assert_eq!(enc.ids.len(), enc.offsets.len() + 2, "{text:?}");
    assert!(enc.ids.iter().all(|&id| (id as usize) < vocab), "{text:?}");
    // pieces of one input character (a Hangul syllable split into jamo) share its span
    let mut last = (0, 0);
    for &(start, end) in &enc.offsets {
        let (start, end) = (start as usize, end as usize);
        assert!(
            start < end && end <= text.len(),
            "{start}..{end} in {text:?}"
        );
        assert!(
            (start, end) >= last && end >= last.1,
            "{start}..{end} after {last:?}"
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{text:?}"
        );
        last = (start, end);
    }
}

#[test]
fn mutated_texts_tokenize_within_bounds() {
    let Some((tokenizer, vocab)) = tokenizer() else {
        eprintln!("no tokenizer.json (run `deno task start` to fetch the model): skipped");
        return;
    };
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut rng = Rng(0);
    let mut cases = 0u64;
    while cases < 1000 || Instant::now() < deadline {
        let mut text = String::new();
        for _ in 0..=rng.below(40) {
            let piece = PIECES[rng.below(PIECES.len())];
            // sometimes only a prefix of a piece, cut on a char boundary
            let cut = piece
                .char_indices()
                .nth(rng.below(piece.chars().count() + 1))
                .map_or(piece.len(), |(i, _)| i);
            text.push_str(if rng.below(4) == 0 {
                &piece[..cut]
            } else {
                piece
            });
        }
        check(&tokenizer, vocab, &text);
        cases += 1;
    }
    eprintln!("{cases} texts");
}

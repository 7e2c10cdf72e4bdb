//! Parser and extractor under libFuzzer: open, metadata, text of the first pages.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    pdf::exercise(data, 20);
});

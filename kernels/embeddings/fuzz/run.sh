#!/usr/bin/env bash
# Fuzzes the embeddings tokenizer for SECONDS (default 60) with libFuzzer (nightly toolchain
# and cargo-fuzz: `cargo install cargo-fuzz`), seeded with a few texts.
#   kernels/embeddings/fuzz/run.sh 1800   # by hand
# Needs the model's tokenizer.json (`deno task start` fetches it; LIGERO_TOKENIZER_JSON
# points elsewhere). A crash input is left in fuzz/artifacts/tokenize/: once fixed, make it
# a unit test in src/tokenizer.rs.
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "$0")" && pwd)"
seeds="$here/corpus/tokenize"
mkdir -p "$seeds"
printf 'Unaffable héllo! Él zzz [SEP] [CLS]x' >"$seeds/mixed"
printf 'ﬁ ＡＢＣ 中文字符 Ǆ e\xcc\x81 \xe2\x80\x8b tab\there' >"$seeds/unicode"
cd "$here"
exec cargo +nightly fuzz run tokenize "$seeds" -- \
  -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -max_len=65536

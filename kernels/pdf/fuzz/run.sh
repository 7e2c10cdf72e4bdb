#!/usr/bin/env bash
# Fuzzes the PDF parser and extractor for SECONDS (default 60).
#   kernels/pdf/fuzz/run.sh 60     # CI: a short bounded run
#   kernels/pdf/fuzz/run.sh 3600   # by hand
# With a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`), runs libFuzzer seeded
# with the corpus PDFs; otherwise runs the seeded mutation test of the stable test suite for
# the same time. A crash input is left in fuzz/artifacts/extract/ (libFuzzer) or the temp
# dir (mutation test): copy it to kernels/pdf/tests/regressions/ once fixed.
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "$0")" && pwd)"
corpus="${PDF_CORPUS:-$here/../../../../shared/corpus/pdf/dev}"
if cargo +nightly fuzz --version >/dev/null 2>&1; then
  seeds="$here/corpus/extract"
  mkdir -p "$seeds"
  # libFuzzer grows this directory; start it from the small corpus files and past crashes
  find "$corpus" -name '*.pdf' -size -600k -exec cp -n {} "$seeds/" \; 2>/dev/null || true
  cp -n "$here/../tests/regressions/"* "$seeds/" 2>/dev/null || true
  cd "$here"
  exec cargo +nightly fuzz run extract "$seeds" -- \
    -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=20 -max_len=1000000
fi
echo "fuzz: no nightly cargo-fuzz; running the stable mutation test for ${seconds}s" >&2
cd "$here/../.."
FUZZ_SECONDS="$seconds" PDF_CORPUS="$corpus" exec cargo test --release -p pdf \
  --test fuzz_mutations -- mutated_inputs_never_panic_or_hang

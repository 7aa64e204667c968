#!/usr/bin/env bash
# Fuzzes every input contract (dataset JSON, dataset CSV folder,
# commissioning JSON, solver options) with FUZZ_CASES mutated documents each (default
# 10000) and prints the per-contract counts. The test suite runs a seeded
# sample of 256 per contract; this is the long run.
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_CASES="${FUZZ_CASES:-10000}"
export RUST_BACKTRACE=0
echo "fuzzing with FUZZ_CASES=$FUZZ_CASES per contract"
start=$(date +%s)
cargo test -p api --test fuzz_inputs --test fuzz_options -- --nocapture --test-threads=2 2>&1 | grep -E '^fuzz |test result|panicked|FAILED'
echo "total: $(( $(date +%s) - start )) s"

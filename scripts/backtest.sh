#!/usr/bin/env bash
# The backtest of the sufficiency demand projection against the DfE actuals
# (issue 12): rates from the years ending 31 March 2021–2023, forecasts of
# 31 March 2024 and 2025 for every authority in data/dfe/, beside the
# carried-forward and linear-trend forecasts. Regenerates the committed
# figures (docs/backtest/) quoted in docs/sufficiency.md ("Backtest") and
# BENCHMARKS.md ("Sufficiency backtest (issue 12)"). Deterministic: the
# same data always give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p api --bin placement
bin="${CARGO_TARGET_DIR:-target}/debug/placement"
out=docs/backtest
mkdir -p "$out"
start=$(date +%s.%N)
"$bin" backtest --data data --format table > "$out/summary.txt"
end=$(date +%s.%N)
"$bin" backtest --data data --format csv > "$out/comparisons.csv"
cat "$out/summary.txt"
echo
echo "backtest: $(awk "BEGIN{printf \"%.3f\", $end-$start}") s; wrote $out/summary.txt and $out/comparisons.csv"

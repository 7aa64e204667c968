#!/usr/bin/env bash
# The 20-scenario × 10-draw sweep of BENCHMARKS.md ("Sufficiency projection"):
# the six scenarios of data/scenarios/ plus 14 variants (demand ×1.05…×1.5,
# in-house recruitment of 10/20/40/60 households in Hampshire, agency
# withdrawals of 10/50/100 places), timed with /usr/bin/time.
# Usage: scripts/sweep20.sh [THREADS]   (needs a built target/debug/placement)
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-2}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cp data/scenarios/*.toml "$dir/"
for f in 1.05 1.1 1.15 1.2 1.3 1.4 1.5; do
  {
    echo "name = \"demand_x$f\""
    for band in under_1 1_to_4 5_to_9 10_to_15 16_to_17; do
      printf '[[demand]]\nage_band = "%s"\nfactor = %s\n' "$band" "$f"
    done
  } > "$dir/demand_x$f.toml"
done
for n in 10 20 40 60; do
  printf 'name = "recruit_%s"\n[[recruit]]\ncount = %s\nprovider = "in_house"\nauthority = "E10000014"\nplaces = 2\nmin_age = 0\nmax_age = 17\nmonth = 1\n' "$n" "$n" > "$dir/recruit_$n.toml"
done
for n in 10 50 100; do
  printf 'name = "withdraw_%s"\n[[withdraw]]\nprovider = "ifa"\nplaces = %s\nmonth = 1\n' "$n" "$n" > "$dir/withdraw_$n.toml"
done
echo "$(ls "$dir" | wc -l) scenarios"
/usr/bin/time -v target/debug/placement sufficiency --dataset data/demo/south_coast.json \
  --ssda903 data/ssda903/demo --scenarios "$dir" --draws 10 --threads "$threads" \
  --format csv > /dev/null 2> "$dir/time.txt" || { cat "$dir/time.txt"; exit 1; }
grep -E "Elapsed|User time|Maximum resident" "$dir/time.txt"

#!/usr/bin/env bash
# Rebuilds data/region from ../shared/data (if present) and regenerates the demo datasets.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d ../shared/data ]; then
  python3 scripts/build_region.py ../shared/data
fi
cargo build -p api --bin placement
bin=target/debug/placement
"$bin" generate --seed 2026 --children 120 --carers 500 --homes 50 --region data/region --out data/demo/south_coast.json
rm -rf data/demo/south_coast_csv
"$bin" generate --seed 7 --children 25 --carers 60 --homes 8 --region data/region --out data/demo/south_coast_csv --csv
"$bin" generate-commission --seed 2026 --partners 4 --children 40 --options 17 --blocks 5 --out data/demo/commission_south_coast.json
echo "regenerated data/demo"

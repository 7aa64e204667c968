#!/usr/bin/env bash
# Solves the committed demo dataset (five south-coast authorities) and prints the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run -p api --bin placement -- match --dataset data/demo/south_coast.json --format table

#!/usr/bin/env bash
# Runs the whole test suite (the dev profile already optimises dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --workspace

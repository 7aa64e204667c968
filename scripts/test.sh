#!/usr/bin/env bash
# Runs the whole test suite (the dev profile already optimises dependencies),
# after checking formatting, lints and docs: `cargo fmt --check`,
# `cargo clippy --workspace --all-targets -- -D warnings` and `cargo doc`
# with warnings denied fail the run like a test does.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --all --check
else
  echo "test: rustfmt is not installed (rustup component add rustfmt); formatting not checked" >&2
fi
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --workspace --all-targets -- -D warnings
else
  echo "test: clippy is not installed (rustup component add clippy); lints not checked" >&2
fi
# Broken or private intra-doc links fail the run too (public docs only).
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
cargo test --workspace

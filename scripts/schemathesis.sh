#!/usr/bin/env bash
# Fuzzes the running HTTP service against its own OpenAPI document with
# schemathesis (pip install schemathesis): every check, every operation, on
# loopback only. Usage: scripts/schemathesis.sh [examples per operation, default 100]
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES="${1:-100}"
PORT="${PORT:-18182}"
command -v schemathesis >/dev/null || { echo "schemathesis is missing: pip install schemathesis" >&2; exit 2; }
cargo build -q -p api
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
TOKEN=$(target/debug/placement token create --role admin --db "$WORK/db" 2>&1 | grep -o 'plc_[0-9a-f]*')
target/debug/placement serve --db "$WORK/db" --addr "127.0.0.1:$PORT" \
  --seed-dataset data/demo/south_coast.json --max-time-limit 5 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
schemathesis run "http://127.0.0.1:$PORT/openapi.json" -H "Authorization: Bearer $TOKEN" \
  --max-examples "$EXAMPLES" --checks all --workers 2 --seed 1 || true

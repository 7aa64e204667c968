#!/usr/bin/env bash
# Load test of the HTTP service on loopback (figures for BENCHMARKS.md):
#   1. ranked matches for one child on a stored 5,000-place dataset, 50
#      concurrent clients, while batch placement jobs run at the same time;
#   2. /healthz requests per second (the floor);
#   3. the server's resident memory with the demo dataset loaded.
# Needs `wrk` (apt-get install wrk). Traffic goes to 127.0.0.1 only; every
# loop is bounded. Usage: scripts/load_test.sh [seconds per run, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-20}"
PORT="${PORT:-18181}"
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
cargo build -q -p api
BIN=target/debug/placement
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
secret() { grep -o 'plc_[0-9a-f]*' ; }
# A run with any answer other than 200 measured something else: stop.
no_errors() { if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "error answers in the run above" >&2; exit 1; fi; }
PLACEMENT=$("$BIN" token create --role placement --authority E06000044 --db "$WORK/db" 2>&1 | secret)
ADMIN=$("$BIN" token create --role admin --db "$WORK/db" 2>&1 | secret)

# The demo dataset alone: the server's memory with it loaded.
"$BIN" serve --db "$WORK/db" --addr "127.0.0.1:$PORT" --seed-dataset data/demo/south_coast.json >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
DEMO=$(curl -sf -H "Authorization: Bearer $ADMIN" "$BASE/v1/datasets" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
CHILD=$(curl -sf -H "Authorization: Bearer $ADMIN" "$BASE/v1/datasets/$DEMO/content" | python3 -c 'import json,sys; print(next(c["id"] for c in json.load(sys.stdin)["children"] if c["authority"]=="E06000044"))')
curl -sf -o /dev/null -H "Authorization: Bearer $PLACEMENT" "$BASE/v1/datasets/$DEMO/children/$CHILD/matches"
echo "memory with the demo dataset loaded and ranked once: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MiB"}')"

# A 5,000-place dataset: 4,500 foster households and 500 homes, 1,000 children.
"$BIN" generate --seed 11 --children 1000 --carers 4500 --homes 500 --out "$WORK/big.json"
BIG=$(curl -sf -X POST -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  --data-binary @"$WORK/big.json" "$BASE/v1/datasets?name=big" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# Every child of the placement token's authority, asked for in turn.
python3 -c 'import json,sys; print("\n".join(c["id"] for c in json.load(open(sys.argv[1]))["children"] if c["authority"]=="E06000044"))' "$WORK/big.json" >"$WORK/children.txt"
echo "ranking the $(wc -l <"$WORK/children.txt") children of E06000044 in turn (singles and sibling groups)"
PREFIX="/v1/datasets/$BIG/children/"
URL="$BASE$PREFIX$(head -1 "$WORK/children.txt")/matches?top=10"
curl -sf -o /dev/null -H "Authorization: Bearer $PLACEMENT" "$URL"   # load the dataset into the cache
ROTATE=(-s scripts/rotate_children.lua "$BASE" -- "$PREFIX" "$WORK/children.txt" "?top=10")

# Batch solves at the same time: keep two match jobs queued or running.
(
  end=$((SECONDS + SECONDS_PER_RUN))
  while [ $SECONDS -lt $end ]; do
    curl -sf -o /dev/null -X POST -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' \
      -d '{"time_limit": 5}' "$BASE/v1/datasets/$DEMO/match" || true
    sleep 2
  done
) &
BATCH=$!
echo "== ranked matches, 50 connections, ${SECONDS_PER_RUN} s, batch jobs running =="
wrk -t2 -c50 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $PLACEMENT" "${ROTATE[@]}" | tee "$WORK/wrk.txt"
no_errors
wait $BATCH || true
echo "== ranked matches, 8 connections, ${SECONDS_PER_RUN} s, no batch jobs =="
wrk -t2 -c8 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $PLACEMENT" "${ROTATE[@]}" | tee "$WORK/wrk.txt"
no_errors
echo "== /healthz, 50 connections, ${SECONDS_PER_RUN} s =="
wrk -t2 -c50 -d"${SECONDS_PER_RUN}s" --latency "$BASE/healthz"
echo "memory at the end: $(grep VmRSS /proc/$SERVER/status | awk '{print $2/1024 " MiB"}')"
curl -sf "$BASE/metrics" | grep -E '^placement_solves_total' || true

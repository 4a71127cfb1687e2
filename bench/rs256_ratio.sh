#!/usr/bin/env bash
# The RS256 target of issue 5 measured with the raw signing rate taken right beside each token
# run, so a core whose speed drifts during a long bench/run.sh cannot skew the ratio:
#
#   bench/rs256_ratio.sh            # 4 rounds of (3 s raw RS256 signing, 5 s wrk on /token)
#   ROUNDS=8 bench/rs256_ratio.sh
#
# The server is paused (SIGSTOP) while the signing loop runs on its core. Same pinning,
# connections and client as bench/run.sh; 127.0.0.1 only; everything is killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${ROUNDS:-4}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
WORK=$(mktemp -d /tmp/tessera-rs256.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -CONT "$SERVER_PID" 2>/dev/null || true
    kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cargo build --release --quiet --bin tessera --example sign_rate
BIN=$ROOT/target/release/tessera
# shellcheck source=bench/lib.sh
source bench/lib.sh
serve_one_instance "$BIN" "$WORK" RS256 "$SERVER_CPU"
# Warm-up, as in bench/run.sh: the first seconds after a start are slower (caches, pool).
BENCH_LUA_DIR=$ROOT/bench/lua BENCH_BODY="grant_type=client_credentials&scope=api:read" \
  BENCH_BASIC=$BASIC taskset -c "$LOAD_CPU" wrk -t1 -c32 -d2s -s bench/lua/post_form.lua "$URL/token" >/dev/null

for round in $(seq 1 "$ROUNDS"); do
  kill -STOP "$SERVER_PID"
  raw=$(taskset -c "$SERVER_CPU" "$ROOT/target/release/examples/sign_rate" 3 RS256 | awk '{print $2}')
  kill -CONT "$SERVER_PID"
  line=$(BENCH_LUA_DIR=$ROOT/bench/lua BENCH_BODY="grant_type=client_credentials&scope=api:read" \
    BENCH_BASIC=$BASIC taskset -c "$LOAD_CPU" wrk -t1 -c32 -d5s -s bench/lua/post_form.lua "$URL/token" |
    grep RESULT)
  rps=$(sed 's/.*rps=\([0-9.]*\).*/\1/' <<<"$line")
  python3 -c "import sys; r, t = float(sys.argv[1]), float(sys.argv[2]); \
print(f'round $round: raw RS256 {r:,.0f}/s, client_credentials RS256 {t:,.0f}/s, {100 * t / r:.0f} %')" "$raw" "$rps"
done

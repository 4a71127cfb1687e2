#!/usr/bin/env bash
# Profiles one scenario with perf while wrk loads it, the same way run.sh does (server on core
# $SERVER_CPU, wrk on core $LOAD_CPU, 127.0.0.1 only, temp dir, everything killed on exit).
#
#   bench/profile.sh [client_credentials|jwks] [RS256|ES256]
#
# Prints the hottest symbols (self time); the full profile stays in bench/results/perf-*.data.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCENARIO=${1:-client_credentials}
ALG=${2:-RS256}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
WORK=$(mktemp -d /tmp/tessera-profile.XXXXXX)
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Same target set as run.sh, so the build is shared (examples unify dev-dependency features).
cargo build --release --quiet --bin tessera --example sign_rate
BIN=$ROOT/target/release/tessera
# shellcheck source=bench/lib.sh
source bench/lib.sh
serve_one_instance "$BIN" "$WORK" "$ALG" "$SERVER_CPU"

mkdir -p bench/results
DATA=bench/results/perf-$SCENARIO-$ALG.data
if [[ "$SCENARIO" == jwks ]]; then
  TARGET=$URL/jwks SCRIPT=get.lua
else
  TARGET=$URL/token SCRIPT=post_form.lua
fi
BENCH_LUA_DIR=$ROOT/bench/lua BENCH_BODY="grant_type=client_credentials&scope=api:read" \
  BENCH_BASIC=$BASIC \
  taskset -c "$LOAD_CPU" wrk -t1 -c32 -d12s -s "bench/lua/$SCRIPT" "$TARGET" | grep RESULT &
WRK=$!
sleep 2
perf record -q -F 499 ${PERF_CALLGRAPH:--g} -p "$SERVER_PID" -o "$DATA" -- sleep 8 2>/dev/null
wait "$WRK"
# The 40 hottest symbols. awk reads to the end (head would close the pipe early, and perf's
# SIGPIPE would fail the script under pipefail).
perf report -i "$DATA" --no-children --sort sym --stdio 2>/dev/null | awk '/^ +[0-9]/ && n++ < 40'

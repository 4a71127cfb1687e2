#!/usr/bin/env bash
# The DPoP target of issue 19 (item 6): client_credentials with a fresh ES256 DPoP proof per
# request against client_credentials with a bearer token, in the same run on the same server:
#
#   bench/dpop_ratio.sh            # 3 rounds of (5 s bearer, 5 s DPoP) on one core
#   ROUNDS=5 SECONDS_PER_RUN=8 bench/dpop_ratio.sh
#
# Access tokens are ES256 too. Proofs are made just before each DPoP run (examples/dpop_proofs.rs,
# on the load core while the server idles), each used once, so every request costs the server
# what a real one does: one signature verification and one replay-table insert. Same pinning,
# connections and client as bench/run.sh; 127.0.0.1 only; everything is killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
PROOFS=${PROOFS:-80000}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
WORK=$(mktemp -d /tmp/tessera-dpop.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cargo build --release --quiet --bin tessera --example dpop_proofs
BIN=$ROOT/target/release/tessera
# shellcheck source=bench/lib.sh
source bench/lib.sh
serve_one_instance "$BIN" "$WORK" ES256 "$SERVER_CPU"
export BENCH_LUA_DIR=$ROOT/bench/lua BENCH_BODY="grant_type=client_credentials&scope=api:read"
export BENCH_BASIC=$BASIC BENCH_PROOFS=$WORK/proofs.txt
run() { # LUA: one wrk run on the load core, its RESULT line
  taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s "bench/lua/$1" "$URL/token" | grep RESULT
}
field() { sed "s/.*$1=\([0-9.]*\).*/\1/" <<<"$2"; }
# Warm-up, as in bench/run.sh: the first seconds after a start are slower (caches, pool).
taskset -c "$LOAD_CPU" wrk -t1 -c32 -d2s -s bench/lua/post_form.lua "$URL/token" >/dev/null

for round in $(seq 1 "$ROUNDS"); do
  bearer=$(run post_form.lua)
  taskset -c "$LOAD_CPU" "$ROOT/target/release/examples/dpop_proofs" "$URL/token" "$PROOFS" "$BENCH_PROOFS"
  dpop=$(run dpop.lua)
  b=$(field rps "$bearer"); d=$(field rps "$dpop")
  [[ $(field errors "$bearer") == 0 && $(field errors "$dpop") == 0 ]] ||
    echo "round $round: errors (bearer: $bearer; dpop: $dpop), void" >&2
  [[ $(field requests "$dpop") -lt $PROOFS ]] || echo "round $round: ran out of proofs, void" >&2
  python3 -c "import sys; b, d = float(sys.argv[1]), float(sys.argv[2]); \
print(f'round $round: bearer {b:,.0f}/s, DPoP {d:,.0f}/s, DPoP/bearer {100 * d / b:.0f} %')" "$b" "$d"
done

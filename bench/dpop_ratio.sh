#!/usr/bin/env bash
# The DPoP target of issue 19 (item 6): client_credentials with a fresh ES256 DPoP proof per
# request against client_credentials with a bearer token, in the same run on the same server:
#
#   bench/dpop_ratio.sh            # 3 rounds of (5 s bearer, 5 s DPoP) on one core
#   ROUNDS=5 SECONDS_PER_RUN=8 bench/dpop_ratio.sh
#
# Besides requests per second, each round reports requests per CPU-second of the server process
# (from /proc), which other load on the machine does not skew, and the run ends with the ceiling:
# the bearer rate with one proof check (examples/dpop_verify_rate.rs, pinned to the server's
# core) added to each request and nothing else.
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

cargo build --release --quiet --bin tessera --example dpop_proofs --example dpop_verify_rate
BIN=$ROOT/target/release/tessera
# shellcheck source=bench/lib.sh
source bench/lib.sh
serve_one_instance "$BIN" "$WORK" ES256 "$SERVER_CPU"
export BENCH_LUA_DIR=$ROOT/bench/lua BENCH_BODY="grant_type=client_credentials&scope=api:read"
export BENCH_BASIC=$BASIC BENCH_PROOFS=$WORK/proofs.txt
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; } # user + system, in ticks
run() { # LUA: one wrk run on the load core, its RESULT line and the server's CPU ticks it took
  local before out
  before=$(cpu_ticks)
  out=$(taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s "bench/lua/$1" "$URL/token" | grep RESULT)
  echo "$out ticks=$(($(cpu_ticks) - before))"
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
  python3 - "$round" "$bearer" "$dpop" "$(getconf CLK_TCK)" "$WORK/bearer_cpu_rates" <<'PY'
import re, sys
round_, bearer, dpop, hz, rates = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
get = lambda k, s: float(re.search(k + r"=([0-9.]+)", s).group(1))
b, d = get("rps", bearer), get("rps", dpop)
bc = get("requests", bearer) / (get("ticks", bearer) / hz)
dc = get("requests", dpop) / (get("ticks", dpop) / hz)
print(f"round {round_}: bearer {b:,.0f}/s, DPoP {d:,.0f}/s, DPoP/bearer {100 * d / b:.0f} %; "
      f"per CPU-second: bearer {bc:,.0f}, DPoP {dc:,.0f}, DPoP/bearer {100 * dc / bc:.0f} %")
with open(rates, "a") as f:
    print(bc, file=f)
PY
done
# The ceiling: a bearer request plus one proof check, nothing else (no replay insert, no
# binding); what the signature verification alone allows on this CPU.
v=$(taskset -c "$SERVER_CPU" "$ROOT/target/release/examples/dpop_verify_rate" 3 | awk '{print $4}')
b=$(sort -n "$WORK/bearer_cpu_rates" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
python3 -c "import sys; b, v = float(sys.argv[1]), float(sys.argv[2]); \
print(f'per CPU-second: proof checks alone {v:,.0f}, median bearer {b:,.0f}; ' \
      f'ceiling for DPoP/bearer (bearer plus one proof check, nothing else): {100 * v / (b + v):.0f} %')" "$b" "$v"

#!/usr/bin/env bash
# SCIM at scale (issue 21 item 8): create BENCH_USERS users (100,000) through POST /scim/v2/Users
# and report the time, then measure GET /Users?filter=userName eq "…" per second on one core.
#
#   bench/scim.sh                          # 100,000 users; 3 runs of 10 s of filtered look-ups
#   BENCH_USERS=10000 RUNS=1 bench/scim.sh # quick look
#   BIN=target/release/tessera bench/scim.sh   # skip the build
#
# Same set-up as bench/run.sh: a fresh temp dir (SQLite, keys), the server pinned to one core
# (SERVER_CPU), wrk on another (LOAD_CPU), one thread, 32 connections, 127.0.0.1 only. The
# service account holds a role with scim:read and scim:write, created with the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
USERS=${BENCH_USERS:-100000}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
WORK=$(mktemp -d /tmp/tessera-scim.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z "${BIN:-}" ]]; then
  cargo build --release --quiet --bin tessera
  BIN=$ROOT/target/release/tessera
fi
# shellcheck source=bench/lib.sh
source bench/lib.sh
port=$(free_port)
URL=http://127.0.0.1:$port
one_instance_config "$WORK" "$port"
tessera() { "$BIN" --config "$WORK/tessera.toml" "$@"; }
tessera migrate >/dev/null
tessera role create --name scim-bench --permission scim:read --permission scim:write --json >/dev/null
client=$(tessera client create --json --name scim-bench --grant-type client_credentials)
id=$(json_field client_id <<<"$client")
secret=$(json_field client_secret <<<"$client")
tessera client add-role --client-id "$id" --role scim-bench --json >/dev/null
taskset -c "$SERVER_CPU" "$BIN" --config "$WORK/tessera.toml" serve 2>"$WORK/server.log" &
SERVER_PID=$!
wait_http "$URL/readyz"
token=$(curl -fsS -u "$id:$secret" -d grant_type=client_credentials "$URL/token" | json_field access_token)
export BENCH_LUA_DIR=$ROOT/bench/lua BENCH_TOKEN=$token BENCH_USERS=$USERS
count() { curl -fsS -H "Authorization: Bearer $token" "$URL/scim/v2/Users?count=0" | json_field totalResults; }

start=$(date +%s.%N)
taskset -c "$LOAD_CPU" wrk -t1 -c32 -d3600s -s bench/lua/scim_create.lua "$URL/" >"$WORK/create.txt" &
WRK_PID=$!
until [[ $(count) -ge $USERS ]]; do
  kill -0 "$WRK_PID" 2>/dev/null || { echo "bench: wrk ended early" >&2; cat "$WORK/create.txt" >&2; exit 1; }
  sleep 0.2
done
end=$(date +%s.%N)
kill "$WRK_PID" 2>/dev/null; wait "$WRK_PID" 2>/dev/null || true
grep -q 'Non-2xx' "$WORK/create.txt" && { echo "bench: some creations failed" >&2; cat "$WORK/create.txt" >&2; }
python3 -c "import sys; s = float(sys.argv[2]) - float(sys.argv[1]); n = int(sys.argv[3]); \
print(f'created {n:,} users through SCIM in {s:.1f} s ({n / s:,.0f}/s)')" "$start" "$end" "$USERS"

taskset -c "$LOAD_CPU" wrk -t1 -c32 -d2s -s bench/lua/scim_filter.lua "$URL/" >/dev/null
for run in $(seq 1 "$RUNS"); do
  r=$(taskset -c "$LOAD_CPU" wrk -t1 -c32 -d"$DURATION" -s bench/lua/scim_filter.lua "$URL/" | grep RESULT)
  echo "run $run: GET /Users?filter=userName eq with $USERS users: $r"
done

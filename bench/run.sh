#!/usr/bin/env bash
# Load benchmark of Tessera (and, in the same run, node-oidc-provider) on one core.
#
#   bench/run.sh                 # everything, 10 s per scenario, 3 runs, 32 connections
#   DURATION=5s RUNS=1 bench/run.sh
#   NODE_COMPARE=0 bench/run.sh  # Tessera only
#   ONLY=refresh NODE_COMPARE=0 bench/run.sh   # only the scenarios matching a shell pattern
#
# The server under test is pinned to core $SERVER_CPU (default 1), wrk to core $LOAD_CPU
# (default 0). Everything listens on 127.0.0.1 only, in a fresh temp dir, and every process
# this script starts is killed on exit. Results: bench/results/<UTC time>/{results.tsv,summary.md}.
# See bench/README.md for what is measured and why.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
DURATION=${DURATION:-10s}
RUNS=${RUNS:-3}
CONNS=${CONNS:-32}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
NODE_COMPARE=${NODE_COMPARE:-1}
SIGN_SECONDS=${SIGN_SECONDS:-3}
REFRESH_SEEDS=${REFRESH_SEEDS:-64}
ONLY=${ONLY:-*}

for tool in wrk taskset curl python3 cargo; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/tessera-bench.XXXXXX)
OUT=$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
printf 'server\tscenario\trun\trps\tp50_ms\tp99_ms\trequests\terrors\n' >"$RESULTS"
SERVER_PID=""

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

# wrk SERVER SCENARIO URL SCRIPT: RUNS runs of DURATION each, one line per run in results.tsv.
measure() {
  local server=$1 scenario=$2 url=$3 script=$4 run line
  # shellcheck disable=SC2053 # ONLY is a pattern on purpose
  [[ "$scenario" == $ONLY ]] || return 0
  for run in $(seq 1 "$RUNS"); do
    line=$(BENCH_RUN=$run BENCH_LUA_DIR=$BENCH/lua taskset -c "$LOAD_CPU" \
      wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 5s -s "$BENCH/lua/$script" "$url" |
      tee -a "$OUT/wrk.log" | grep '^RESULT' || true)
    if [[ -z "$line" ]]; then
      echo "bench: wrk printed no result for $server $scenario" >&2
      continue
    fi
    python3 - "$server" "$scenario" "$run" "$line" >>"$RESULTS" <<'PY'
import sys
server, scenario, run, line = sys.argv[1:5]
kv = dict(p.split("=") for p in line.split()[1:])
print("\t".join([server, scenario, run, kv["rps"], kv["p50_ms"], kv["p99_ms"], kv["requests"], kv["errors"]]))
PY
    echo "  $server $scenario run $run: $line"
  done
}

warm_up() { # URL
  BENCH_LUA_DIR=$BENCH/lua taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d2s -s "$BENCH/lua/get.lua" "$1" >/dev/null
}

echo "== building (release)"
cargo build --release --quiet --bin tessera --example sign_rate --example http_floor
BIN=$ROOT/target/release/tessera

echo "== machine"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "cores: $(nproc); server on core $SERVER_CPU, wrk on core $LOAD_CPU"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk: -t1 -c$CONNS -d$DURATION, $RUNS runs per scenario"
} | tee "$OUT/machine.txt"

echo "== raw signing rate (the server's signers) on core $SERVER_CPU"
: >"$OUT/sign_rate.tsv"
for run in $(seq 1 "$RUNS"); do
  taskset -c "$SERVER_CPU" "$ROOT/target/release/examples/sign_rate" "$SIGN_SECONDS" RS256 ES256 EdDSA |
    while read -r alg rate; do printf '%s\t%s\t%s\n' "$alg" "$run" "$rate"; done | tee -a "$OUT/sign_rate.tsv"
done

# --- Tessera ---------------------------------------------------------------------------------
PORT=$(free_port)
TURL=http://127.0.0.1:$PORT
one_instance_config "$WORK" "$PORT"
tessera() { "$BIN" --config "$WORK/tessera.toml" "$@"; }
BASIC=$(cc_client_basic "$BIN" "$WORK/tessera.toml" bench)

start_tessera() { # ACCESS_TOKEN_ALG
  TESSERA_KEYS_ACCESS_TOKEN_ALG=$1 taskset -c "$SERVER_CPU" "$BIN" --config "$WORK/tessera.toml" serve \
    2>>"$OUT/tessera.log" &
  SERVER_PID=$!
  wait_http "$TURL/readyz"
  warm_up "$TURL/jwks"
}

cc_token() { # URL TOKEN_PATH BASIC
  curl -s -H "Authorization: Basic $3" -d grant_type=client_credentials -d scope=api:read "$1$2" |
    json_field access_token
}

tessera_introspection() { # [SCENARIO]: introspection of a token signed with the running alg
  local scenario=${1:-introspection} token status
  token=$(cc_token "$TURL" /token "$BASIC")
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Basic $BASIC" -d "token=$token" "$TURL/introspect")
  if [[ "$status" != 200 ]]; then
    echo "  tessera $scenario: skipped (POST /introspect answered $status: not on this branch yet)"
    return
  fi
  BENCH_BODY="token=$token" BENCH_BASIC=$BASIC measure tessera "$scenario" "$TURL/introspect" post_form.lua
}

tessera_refresh() {
  local probe rp rp_id rp_secret
  probe=$(curl -s -H "Authorization: Basic $BASIC" -d grant_type=refresh_token -d refresh_token=x "$TURL/token")
  if [[ "$probe" == *unsupported_grant_type* ]]; then
    echo "  tessera refresh: skipped (refresh_token grant not on this branch yet)"
    return
  fi
  tessera user create --username bench --email bench@example.com --name Bench --password-stdin --json \
    <<<"bench-larkspur-tinfoil-quarry-nimbus" >/dev/null
  rp=$(tessera client create --json --name bench-rp --grant-type authorization_code --grant-type refresh_token \
    --redirect-uri http://127.0.0.1:9/cb --first-party --scope "openid offline_access")
  rp_id=$(json_field client_id <<<"$rp")
  rp_secret=$(json_field client_secret <<<"$rp")
  if ! python3 "$BENCH/seed_refresh.py" "$TURL" "$rp_id" "$rp_secret" http://127.0.0.1:9/cb \
    bench bench-larkspur-tinfoil-quarry-nimbus "$((REFRESH_SEEDS * RUNS))" "$WORK/refresh_tokens.txt"; then
    echo "  tessera refresh: skipped (could not obtain refresh tokens through the code flow)"
    return
  fi
  BENCH_REFRESH_TOKENS=$WORK/refresh_tokens.txt BENCH_REFRESH_PER_RUN=$REFRESH_SEEDS \
    BENCH_BASIC=$(printf '%s:%s' "$rp_id" "$rp_secret" | base64 -w0) \
    measure tessera refresh "$TURL/token" refresh.lua
}

echo "== tessera, RS256 access tokens"
start_tessera RS256
measure tessera jwks "$TURL/jwks" get.lua
JWKS_BYTES=$(curl -s "$TURL/jwks" | wc -c) # for the HTTP floor below
measure tessera discovery "$TURL/.well-known/openid-configuration" get.lua
BENCH_BODY="grant_type=client_credentials&scope=api:read" BENCH_BASIC=$BASIC \
  measure tessera client_credentials_RS256 "$TURL/token" post_form.lua
tessera_introspection
tessera_refresh
stop_server

# The HTTP floor: bare axum answering a body the size of Tessera's JWKS, with nothing else.
# No server on this core can answer a token request faster than this plus one signature.
echo "== HTTP floor (bare axum, no middleware)"
FPORT=$(free_port)
taskset -c "$SERVER_CPU" "$ROOT/target/release/examples/http_floor" "$FPORT" "$JWKS_BYTES" &
SERVER_PID=$!
wait_http "http://127.0.0.1:$FPORT/jwks"
warm_up "http://127.0.0.1:$FPORT/jwks"
measure floor jwks "http://127.0.0.1:$FPORT/jwks" get.lua
stop_server
# The measured ceiling: the same floor spinning one signature's time (from the raw rates above)
# on each request. See examples/http_floor.rs for why this is lower than the sum on paper.
for alg in ES256 EdDSA; do
  busy=$(python3 -c 'import statistics, sys
rates = [float(l.split()[2]) for l in open(sys.argv[1]) if l.split()[0] == sys.argv[2]]
print(round(1e6 / statistics.median(rates)))' "$OUT/sign_rate.tsv" "$alg")
  echo "== HTTP floor + ${busy} µs of CPU a request (one $alg signature)"
  taskset -c "$SERVER_CPU" "$ROOT/target/release/examples/http_floor" "$FPORT" "$JWKS_BYTES" "$busy" &
  SERVER_PID=$!
  wait_http "http://127.0.0.1:$FPORT/jwks"
  warm_up "http://127.0.0.1:$FPORT/jwks"
  measure floor "plus_${alg}_signature_time" "http://127.0.0.1:$FPORT/jwks" get.lua
  stop_server
done

echo "== tessera, ES256 access tokens"
start_tessera ES256
BENCH_BODY="grant_type=client_credentials&scope=api:read" BENCH_BASIC=$BASIC \
  measure tessera client_credentials_ES256 "$TURL/token" post_form.lua
stop_server

echo "== tessera, EdDSA access tokens"
start_tessera EdDSA
BENCH_BODY="grant_type=client_credentials&scope=api:read" BENCH_BASIC=$BASIC \
  measure tessera client_credentials_EdDSA "$TURL/token" post_form.lua
tessera_introspection introspection_EdDSA
stop_server

# --- node-oidc-provider ----------------------------------------------------------------------
if [[ "$NODE_COMPARE" == 1 ]]; then
  if [[ ! -d "$BENCH/node_modules/oidc-provider" ]]; then
    (cd "$BENCH" && npm install --no-audit --no-fund --silent)
  fi
  NPORT=$(free_port)
  NURL=http://127.0.0.1:$NPORT
  NODE_ID=bench-node
  NODE_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
  NBASIC=$(printf '%s:%s' "$NODE_ID" "$NODE_SECRET" | base64 -w0)
  start_node() { # ALG
    NODE_ENV=production PORT=$NPORT ALG=$1 CLIENT_ID=$NODE_ID CLIENT_SECRET=$NODE_SECRET \
      taskset -c "$SERVER_CPU" node "$BENCH/node/provider.mjs" >>"$OUT/node.log" 2>&1 &
    SERVER_PID=$!
    wait_http "$NURL/jwks"
    warm_up "$NURL/jwks"
  }
  echo "== node-oidc-provider $(node -p 'require("./bench/node_modules/oidc-provider/package.json").version') on node $(node --version), RS256"
  start_node RS256
  measure node jwks "$NURL/jwks" get.lua
  measure node discovery "$NURL/.well-known/openid-configuration" get.lua
  BENCH_BODY="grant_type=client_credentials&scope=api:read" BENCH_BASIC=$NBASIC \
    measure node client_credentials_RS256 "$NURL/token" post_form.lua
  stop_server
  echo "== node-oidc-provider, ES256"
  start_node ES256
  BENCH_BODY="grant_type=client_credentials&scope=api:read" BENCH_BASIC=$NBASIC \
    measure node client_credentials_ES256 "$NURL/token" post_form.lua
  stop_server
  echo "== node-oidc-provider, EdDSA"
  start_node EdDSA
  BENCH_BODY="grant_type=client_credentials&scope=api:read" BENCH_BASIC=$NBASIC \
    measure node client_credentials_EdDSA "$NURL/token" post_form.lua
  stop_server
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
python3 "$BENCH/summarize.py" "$OUT" | tee "$OUT/summary.md"

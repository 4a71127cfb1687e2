#!/usr/bin/env bash
# The SSO code flow on one core (issue 24), against node-oidc-provider in the same run.
#
#   bench/sso.sh                   # 8 s per scenario, 3 runs, 32 concurrent flows
#   DURATION=3s RUNS=1 bench/sso.sh
#   NODE_COMPARE=0 bench/sso.sh    # Tessera only
#   BUILD=0 BIN=target/debug/tessera bench/sso.sh   # an existing binary, no release build
#
# A person already signed in, who already consented, comes back: GET /authorize with the session
# cookie → 303 with a code → POST /token (client_secret_basic, PKCE verifier) → access token and
# ID token. Flows run in SESSIONS browser sessions (seed_sso.py signs each in once). Scenarios:
#   sso_ES256  Tessera, ES256 ID and access tokens;   sso_RS256  Tessera, RS256 both;
#   sso_RS256  node-oidc-provider, its default RS256 ID token and opaque access token;
#   full_sign_in  Tessera: a new browser each time, login page, password, code, token
#              (sign_in.py, SIGN_IN_CONCURRENCY threads), beside the raw argon2id verification
#              rate of the same hash on the server core (examples/argon2_rate).
#   memory     Tessera's RSS idle (SETTLE s after start) and after MEMORY_FLOWS (100,000) ES256
#              SSO flows in all, counting the runs above (issue 24 item 4): 2 s after the last
#              flow and SETTLE s after it, once the server gave back what the load used (it does
#              so 11 s after its last write, `server.rs`): memory.txt.
# Also the raw signing rate on the server core (examples/sign_rate), for "the rate two RS256
# signatures allow", and the SQLite commits one flow makes (writes_per_flow.py). Results: bench/results/sso-<UTC time>/{results.tsv,summary.md}.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
DURATION=${DURATION:-8s}
RUNS=${RUNS:-3}
CONNS=${CONNS:-32}
SESSIONS=${SESSIONS:-64}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
SIGN_IN_CONCURRENCY=${SIGN_IN_CONCURRENCY:-4}
MEMORY_FLOWS=${MEMORY_FLOWS:-100000}
SETTLE=${SETTLE:-15}
NODE_COMPARE=${NODE_COMPARE:-1}
BUILD=${BUILD:-1}
BIN=${BIN:-$ROOT/target/release/tessera}
ONLY=${ONLY:-*}

for tool in wrk taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/tessera-sso.XXXXXX)
OUT=$BENCH/results/sso-$(date -u +%Y%m%dT%H%M%SZ)
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
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

REDIRECT=http://127.0.0.1:9/cb
PASSWORD=bench-larkspur-tinfoil-quarry-nimbus
# sso_wrk URL AUTHORIZE_PATH CLIENT_ID CLIENT_SECRET COOKIE_FILE DURATION: one wrk run of the
# SSO flow, its RESULT line (flows/s; `requests` counts flows).
sso_wrk() {
  sso_wrk_run "$1" "$2" "$3" "$4" "$REDIRECT" "$5" "$CONNS" "$6" "$LOAD_CPU" |
    tee -a "$OUT/wrk.log" | grep '^RESULT' || true
}

# sso SERVER SCENARIO URL AUTHORIZE_PATH CLIENT_ID CLIENT_SECRET COOKIE_FILE: RUNS runs.
sso() {
  local server=$1 scenario=$2 run line
  # shellcheck disable=SC2053 # ONLY is a pattern on purpose
  [[ "$scenario" == $ONLY ]] || return 0
  for run in $(seq 0 "$RUNS"); do
    # Run 0 is the warm-up (2 s), not recorded.
    line=$(sso_wrk "${@:3:5}" "$([[ $run == 0 ]] && echo 2s || echo "$DURATION")")
    [[ $run == 0 ]] && continue
    if [[ -z "$line" ]]; then
      echo "bench: wrk printed no result for $server $scenario" >&2
      continue
    fi
    record "$server" "$scenario" "$run" "$line"
  done
}

if [[ "$BUILD" == 1 ]]; then
  echo "== building (release)"
  cargo build --release --quiet --bin tessera --example sign_rate --example argon2_rate
fi

{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "cores: $(nproc); server on core $SERVER_CPU, wrk on core $LOAD_CPU"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk: -t1 -c$CONNS -d$DURATION, $RUNS runs per scenario, $SESSIONS sessions"
} | tee "$OUT/machine.txt"

if [[ -x "$ROOT/target/release/examples/sign_rate" ]]; then
  echo "== raw signing rate on core $SERVER_CPU"
  for run in $(seq 1 "$RUNS"); do
    taskset -c "$SERVER_CPU" "$ROOT/target/release/examples/sign_rate" 3 RS256 ES256 |
      while read -r alg rate; do printf '%s\t%s\t%s\n' "$alg" "$run" "$rate"; done | tee -a "$OUT/sign_rate.tsv"
  done
fi

# record SERVER SCENARIO RUN RESULT_LINE: one line in results.tsv.
record() {
  python3 - "$@" >>"$RESULTS" <<'PY'
import sys
server, scenario, run, line = sys.argv[1:5]
kv = dict(p.split("=") for p in line.split()[1:])
print("\t".join([server, scenario, run, kv["rps"], kv["p50_ms"], kv["p99_ms"], kv["requests"], kv["errors"]]))
PY
  echo "  $1 $2 run $3: $4"
}

# full_sign_in: RUNS runs of sign_in.py against the running Tessera, each beside a raw argon2id
# rate of the person's own stored hash on the server core.
full_sign_in() {
  # shellcheck disable=SC2053 # ONLY is a pattern on purpose
  [[ full_sign_in == $ONLY ]] || return 0
  local phc run line secs=${DURATION%s}
  phc=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT password_hash FROM users WHERE username = ?", ("bench",)).fetchone()[0])' \
    "$WORK/tessera.db")
  for run in $(seq 1 "$RUNS"); do
    line=$(taskset -c "$LOAD_CPU" python3 "$BENCH/sign_in.py" "$TURL/authorize" "$TURL/token" "$RP_ID" \
      "$RP_SECRET" "$REDIRECT" bench "$PASSWORD" "$secs" "$SIGN_IN_CONCURRENCY")
    record tessera full_sign_in "$run" "$line"
    if [[ -x "$ROOT/target/release/examples/argon2_rate" ]]; then
      taskset -c "$SERVER_CPU" "$ROOT/target/release/examples/argon2_rate" 3 "$phc" |
        while read -r alg rate; do printf '%s\t%s\t%s\n' "$alg" "$run" "$rate"; done | tee -a "$OUT/sign_rate.tsv"
    fi
  done
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }

# memory COOKIES: more SSO flows until MEMORY_FLOWS were served in all, then, idle again, the RSS
# against the idle figure ($RSS_IDLE) in memory.txt.
memory() {
  # shellcheck disable=SC2053 # ONLY is a pattern on purpose
  [[ memory == $ONLY ]] || return 0
  local served line
  served=$(awk -F'\t' '$1 == "tessera" && $2 == "sso_ES256" {n += $7} END {print n + 0}' "$RESULTS")
  while ((served < MEMORY_FLOWS)); do
    line=$(sso_wrk "$TURL" /authorize "$RP_ID" "$RP_SECRET" "$1" 10s)
    [[ -n "$line" ]] || { echo "bench: wrk printed no result for memory" >&2; return 1; }
    served=$((served + $(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")))
  done
  sleep 2
  local right_after
  right_after=$(rss_kb)
  sleep $((SETTLE - 2)) # idle again, as for the first figure
  python3 -c 'import sys; idle, soon, after, flows, settle = map(int, sys.argv[1:])
pct = lambda kb: f"{100 * (kb - idle) / idle:+.0f} %"
print(f"RSS idle {idle / 1000:.1f} MB; after {flows:,} SSO flows: {soon / 1000:.1f} MB 2 s after ({pct(soon)}), "
      f"{after / 1000:.1f} MB {settle} s after ({pct(after)})")' \
    "$RSS_IDLE" "$right_after" "$(rss_kb)" "$served" "$SETTLE" | tee "$OUT/memory.txt"
}

# --- Tessera ---------------------------------------------------------------------------------
PORT=$(free_port)
TURL=http://127.0.0.1:$PORT
one_instance_config "$WORK" "$PORT"
tessera() { "$BIN" --config "$WORK/tessera.toml" "$@"; }
tessera migrate >/dev/null
tessera user create --username bench --email bench@example.com --name Bench --password-stdin \
  <<<"$PASSWORD" >/dev/null
# A third-party client (consent asked once, then remembered), as a relying party would be.
RP=$(tessera client create --json --name bench-rp --grant-type authorization_code \
  --redirect-uri "$REDIRECT" --scope openid)
RP_ID=$(json_field client_id <<<"$RP")
RP_SECRET=$(json_field client_secret <<<"$RP")

for alg in ES256 RS256; do
  echo "== tessera, $alg ID and access tokens"
  TESSERA_KEYS_ACCESS_TOKEN_ALG=$alg TESSERA_KEYS_ID_TOKEN_ALG=$alg \
    taskset -c "$SERVER_CPU" "$BIN" --config "$WORK/tessera.toml" serve 2>>"$OUT/tessera.log" &
  SERVER_PID=$!
  wait_http "$TURL/readyz"
  sleep "$SETTLE"
  RSS_IDLE=$(rss_kb)
  python3 "$BENCH/seed_sso.py" "$TURL/authorize" "$TURL/token" "$RP_ID" "$RP_SECRET" "$REDIRECT" openid \
    bench "$PASSWORD" "$SESSIONS" "$WORK/tessera_cookies_$alg.txt"
  if [[ $alg == ES256 ]]; then
    python3 "$BENCH/writes_per_flow.py" "$WORK/tessera.db" "$TURL" "$RP_ID" "$RP_SECRET" "$REDIRECT" \
      "$WORK/tessera_cookies_$alg.txt" 50 | tee "$OUT/writes_per_flow.txt"
  fi
  sso tessera "sso_$alg" "$TURL" /authorize "$RP_ID" "$RP_SECRET" "$WORK/tessera_cookies_$alg.txt"
  if [[ $alg == ES256 ]]; then
    full_sign_in
    memory "$WORK/tessera_cookies_$alg.txt"
  fi
  stop_server
done

# --- node-oidc-provider ----------------------------------------------------------------------
if [[ "$NODE_COMPARE" == 1 ]]; then
  if [[ ! -d "$BENCH/node_modules/oidc-provider" ]]; then
    (cd "$BENCH" && npm install --no-audit --no-fund --silent)
  fi
  NPORT=$(free_port)
  NURL=http://127.0.0.1:$NPORT
  NODE_RP_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
  echo "== node-oidc-provider $(node -p "require('$BENCH/node_modules/oidc-provider/package.json').version") on node $(node --version), RS256"
  NODE_ENV=production PORT=$NPORT ALG=RS256 CLIENT_ID=bench-node CLIENT_SECRET=unused-here \
    RP_CLIENT_ID=bench-rp RP_CLIENT_SECRET=$NODE_RP_SECRET RP_REDIRECT_URI=$REDIRECT \
    taskset -c "$SERVER_CPU" node "$BENCH/node/provider.mjs" >>"$OUT/node.log" 2>&1 &
  SERVER_PID=$!
  wait_http "$NURL/jwks"
  python3 "$BENCH/seed_sso.py" "$NURL/auth" "$NURL/token" bench-rp "$NODE_RP_SECRET" "$REDIRECT" openid \
    bench "$PASSWORD" "$SESSIONS" "$WORK/node_cookies.txt"
  sso node sso_RS256 "$NURL" /auth bench-rp "$NODE_RP_SECRET" "$WORK/node_cookies.txt"
  stop_server
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
python3 "$BENCH/summarize.py" "$OUT" | tee "$OUT/summary.md"

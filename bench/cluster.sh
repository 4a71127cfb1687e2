#!/usr/bin/env bash
# Two-instance benchmark on PostgreSQL: req/s of client_credentials and refresh, and flows/s
# of the SSO code flow (issue 24 item 3), with one Tessera instance, then two on the same
# database, and what the database costs per token.
#
#   bench/cluster.sh                          # 10 s per scenario, 3 runs, 32 connections
#   DURATION=2s RUNS=1 CONNS=8 bench/cluster.sh   # smoke test
#   SCENARIOS=sso bench/cluster.sh            # only some scenarios (default: all three)
#   BIN=target/debug/tessera BUILD=0 ...      # use an existing binary (no release build)
#
# Each instance is pinned with taskset to one core of INSTANCE_CPUS (default "1 0"), wrk to
# LOAD_CPUS (default 0); PostgreSQL runs where the OS puts it. On a 2-core machine the two-
# instance run therefore shares its cores with wrk and PostgreSQL: see bench/README.md.
# Everything listens on 127.0.0.1; the script creates a fresh database on PG_URL's server and
# drops it on exit, and kills the servers it started (by PID).
# Results: bench/results/cluster-<UTC time>/{results.tsv,summary.md,wrk.log,*.log}.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
DURATION=${DURATION:-10s}
RUNS=${RUNS:-3}
CONNS=${CONNS:-32}
INSTANCE_CPUS=(${INSTANCE_CPUS:-1 0})
LOAD_CPUS=${LOAD_CPUS:-0}
ALG=${ALG:-ES256}
SCENARIOS=${SCENARIOS:-client_credentials refresh sso}
SESSIONS=${SESSIONS:-64}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
BUILD=${BUILD:-1}
BIN=${BIN:-$ROOT/target/release/tessera}
# Live refresh tokens per wrk process and run: twice the connections, as bench/run.sh does (with
# as many tokens as connections wrk runs dry and counts errors).
SEEDS_PER_RUN=$((2 * CONNS))

for tool in wrk taskset curl python3 psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
if ((${#INSTANCE_CPUS[@]} < 2)); then
  echo "bench: INSTANCE_CPUS needs two CPU lists, one per instance" >&2
  exit 1
fi

WORK=$(mktemp -d /tmp/tessera-cluster-bench.XXXXXX)
OUT=$BENCH/results/cluster-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
printf 'instances\tscenario\trun\trps\tp50_ms\tp99_ms\trequests\terrors\txacts\trows\tpg_active_ms\n' >"$RESULTS"
DB=tessera_bench_$(date -u +%Y%m%d%H%M%S)_$$
DB_URL=${PG_URL%/*}/$DB
PIDS=()

stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
cleanup() {
  stop_servers
  psql "$PG_URL" -qAtc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"

wait_ready() { # URL: wait up to 60 s for /readyz to answer 200
  for _ in $(seq 1 120); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1/readyz") == 200 ]] && return 0
    sleep 0.5
  done
  echo "bench: $1 is not ready" >&2
  return 1
}

# One line of the database's cumulative counters: transactions, rows touched, ms executing SQL.
# PostgreSQL backends report their counters when idle, at most once a second: wait before reading.
pg_counters() {
  sleep 1.5
  psql "$PG_URL" -qAt -F ' ' -c "SELECT xact_commit + xact_rollback,
      tup_returned + tup_fetched + tup_inserted + tup_updated + tup_deleted, active_time
    FROM pg_stat_database WHERE datname = '$DB'"
}

if [[ "$BUILD" == 1 ]]; then
  echo "== building (release)"
  cargo build --release --quiet --bin tessera
fi

echo "== machine"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "cores: $(nproc); instances on cores ${INSTANCE_CPUS[0]} and ${INSTANCE_CPUS[1]}, wrk on $LOAD_CPUS, PostgreSQL unpinned"
  echo "postgres: $(psql "$PG_URL" -qAtc 'SHOW server_version')"
  echo "binary: $BIN"
  echo "access and ID tokens: $ALG; wrk: $CONNS connections in all, -d$DURATION, $RUNS runs per scenario"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

psql "$PG_URL" -qAtc "CREATE DATABASE \"$DB\"" >/dev/null
PORTS=("$(free_port)" "$(free_port)")
ISSUER=http://127.0.0.1:${PORTS[0]}
for i in 0 1; do
  mkdir -p "$WORK/i$i"
  cat >"$WORK/i$i/tessera.toml" <<EOF
issuer = "$ISSUER"
[server]
bind = "127.0.0.1:${PORTS[$i]}"
[database]
url = "$DB_URL"
[keys]
dir = "$WORK/keys"
algorithms = ["RS256", "ES256"]
access_token_alg = "$ALG"
id_token_alg = "$ALG"
# One client sends thousands of requests a second here: per-client rate limits off.
[rate_limit]
token_per_second = 0
introspect_per_second = 0
EOF
done
tessera() { "$BIN" --config "$WORK/i0/tessera.toml" "$@"; }
tessera migrate >/dev/null
CLIENT=$(tessera client create --json --name bench --grant-type client_credentials --scope api:read)
BASIC=$(printf '%s:%s' "$(json_field client_id <<<"$CLIENT")" "$(json_field client_secret <<<"$CLIENT")" | base64 -w0)
tessera user create --username bench --email bench@example.com --name Bench --password-stdin --json \
  <<<"bench-larkspur-tinfoil-quarry-nimbus" >/dev/null
RP=$(tessera client create --json --name bench-rp --grant-type authorization_code --grant-type refresh_token \
  --redirect-uri http://127.0.0.1:9/cb --first-party --scope "openid offline_access")
RP_ID=$(json_field client_id <<<"$RP")
RP_SECRET=$(json_field client_secret <<<"$RP")
RP_BASIC=$(printf '%s:%s' "$RP_ID" "$RP_SECRET" | base64 -w0)

start_instance() { # INDEX
  taskset -c "${INSTANCE_CPUS[$1]}" "$BIN" --config "$WORK/i$1/tessera.toml" serve 2>>"$OUT/instance$1.log" &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:${PORTS[$1]}"
}

# seed FILE N: N refresh tokens through the code flow (PKCE), one per line.
seed() {
  python3 "$BENCH/seed_refresh.py" "$ISSUER" "$RP_ID" "$RP_SECRET" http://127.0.0.1:9/cb \
    bench bench-larkspur-tinfoil-quarry-nimbus "$2" "$1" >/dev/null
}

# The SSO flow (bench/sso.sh's, on the first-party client): SESSIONS browser sessions signed in
# once; their cookies work on both instances, whose sessions live in the shared database.
REDIRECT=http://127.0.0.1:9/cb

# wrk_one PORT CONNS SCENARIO RUN [TOKENS_FILE]: one wrk on one instance; prints its RESULT line
# (for sso, `rps` and `requests` count flows, p50/p99 single requests).
wrk_one() {
  local url=http://127.0.0.1:$1/token
  if [[ $3 == sso ]]; then
    sso_wrk_run "http://127.0.0.1:$1" /authorize "$RP_ID" "$RP_SECRET" "$REDIRECT" "$WORK/sso_cookies.txt" \
      "$2" "$DURATION" "$LOAD_CPUS"
  elif [[ $3 == refresh ]]; then
    BENCH_RUN=$4 BENCH_LUA_DIR=$BENCH/lua BENCH_REFRESH_TOKENS=$5 BENCH_REFRESH_PER_RUN=$SEEDS_PER_RUN \
      BENCH_BASIC=$RP_BASIC taskset -c "$LOAD_CPUS" \
      wrk -t1 -c"$2" -d"$DURATION" --timeout 5s -s "$BENCH/lua/refresh.lua" "$url"
  else
    BENCH_LUA_DIR=$BENCH/lua BENCH_BODY="grant_type=client_credentials&scope=api:read" BENCH_BASIC=$BASIC \
      taskset -c "$LOAD_CPUS" wrk -t1 -c"$2" -d"$DURATION" --timeout 5s -s "$BENCH/lua/post_form.lua" "$url"
  fi | tee -a "$OUT/wrk.log" | grep '^RESULT' || true
}

wants() { [[ " $SCENARIOS " == *" $1 "* ]]; } # SCENARIO: whether this run measures it

# measure INSTANCES SCENARIO: RUNS runs; with two instances, two wrk processes in parallel
# (half the connections each, as a load balancer would spread them) and their sum.
measure() {
  local n=$1 scenario=$2 run before after lines
  wants "$scenario" || return 0
  for run in $(seq 1 "$RUNS"); do
    before=$(pg_counters)
    if [[ $n == 1 ]]; then
      lines=$(wrk_one "${PORTS[0]}" "$CONNS" "$scenario" "$run" "$WORK/tokens-1-0.txt")
    else
      lines=$(
        wrk_one "${PORTS[0]}" $((CONNS / 2)) "$scenario" "$run" "$WORK/tokens-2-0.txt" &
        wrk_one "${PORTS[1]}" $((CONNS / 2)) "$scenario" "$run" "$WORK/tokens-2-1.txt" &
        wait
      )
    fi
    after=$(pg_counters)
    if [[ $(grep -c '^RESULT' <<<"$lines") != "$n" ]]; then
      echo "bench: wrk printed no result for $n instance(s) $scenario run $run" >&2
      continue
    fi
    python3 - "$n" "$scenario" "$run" "$before" "$after" "$lines" >>"$RESULTS" <<'PY'
import sys
n, scenario, run, before, after, lines = sys.argv[1:7]
kvs = [dict(p.split("=") for p in l.split()[1:]) for l in lines.splitlines() if l.startswith("RESULT")]
total = lambda k: sum(float(kv[k]) for kv in kvs)
worst = lambda k: max(float(kv[k]) for kv in kvs)
b, a = [float(x) for x in before.split()], [float(x) for x in after.split()]
xacts, rows, active = (a[i] - b[i] for i in range(3))
print("\t".join([n, scenario, run, f"{total('rps'):.1f}", f"{worst('p50_ms'):.3f}",
                 f"{worst('p99_ms'):.3f}", str(int(total("requests"))), str(int(total("errors"))),
                 str(int(xacts)), str(int(rows)), f"{active:.1f}"]))
PY
    echo "  $n instance(s) $scenario run $run: $(tail -1 "$RESULTS" | cut -f4-)"
  done
}

echo "== one instance (core ${INSTANCE_CPUS[0]})"
start_instance 0
wants refresh && seed "$WORK/tokens-1-0.txt" $((RUNS * SEEDS_PER_RUN))
wants sso && python3 "$BENCH/seed_sso.py" "$ISSUER/authorize" "$ISSUER/token" "$RP_ID" "$RP_SECRET" "$REDIRECT" openid \
  bench bench-larkspur-tinfoil-quarry-nimbus "$SESSIONS" "$WORK/sso_cookies.txt"
measure 1 client_credentials
measure 1 refresh
measure 1 sso

echo "== two instances (cores ${INSTANCE_CPUS[0]} and ${INSTANCE_CPUS[1]})"
start_instance 1
if wants refresh; then
  seed "$WORK/tokens-2-0.txt" $((RUNS * SEEDS_PER_RUN))
  seed "$WORK/tokens-2-1.txt" $((RUNS * SEEDS_PER_RUN))
fi
measure 2 client_credentials
measure 2 refresh
measure 2 sso
stop_servers

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
python3 "$BENCH/cluster_summary.py" "$OUT" | tee "$OUT/summary.md"

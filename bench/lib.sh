# Helpers shared by the bench/ scripts (sourced, not run).

free_port() { # a TCP port free on 127.0.0.1 right now
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # URL: wait up to 60 s for any HTTP answer
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.5
  done
  echo "bench: nothing answers at $1" >&2
  return 1
}

json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# one_instance_config DIR PORT [ACCESS_TOKEN_ALG]: writes DIR/tessera.toml for one instance on
# 127.0.0.1:PORT, SQLite and keys in DIR, RS256/ES256/EdDSA keys, rate limits off.
one_instance_config() {
  local alg_line=""
  [[ -n "${3:-}" ]] && alg_line="access_token_alg = \"$3\""
  cat >"$1/tessera.toml" <<EOF
issuer = "http://127.0.0.1:$2"
[server]
bind = "127.0.0.1:$2"
[database]
url = "sqlite://$1/tessera.db?mode=rwc"
[keys]
dir = "$1/keys"
algorithms = ["RS256", "ES256", "EdDSA"]
$alg_line
# One client sends thousands of requests a second here: per-client rate limits off.
[rate_limit]
token_per_second = 0
introspect_per_second = 0
EOF
}

# cc_client_basic BIN CONFIG NAME: migrates, creates a client_credentials client (scope
# api:read) and prints its HTTP Basic credentials.
cc_client_basic() {
  local client
  "$1" --config "$2" migrate >/dev/null
  client=$("$1" --config "$2" client create --json --name "$3" --grant-type client_credentials --scope api:read)
  printf '%s:%s' "$(json_field client_id <<<"$client")" "$(json_field client_secret <<<"$client")" | base64 -w0
}

# serve_one_instance BIN WORK ACCESS_TOKEN_ALG CPU: a one-instance config and a
# client_credentials client in WORK, then `serve` pinned to CPU (log in WORK/server.log). Sets
# URL, BASIC and SERVER_PID (the caller's cleanup stops it) and waits until it answers.
serve_one_instance() {
  local port
  port=$(free_port)
  URL=http://127.0.0.1:$port
  one_instance_config "$2" "$port" "$3"
  BASIC=$(cc_client_basic "$1" "$2/tessera.toml" bench)
  taskset -c "$4" "$1" --config "$2/tessera.toml" serve 2>"$2/server.log" &
  SERVER_PID=$!
  wait_http "$URL/readyz"
}

# sso_wrk_run BASE_URL AUTHORIZE_PATH CLIENT_ID CLIENT_SECRET REDIRECT COOKIE_FILE CONNS DURATION CPU:
# one wrk run (pinned to CPU) of the SSO code flow (lua/sso.lua) with a fresh PKCE pair: the
# authorization request with a session cookie from COOKIE_FILE, then the code at /token with
# client_secret_basic. Prints wrk's output; its RESULT line counts flows.
sso_wrk_run() {
  local url=$1 authorize=$2 id=$3 secret=$4 redirect=$5 cookies=$6 conns=$7 duration=$8 cpu=$9
  local verifier challenge query
  read -r verifier challenge < <(python3 -c 'import sys; sys.path.insert(0, sys.argv[1])
from oidc_browser import pkce_pair; print(*pkce_pair())' "$BENCH")
  query=$(python3 -c 'import sys, urllib.parse
print(urllib.parse.urlencode({"response_type": "code", "client_id": sys.argv[1], "redirect_uri": sys.argv[2],
  "scope": "openid", "state": "bench", "code_challenge": sys.argv[3], "code_challenge_method": "S256"}))' \
    "$id" "$redirect" "$challenge")
  BENCH_LUA_DIR=$BENCH/lua BENCH_SSO_COOKIES=$cookies BENCH_AUTHORIZE="$authorize?$query" \
    BENCH_TOKEN_PATH=/token \
    BENCH_TOKEN_BODY="grant_type=authorization_code&redirect_uri=$redirect&code_verifier=$verifier&code=" \
    BENCH_BASIC=$(printf '%s:%s' "$id" "$secret" | base64 -w0) \
    taskset -c "$cpu" wrk -t1 -c"$conns" -d"$duration" --timeout 5s -s "$BENCH/lua/sso.lua" "$url"
}

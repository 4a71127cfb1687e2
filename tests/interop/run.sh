#!/usr/bin/env bash
# The interop suite: a release build of Tessera, driven only by unmodified third-party relying
# parties (Python's Authlib, Node's openid-client) with headless Chromium as the person.
#
#   tests/interop/run.sh                 # build, install, run everything
#   tests/interop/run.sh oidcc-max-age   # only modules whose name contains a filter (both suites)
#   tests/interop/run.sh scim            # only the SCIM step (scim2-tester)
#
# Installs what it needs itself (Debian chromium + chromedriver when root, `npm ci` from the
# committed lock file, a Python venv from the pinned requirements.txt), gives the server its own
# temporary directory, config and free port, creates the user and clients with the CLI, runs the
# Python then the Node suite, stops the server, and exits non-zero when anything failed.
# Works with CI=true and no standard input; safe to run again. See tests/interop/README.md.
#
# Environment: INTEROP_TESSERA_BIN=path skips the release build and uses that binary;
# INTEROP_KEEP=1 keeps the temporary directory (config, database, server log) for a look.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

log() { printf '\n==> %s\n' "$*"; }
die() { echo "interop: $*" >&2; exit 1; }

# The server reads TESSERA_* variables as config overrides; this run has its own config.
for v in $(compgen -e | grep '^TESSERA_' || true); do unset "$v"; done

# --- what the suite needs from the system ---------------------------------------------------
need_pkgs=()
[ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_pkgs+=(chromium-driver)
command -v node >/dev/null 2>&1 || need_pkgs+=(nodejs npm)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_pkgs+=(python3-venv)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing ${need_pkgs[*]}"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq </dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" </dev/null >/dev/null
    else
        die "missing ${need_pkgs[*]} and cannot install them (not root or no apt-get)"
    fi
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "openid-client 6 needs Node 20 or newer (found $(node --version))"

# The Debian `chromium` command is a shell wrapper; Playwright needs the browser binary itself.
CHROMIUM_BIN="${INTEROP_CHROMIUM:-/usr/lib/chromium/chromium}"
[ -x "$CHROMIUM_BIN" ] || CHROMIUM_BIN="$(command -v chromium)"
export INTEROP_CHROMIUM="$CHROMIUM_BIN"
export INTEROP_CHROMEDRIVER="${INTEROP_CHROMEDRIVER:-$(command -v chromedriver)}"

# --- the server binary and the relying-party packages ---------------------------------------
if [ -n "${INTEROP_TESSERA_BIN:-}" ]; then
    BIN="$INTEROP_TESSERA_BIN"
else
    log "cargo build --release --locked"
    cargo build --release --locked
    BIN="$root/target/release/tessera"
fi
[ -x "$BIN" ] || die "no server binary at $BIN"

log "npm ci (openid-client, playwright-core)"
(cd "$here/node" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error </dev/null)

log "Python venv (Authlib, selenium, requests)"
venv="$here/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" </dev/null

# scim2-tester in a venv of its own (pydantic 2 and httpx2 apart from the Authlib suite's packages).
log "Python venv (scim2-tester)"
scim_venv="$here/scim/.venv"
[ -x "$scim_venv/bin/python" ] || python3 -m venv "$scim_venv"
"$scim_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/scim/requirements.txt" </dev/null
# `run.sh scim` runs only the SCIM step.
only_scim=0
[ "${1:-}" = scim ] && only_scim=1

# --- a server of its own ----------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work="$(mktemp -d "${TMPDIR:-/tmp}/tessera-interop.XXXXXX")"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "${INTEROP_KEEP:-}" = 1 ]; then echo "interop: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

port="$(free_port)"
py_cb="$(free_port)"
node_cb="$(free_port)"
issuer="http://127.0.0.1:$port"
mkdir -p "$work/keys"
cat >"$work/config.toml" <<EOF
issuer = "$issuer"

[server]
bind = "127.0.0.1:$port"

[database]
url = "sqlite://$work/tessera.db?mode=rwc"

[keys]
dir = "$work/keys"

# Only DPoP proofs need nonces: clients without DPoP are unaffected (openid-client-dpop).
[dpop]
require_nonce = true

[registration]
# openid-client-dynamic-registration registers its own clients (RFC 7591).
mode = "open"
EOF
tessera() { "$BIN" --config "$work/config.toml" "$@" </dev/null; }

log "creating the user and clients with the CLI"
username="interop-alice"
password="interop-$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
printf '%s\n' "$password" | "$BIN" --config "$work/config.toml" user create \
    --username "$username" --email alice@example.com --name "Alice Interop" --password-stdin >/dev/null

# client NAME AUTH_METHOD ARGS... -> one "NAME": {...} member of clients.json
clients_json="$work/clients.json"
members=()
client() {
    local name="$1" method="$2"
    shift 2
    local created
    created="$(tessera client create --name "$name" --auth-method "$method" --json "$@")"
    members+=("\"$name\": $(printf '%s' "$created" | python3 -c "import json,sys; d=json.load(sys.stdin); d['auth_method']='$method'; print(json.dumps(d))")")
}
rp_scope="openid profile email offline_access"
client py-rp client_secret_basic --scope "$rp_scope" \
    --redirect-uri "http://127.0.0.1:$py_cb/cb" \
    --post-logout-redirect-uri "http://127.0.0.1:$py_cb/post_logout_redirect"
client py-rp2 client_secret_post --scope "$rp_scope" --redirect-uri "http://127.0.0.1:$py_cb/cb"
client py-rp-query client_secret_basic --scope "$rp_scope" --redirect-uri "http://127.0.0.1:$py_cb/cb?foo=bar"
client py-svc client_secret_basic --grant-type client_credentials --scope "interop:read"
client node-rp client_secret_post --scope "$rp_scope" \
    --redirect-uri "http://127.0.0.1:$node_cb/cb" \
    --post-logout-redirect-uri "http://127.0.0.1:$node_cb/logged-out"
client node-spa none --public --scope "openid profile email" --redirect-uri "http://127.0.0.1:$node_cb/cb"
client node-dpop none --public --scope "openid offline_access" --redirect-uri "http://127.0.0.1:$node_cb/cb"
client node-svc client_secret_basic --grant-type client_credentials --scope "interop:read"
client node-device none --public --scope "openid profile offline_access" \
    --grant-type urn:ietf:params:oauth:grant-type:device_code --grant-type refresh_token
client node-exchange client_secret_basic --grant-type urn:ietf:params:oauth:grant-type:token-exchange \
    --token-exchange-audience https://interop-api.example.com
# PAR and JAR (RFC 9126, RFC 9101): a private_key_jwt client whose ES256 key the Node suite
# signs its request objects and client assertions with; the second must push signed requests.
node "$here/node/keygen.mjs" "$work/node-jar-key.json" "$work/node-jar.jwks"
client node-jar private_key_jwt --scope "openid profile email" \
    --redirect-uri "http://127.0.0.1:$node_cb/cb" --jwks-file "$work/node-jar.jwks"
client node-jar-par private_key_jwt --scope "openid profile email" \
    --redirect-uri "http://127.0.0.1:$node_cb/cb" --jwks-file "$work/node-jar.jwks" \
    --require-par --require-signed-request-object
(IFS=,; printf '{%s}\n' "${members[*]}") >"$clients_json"

# SCIM (RFC 7644): a service account whose role holds both SCIM permissions.
tessera role create --name scim-provisioner --permission scim:read --permission scim:write --json >/dev/null
scim_client="$(tessera client create --name scim-svc --grant-type client_credentials --json)"
scim_id="$(printf '%s' "$scim_client" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])')"
scim_secret="$(printf '%s' "$scim_client" | python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])')"
tessera client add-role --client-id "$scim_id" --role scim-provisioner --json >/dev/null

log "starting tessera at $issuer"
RUST_LOG="${RUST_LOG:-warn}" "$BIN" --config "$work/config.toml" serve >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
for _ in $(seq 1 150); do
    curl -fsS "$issuer/readyz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; die "the server exited at start-up"; }
    sleep 0.2
done
curl -fsS "$issuer/readyz" >/dev/null || die "the server did not become ready in 30 s"

export INTEROP_ISSUER="$issuer" INTEROP_USERNAME="$username" INTEROP_PASSWORD="$password"
export INTEROP_CLIENTS="$clients_json" INTEROP_PY_CALLBACK_PORT="$py_cb" INTEROP_NODE_CALLBACK_PORT="$node_cb"
export INTEROP_JAR_KEY="$work/node-jar-key.json"
export INTEROP_TESSERA="$BIN" INTEROP_CONFIG="$work/config.toml"  # for oidcc-server-rotate-keys

status=0
if [ "$only_scim" = 0 ]; then
    log "Python suite (Authlib + selenium/Chromium)"
    INTEROP_RESULTS="$work/python.json" "$venv/bin/python" "$here/python/run_suite.py" "$@" || status=1

    log "Node suite (openid-client + playwright-core/Chromium)"
    INTEROP_RESULTS="$work/node.json" node "$here/node/suite.mjs" "$@" || status=1
fi

if [ "$only_scim" = 1 ] || [ $# = 0 ]; then
    log "SCIM: scim2-tester against $issuer/scim/v2"
    scim_token="$(curl -fsS -u "$scim_id:$scim_secret" -d grant_type=client_credentials "$issuer/token" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
    INTEROP_SCIM_URL="$issuer/scim/v2" INTEROP_SCIM_TOKEN="$scim_token" INTEROP_RESULTS="$work/scim.json" \
        "$scim_venv/bin/python" "$here/scim/check.py" || status=1
fi

if [ -n "${INTEROP_TABLE:-}" ] && [ "$only_scim" = 0 ]; then
    "$venv/bin/python" "$here/python/table.py" "$work/python.json" "$work/node.json" >"$INTEROP_TABLE"
fi
if [ "$status" != 0 ]; then
    echo "--- last lines of the server log ---" >&2
    tail -n 40 "$work/server.log" >&2 || true
    die "some modules failed"
fi
log "interop suite passed"

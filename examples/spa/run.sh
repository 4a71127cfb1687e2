#!/bin/sh
# Runs the example single-page app next to a Tessera started with `cargo run -- serve`
# (from the repository root, with the same config.toml): registers the app as a public client
# once (its client_id is kept in examples/spa/.client_id), starts the example resource server
# on :9091 allowing the app's origin, and serves the app on http://127.0.0.1:8000/.
# Settings: TESSERA_ISSUER (http://127.0.0.1:8080), SPA_PORT (8000), RS_BIND (127.0.0.1:9091; 9090 is the dev config's metrics port).
set -eu
cd "$(dirname "$0")/../.."
issuer=${TESSERA_ISSUER:-http://127.0.0.1:8080}
port=${SPA_PORT:-8000}
rs_bind=${RS_BIND:-127.0.0.1:9091}
origin="http://127.0.0.1:$port"
id_file=examples/spa/.client_id
tessera() { cargo run -q -- "$@"; }

client_id=$(cat "$id_file" 2>/dev/null || true)
if [ -z "$client_id" ] || ! tessera client list --json | grep -q "\"$client_id\""; then
  client_id=$(tessera client create --name "Example SPA" --public \
      --redirect-uri "$origin/" --post-logout-redirect-uri "$origin/" --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["client_id"])')
  echo "$client_id" > "$id_file"
  echo "registered the example app as client $client_id (allowed origin: $origin)"
fi

TESSERA_ISSUER=$issuer RS_BIND=$rs_bind RS_ALLOWED_ORIGINS=$origin \
  cargo run -q -p tessera-resource-server-example &
rs=$!
trap 'kill $rs 2>/dev/null' EXIT INT TERM
python3 examples/spa/serve.py --port "$port" --issuer "$issuer" --client-id "$client_id" \
  --resource-server "http://$rs_bind"

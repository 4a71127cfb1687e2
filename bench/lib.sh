# Helpers shared by bench/run.sh, bench/cluster.sh and bench/profile.sh (sourced, not run).

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

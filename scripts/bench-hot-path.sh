#!/usr/bin/env bash
# Benchmark: the hot path, in one run on this machine. For a bare axum handler
# (server/examples/bare_axum.rs), our /healthz and our cached
# /api/dashboard/stats (signed in with a bearer token), wrk over loopback
# prints the requests per second, and /proc the server's CPU time per request.
# The ratios are what count: the machine is shared and its speed varies.
#   make build && scripts/bench-hot-path.sh
# DURATION (10s), CONNECTIONS (32) and THREADS (2) tune wrk. Needs Debian's
# wrk (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DREAMSEED_BIN:-target/release/dreamseed}
bare=target/release/examples/bare_axum
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
bare_port=18101
app_port=18102

[ -x "$bin" ] || { echo "no $bin: run make build first" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
cargo build --release -q -p server --example bare_axum

tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$bare" "127.0.0.1:$bare_port" & pids+=($!); bare_pid=$!
# The product as it runs: release build, SQLite, JSON access log (to a file
# here, as to a collector), a rate limit no benchmark reaches.
DB_PATH=$tmp/bench.db PORT=$app_port DEMO_DATA=false LOG_FORMAT=json \
  ADMIN_EMAIL=bench@example.com ADMIN_PASSWORD=bench-Password-42 RATE_LIMIT_PER_MINUTE=1000000000 \
  "$bin" serve >"$tmp/server.log" 2>&1 & pids+=($!); app_pid=$!
for port in $bare_port $app_port; do
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
done
token=$(curl -fsS -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-Password-42"}' \
  "http://127.0.0.1:$app_port/api/v1/auth/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
auth="Authorization: Bearer $token"
# Fill the cache, so the stats are measured as most requests meet them.
curl -fsS -H "$auth" "http://127.0.0.1:$app_port/api/dashboard/stats" >/dev/null

ticks_per_sec=$(getconf CLK_TCK)
# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

measure() { # label pid url [header]
  local label=$1 pid=$2 url=$3 header=${4:-x-bench: 1} before after out requests rps
  wrk -t"$threads" -c"$connections" -d2s -H "$header" "$url" >/dev/null # warm-up
  before=$(cpu_ticks "$pid")
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" -H "$header" "$url")
  after=$(cpu_ticks "$pid")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
  if grep -q 'Non-2xx' <<<"$out"; then echo "$label: $(grep 'Non-2xx' <<<"$out")" >&2; exit 1; fi
  awk -v l="$label" -v r="$rps" -v n="$requests" -v t=$((after - before)) -v hz="$ticks_per_sec" \
    'BEGIN { printf "%-40s %10.0f req/s %8.1f µs CPU/request\n", l, r, t * 1e6 / hz / n }'
}

echo "wrk -t$threads -c$connections -d$duration over loopback, $(nproc) cores"
measure "bare axum handler (/healthz)" "$bare_pid" "http://127.0.0.1:$bare_port/healthz"
measure "ours: /healthz" "$app_pid" "http://127.0.0.1:$app_port/healthz"
measure "ours: /api/dashboard/stats (cached)" "$app_pid" "http://127.0.0.1:$app_port/api/dashboard/stats" "$auth"

#!/usr/bin/env bash
# The API contract check (`make test-openapi`): starts `dreamseed` on its own
# port and a throwaway SQLite database, validates /api/openapi.json with
# openapi-spec-validator (OpenAPI 3.1), then fuzzes every operation but the
# endless stream, logout and the channels' writes (a fuzzed channel URL would
# send deliveries off this machine) with schemathesis, signed in as the first admin.
# Fails on any validator error, any schemathesis failure or any 5xx.
#
# Environment: DREAMSEED_BIN (default: the release binary, else the debug one),
# OPENAPI_PORT (18100), MAX_EXAMPLES per operation (25), SEED (fixed, so a
# failure reproduces; `SEED=random` for a fresh one), MAX_TIME in seconds (150).
# Only 127.0.0.1 is contacted, besides PyPI when the venv is first made.

set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/scripts/openapi"
venv="$root/target/openapi-venv"
port=${OPENAPI_PORT:-18100}
base="http://127.0.0.1:$port"
max_examples=${MAX_EXAMPLES:-25}
seed=${SEED:-20261121}
max_time=${MAX_TIME:-150}
# A throwaway database's first admin: not a secret.
email=admin@openapi.test
password=openapi-Admin-password-7

bin=${DREAMSEED_BIN:-}
if [ -z "$bin" ]; then
  for candidate in "$root/target/release/dreamseed" "$root/target/debug/dreamseed"; do
    if [ -x "$candidate" ]; then bin=$candidate; break; fi
  done
fi
[ -x "${bin:-}" ] || { echo "no dreamseed binary: build one, or set DREAMSEED_BIN" >&2; exit 1; }

# The tools, pinned; reinstalled only when requirements.txt changes.
"$root/scripts/bin/pinned-venv" "$venv" "$here/requirements.txt" "OpenAPI tools"

tmp=$(mktemp -d)
# The API needs no site files; a debug build without `cargo leptos` has none.
bin_dir=$(dirname "$bin")
if [ -z "${LEPTOS_SITE_ROOT:-}" ] && [ ! -d "$bin_dir/site/pkg" ] && [ ! -d "$bin_dir/../site/pkg" ]; then
  mkdir -p "$tmp/site/pkg" "$tmp/site/vendor"
  echo '{"KR": {"en": "South Korea", "ko": "대한민국", "lat": 36.5, "lng": 127.9}}' >"$tmp/site/vendor/countries.json"
  export LEPTOS_SITE_ROOT="$tmp/site"
fi
DB_PATH="$tmp/openapi.db" PORT=$port LOG_FORMAT=json ADMIN_EMAIL=$email ADMIN_PASSWORD=$password \
  RATE_LIMIT_PER_MINUTE=100000 "$bin" serve >"$tmp/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 120); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { tail -50 "$tmp/server.log"; echo "dreamseed exited" >&2; exit 1; }
  sleep 0.5
done

token=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  --data "{\"email\":\"$email\",\"password\":\"$password\"}" \
  | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
# The fuzzer must not demote or disable the account it signs in with.
account_id=$(curl -fsS "$base/api/v1/auth/me" -H "Authorization: Bearer $token" \
  | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["account"]["id"])')

# The document is for signed-in callers, like every route but login and the probes.
curl -fsS "$base/api/openapi.json" -H "Authorization: Bearer $token" -o "$tmp/openapi.json"
"$venv/bin/python" "$here/validate.py" "$tmp/openapi.json"

report="$root/target/openapi-report"
rm -rf "$report"
seed_args=()
[ "$seed" = random ] || seed_args=(--seed "$seed")
echo "Fuzzing $base with schemathesis (at most $max_examples examples per operation, ${max_time}s)"
status=0
OPENAPI_OWN_ACCOUNT=$account_id SCHEMATHESIS_HOOKS="$here/hooks.py" \
  "$venv/bin/st" --config-file "$here/schemathesis.toml" run "$tmp/openapi.json" --url "$base" \
  -H "Authorization: Bearer $token" \
  --exclude-path /api/v1/stream --exclude-path /api/v1/auth/logout \
  --exclude-path /api/v1/channels --exclude-path '/api/v1/channels/{id}' \
  --exclude-path '/api/v1/channels/{id}/test' --exclude-path '/api/v1/channels/{id}/rotate-secret' \
  --max-examples "$max_examples" --max-time "$max_time" "${seed_args[@]}" \
  --workers 1 --request-timeout 20 --generation-database none --no-color \
  --report junit --report-dir "$report" || status=$?
if grep -q '"status":5[0-9][0-9]\|"http.status":5[0-9][0-9]' "$tmp/server.log"; then
  echo "The server answered with a 5xx:" >&2
  grep '"status":5[0-9][0-9]\|"http.status":5[0-9][0-9]' "$tmp/server.log" | tail -5 >&2
  status=1
fi
for junit in "$report"/*.xml; do [ -f "$junit" ] && "$venv/bin/python" "$here/summary.py" "$junit"; done
[ $status -eq 0 ] || { echo "schemathesis found failures (exit $status); report in $report" >&2; tail -20 "$tmp/server.log" >&2; }
exit $status

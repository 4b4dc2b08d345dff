#!/usr/bin/env bash
# Benchmark: every dashboard endpoint uncached, over HTTP against a running
# server (the cache is emptied before each request). Prints the median and the
# fastest of 7 runs per endpoint, in milliseconds.
#   DREAMSEED_API_KEY=ds_… scripts/bench-dashboard.sh http://127.0.0.1:8002
# The key needs the editor role or above (the cache is invalidated with it); make
# one on the Settings page.
set -euo pipefail
base=${1:-http://127.0.0.1:8002}
auth="Authorization: Bearer ${DREAMSEED_API_KEY:?set DREAMSEED_API_KEY to an API key of role editor or above}"
runs=7
for path in \
  "/api/dashboard/stats" \
  "/api/dashboard/countries" \
  "/api/dashboard/users-by-type" \
  "/api/dashboard/problems" \
  "/api/dashboard/user-growth?range=today" \
  "/api/dashboard/user-growth?range=30d" \
  "/api/dashboard/user-growth?range=12m" \
  "/api/dashboard/activity?range=today" \
  "/api/dashboard/activity?range=30d" \
  "/api/dashboard/activity?range=12m" \
  "/api/dashboard/activity-heatmap?range=30d" \
  "/api/dashboard/activity-heatmap?range=12m" \
  "/api/dashboard/recent-activity?limit=20"; do
  times=()
  for _ in $(seq "$runs"); do
    curl -fsS -X POST -H "$auth" -H 'content-type: application/json' -d '{}' "$base/api/cache/invalidate" >/dev/null
    times+=("$(curl -fsS -H "$auth" -o /dev/null -w '%{time_total}' "$base$path")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v p="$path" '{ t[NR] = $1 * 1000 } END { printf "%-45s median %7.1f ms   min %7.1f ms\n", p, t[int((NR + 1) / 2)], t[1] }'
done

#!/usr/bin/env bash
# Benchmark: the users, activities and problems lists with filters, and the
# CSV export of every user, over HTTP against a running server. Prints the
# median and fastest of 7 runs per list request (lists are never cached), then
# the export's time and size; with DREAMSEED_PID, also the server's resident
# memory before the export and its peak (VmHWM) after it.
#   DREAMSEED_API_KEY=ds_… [DREAMSEED_PID=1234] scripts/bench-lists.sh http://127.0.0.1:8002
# Seed a large database first: dreamseed seed --users 1000000 --activities 10000000.
set -euo pipefail
base=${1:-http://127.0.0.1:8002}
auth="Authorization: Bearer ${DREAMSEED_API_KEY:?set DREAMSEED_API_KEY to an API key (viewer or above)}"
runs=7
# A cursor two pages in, so the keyset condition is measured too.
cursor=$(curl -fsS -H "$auth" "$base/api/v1/users?per_page=50&country=KR" | sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p')
for path in \
  "/api/v1/users?per_page=50" \
  "/api/v1/users?per_page=50&country=KR" \
  "/api/v1/users?per_page=50&country=KR&cursor=$cursor" \
  "/api/v1/users?per_page=50&user_type=premium&sort=last_activity" \
  "/api/v1/users?per_page=50&online=true" \
  "/api/v1/users?per_page=50&q=min" \
  "/api/v1/users?per_page=50&signed_up_from=2026-01-01&signed_up_to=2026-03-31&user_type=paid" \
  "/api/v1/users?per_page=50&country=JP&user_type=free&sort=username&order=asc" \
  "/api/v1/users?per_page=100&sort=email&order=asc" \
  "/api/v1/activities?per_page=50" \
  "/api/v1/activities?per_page=50&activity_type=problem_solve&from=2026-06-01&to=2026-06-30" \
  "/api/v1/activities?per_page=50&user_id=4242" \
  "/api/v1/problems?per_page=50" \
  "/api/v1/problems?per_page=50&subject=math&difficulty=hard&q=problem"; do
  times=()
  for _ in $(seq "$runs"); do
    times+=("$(curl -fsS -H "$auth" -o /dev/null -w '%{time_total}' "$base$path")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v p="${path:0:90}" '{ t[NR] = $1 * 1000 } END { printf "%-92s median %7.1f ms   min %7.1f ms\n", p, t[int((NR + 1) / 2)], t[1] }'
done

rss() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' "/proc/$DREAMSEED_PID/status"; }
[ -n "${DREAMSEED_PID:-}" ] && echo "server memory before export: $(rss VmRSS) MiB (peak so far $(rss VmHWM) MiB)"
out=$(mktemp)
curl -fsS -H "$auth" -o "$out" -w 'export of every user: %{time_total} s, %{size_download} bytes\n' "$base/api/v1/users/export.csv"
echo "rows: $(($(wc -l < "$out") - 1))"
rm -f "$out"
[ -n "${DREAMSEED_PID:-}" ] && echo "server memory after export: $(rss VmRSS) MiB, peak $(rss VmHWM) MiB"
true

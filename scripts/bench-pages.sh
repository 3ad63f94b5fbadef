#!/usr/bin/env bash
# Load test of the server-rendered pages against the release build with the
# national-scale data set: the approver queue, the case page and the
# dashboard (default filters and a filtered view), next to a static asset
# (the floor), with wrk at 32 connections. Then each dashboard query as the
# server runs it beside the same SQL run raw in sqlite3.
# Usage: scripts/bench-pages.sh [cases=20000] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cases="${1:-20000}"; seconds="${2:-10}"
work="${BENCH_DIR:-$HOME/.cache/doorbraak/bench}"; mkdir -p "$work"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
[ -f target/site/pkg/doorbraak.css ] || scripts/build.sh release
# BENCH_BIN: measure a binary built earlier instead of building now.
bin="${BENCH_BIN:-$CARGO_TARGET_DIR/release/doorbraak}"
[ -n "${BENCH_BIN:-}" ] || cargo build -p server --release
db="$work/bench-$cases.db"
if [ ! -f "$db" ]; then
  DOORBRAAK_DATABASE="$db" "$bin" generate --cases "$cases" --seed 11
fi
port=3917
DOORBRAAK_DATABASE="$db" DOORBRAAK_ADDR="127.0.0.1:$port" DOORBRAAK_LOG=warn \
  DOORBRAAK_SITE_ROOT="$PWD/target/site" "$bin" serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/pkg/doorbraak.css" -o /dev/null && break; sleep 0.2; done
kill -0 $server 2>/dev/null || { echo "the server did not start:"; tail -5 "$work/server.log"; exit 1; }
base="http://127.0.0.1:$port"
cookie=$(curl -s -D - -o /dev/null -X POST "$base/api/login" \
  -d "username=manager&password=demo-wachtwoord" | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip' | head -1)
[ -n "$cookie" ] || { echo "sign-in failed"; exit 1; }
cat > "$work/cookie.lua" <<LUA
wrk.headers["Cookie"] = "$cookie"
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("req/s %.0f  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  errors %d  non-2xx %d\n",
    summary.requests / s, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status))
end
LUA
# A submitted case the manager may decide, from the first page of the queue.
case_id=$(curl -s -b "$cookie" "$base/beoordelen" | grep -o 'href="/casussen/[0-9]*"' | head -1 | grep -o '[0-9]*')
echo "case page: /casussen/$case_id"
year=$(( $(date +%Y) - 1 ))
filtered="/resultaten?jaar=$year&kwartaal=3&team=2&wet=JW"
for url in "/pkg/doorbraak.js" "/pkg/doorbraak.css" "/beoordelen" "/casussen/$case_id" "/resultaten" "$filtered"; do
  echo "== $url"
  curl -s -o /dev/null -w "status %{http_code}, %{size_download} bytes\n" -b "$cookie" "$base$url"
  wrk -t2 -c32 -d"${seconds}s" -s "$work/cookie.lua" "$base$url" | grep "^req/s"
done
# The first view of a set of filters is computed, later ones come from the
# cache until something is written: time the computation itself too.
echo "== dashboard queries (sqlx in the server vs the sqlite3 shell, ms per run)"
kill $server 2>/dev/null; wait $server 2>/dev/null || true
"$bin" bench-dashboard "$db" NULL NULL "$year-01-01" "$year-12-31"
echo "-- filtered: team 2, JW, third quarter"
"$bin" bench-dashboard "$db" 2 JW "$year-07-01" "$year-09-30"


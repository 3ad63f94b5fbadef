#!/usr/bin/env bash
# The front end on a municipal laptop: sizes of the release wasm, JS and CSS
# (raw and gzip -9), and the canvas page's time to interactive (hydrated) in
# Chromium with the CPU throttled 4× (tests/e2e/speed.mjs), against the
# release build with the demo data. Exits non-zero above the budgets:
# CSS ≤ 40 KB gzip, wasm ≤ 500 KB gzip, hydrated within 3 s.
# Usage: scripts/bench-front.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/build.sh release
pkg=target/site/pkg
status=0
for f in doorbraak.wasm doorbraak.js doorbraak.css; do
  raw=$(stat -c %s "$pkg/$f"); gz=$(gzip -9 -c "$pkg/$f" | wc -c)
  echo "$f: $raw bytes raw, $gz bytes gzip -9"
  case $f in
    *.wasm) [ "$gz" -le 512000 ] || { echo "  over the wasm budget (500 KB gzip)"; status=1; } ;;
    *.css) [ "$gz" -le 40960 ] || { echo "  over the CSS budget (40 KB gzip)"; status=1; } ;;
  esac
done
work=$(mktemp -d)
DOORBRAAK_DATABASE="$work/front.db" DOORBRAAK_ADDR=127.0.0.1:0 DOORBRAAK_LOG=warn \
  DOORBRAAK_SITE_ROOT="$PWD/target/site" "$CARGO_TARGET_DIR/release/doorbraak" serve --demo > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 600); do
  url=$(sed -n 's/^Doorbraak draait op \(http:[^ ]*\)$/\1/p' "$work/server.log")
  [ -n "$url" ] && break
  sleep 0.2
done
[ -n "$url" ] || { echo "the server did not start:"; tail -5 "$work/server.log"; exit 1; }
(cd tests/e2e && E2E_BASE_URL="$url" node speed.mjs) || status=1
exit $status

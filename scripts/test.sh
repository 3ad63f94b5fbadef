#!/usr/bin/env bash
# Sets up whatever is missing and runs every test tier:
#   core   unit + property + worked examples + no-panic (tests/), purity + wasm32 build
#   db     query modules against a fresh SQLite file (app/tests/db.rs)
#   http   the real server on 127.0.0.1:0 (server/tests/http/), and the services (server/tests/services/)
#   e2e    the real server + headless Chromium + axe-core (tests/e2e/e2e.mjs)
#   audit  cargo audit, when a copy of the RustSec advisory database is at hand
# Ends with one line "N passed, N failed" over all tiers.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/setup.sh --browser
source scripts/env.sh
logs=$(mktemp -d)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "format and lints"
cargo fmt --all --check
cargo clippy -q --workspace --all-targets -- -D warnings

step "core purity"
scripts/check-core-purity.sh

step "dependency audit (cargo audit against the RustSec advisory database)"
audit_db="${DOORBRAAK_ADVISORY_DB:-../shared/advisory-db}"
if [ -d "$audit_db" ]; then
  if DOORBRAAK_ADVISORY_DB="$audit_db" scripts/audit.sh; then
    echo "audit: 1 passed, 0 failed" >"$logs/audit.log"
  else
    echo "audit: 0 passed, 1 failed" >"$logs/audit.log"
  fi
else
  echo "NOT RUN: no advisory database at $audit_db; this machine cannot fetch one (README, Security)."
  : >"$logs/audit.log"
fi

step "cargo test --workspace (core, db, http)"
cargo test --workspace 2>&1 | tee "$logs/cargo.log"

step "build front end and server"
scripts/build.sh dev

step "end-to-end in headless Chromium"
db_dir=$(mktemp -d)
DOORBRAAK_DATABASE="$db_dir/e2e.db" DOORBRAAK_ADDR=127.0.0.1:0 DOORBRAAK_SITE_ROOT=target/site DOORBRAAK_LOG=warn \
  "$CARGO_TARGET_DIR/debug/doorbraak" serve --demo >"$logs/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  url=$(sed -n 's/^Doorbraak draait op \(http:[^ ]*\)$/\1/p' "$logs/server.log")
  [ -n "$url" ] && break
  kill -0 $server_pid 2>/dev/null || { cat "$logs/server.log"; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "the server did not start"; cat "$logs/server.log"; exit 1; }
(cd tests/e2e && E2E_BASE_URL="$url" node e2e.mjs) 2>&1 | tee "$logs/e2e.log"
kill $server_pid; wait $server_pid 2>/dev/null || true

count() { awk -v field="$1" '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ "^" field) n += $i }
  /^(e2e|audit):/ { for (i = 1; i <= NF; i++) if ($(i+1) ~ "^" field) n += $i } END { print n + 0 }' "$logs/cargo.log" "$logs/e2e.log" "$logs/audit.log"; }
passed=$(count passed)
failed=$(count failed)
step "done"
echo "all tiers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Sets up what is missing, builds, and runs Doorbraak on the embedded SQLite
# database (data/doorbraak.db) with demo data, on http://127.0.0.1:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh dev
source scripts/env.sh
export DOORBRAAK_SITE_ROOT="${DOORBRAAK_SITE_ROOT:-target/site}"
exec "$CARGO_TARGET_DIR/debug/doorbraak" serve --demo

#!/usr/bin/env bash
# Checks Cargo.lock against the RustSec advisory database with cargo audit.
# This project's machines reach no advisory database on the internet, so the
# database is a local copy of rustsec/advisory-db: DOORBRAAK_ADVISORY_DB, or
# ../shared/advisory-db when the product side provides one there.
# Exit codes: 0 clean, 1 an advisory applies, 3 no database to check against.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
db="${DOORBRAAK_ADVISORY_DB:-../shared/advisory-db}"
if [ ! -d "$db" ]; then
  echo "cargo audit: no advisory database at $db (set DOORBRAAK_ADVISORY_DB)" >&2
  exit 3
fi
if [ "$(cargo audit --version 2>/dev/null | awk '{print $2}')" != "0.22.2" ]; then
  echo "== cargo install cargo-audit 0.22.2 (about 8 minutes, once)"
  cargo install cargo-audit --version 0.22.2 --locked
fi
# Ignored advisories, each with its reason, are in .cargo/audit.toml.
cargo audit --db "$db" --no-fetch --deny warnings

#!/usr/bin/env bash
# Makes the upgrade fixture of a release: the lived demo database that the
# release's own code writes, as a gzipped SQL dump, for the test that
# migrates it with every later migration (server/tests/http/upgrade.rs).
#   scripts/make-upgrade-fixture.sh COMMIT NAME
# e.g. scripts/make-upgrade-fixture.sh 7e3dd3a release-0012
set -euo pipefail
commit=${1:?a commit of the release}
name=${2:?a name such as release-0012}
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/env.sh"
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q "$work/src" "$commit"
(cd "$work/src" && cargo build -q -p server --bin doorbraak)
cp "$CARGO_TARGET_DIR/debug/doorbraak" "$work/doorbraak"
# The shared build directory now holds the release's crates under the same
# names; newer sources make cargo build this checkout's again.
find "$root/src" "$root/app" "$root/server" -name '*.rs' -exec touch {} +
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DOORBRAAK_DATABASE="$work/release.db" DOORBRAAK_ADDR="127.0.0.1:$port" DOORBRAAK_LOG=warn \
  "$work/doorbraak" serve --demo >"$work/log" 2>&1 &
server=$!
for _ in $(seq 1 300); do grep -q draait "$work/log" && break; sleep 1; done
kill "$server"; wait "$server" 2>/dev/null || true
sqlite3 "$work/release.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
sqlite3 "$work/release.db" .dump | gzip -9 >"$root/server/tests/fixtures/$name.sql.gz"
echo "server/tests/fixtures/$name.sql.gz written from $commit"

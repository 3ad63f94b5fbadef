#!/usr/bin/env bash
# The domain core must stay pure: no runtime, database, web framework or UI in
# its dependency tree, and it must build for wasm32 (the browser computes the
# live return with the same code).
set -euo pipefail
cd "$(dirname "$0")/.."
tree=$(cargo tree -p doorbraak -e normal --prefix none)
bad=$(grep -E '^(tokio|sqlx|axum|leptos|hyper|reqwest|mio)[ -]' <<<"$tree" || true)
if [ -n "$bad" ]; then
  echo "core purity: FAILED, the core depends on:"; echo "$bad"; exit 1
fi
cargo build -q -p doorbraak --lib --target wasm32-unknown-unknown
echo "core purity: $(wc -l <<<"$tree") crates in the core's tree, none forbidden; wasm32 build ok"

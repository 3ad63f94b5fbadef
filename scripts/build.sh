#!/usr/bin/env bash
# Builds Doorbraak: the browser part (app → wasm32 with `hydrate`, then
# wasm-bindgen, and the CSS) into target/site, and the server binary.
# Usage: scripts/build.sh [dev|release]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
profile="${1:-dev}"
site="target/site"

if [ "$profile" = release ]; then
  front_profile=wasm-release; server_flags=(--release); wasm_dir=wasm-release
else
  front_profile=dev; server_flags=(); wasm_dir=debug
fi

cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile "$front_profile"
mkdir -p "$site/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" --out-name doorbraak \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$wasm_dir/app.wasm"
mv "$site/pkg/doorbraak_bg.wasm" "$site/pkg/doorbraak.wasm"
if [ "$profile" = release ]; then
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$site/pkg/doorbraak.wasm" -o "$site/pkg/doorbraak.wasm"
fi
# Only the NL Design System components in use, and the tokens they refer to.
node style/build.mjs "$site/pkg/doorbraak.css"

cargo build -p server "${server_flags[@]}"

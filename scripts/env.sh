# Shared settings for the scripts (sourced, not run).
# Build output is kept outside the clone so a fresh clone reuses it; cargo
# tracks what changed, so this is safe across clones of the same repository.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/doorbraak/target}"
export PATH="$HOME/.cargo/bin:$PWD/tests/e2e/node_modules/.bin:$PATH"
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
export WASM_BINDGEN_VERSION
# CI builds a fresh clone once: incremental artifacts would only fill the disk.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi

#!/usr/bin/env bash
# The second command of the README: every test. Formatting and lints (native and
# wasm32, and actionlint on the GitHub workflows), the native tests, the bindings' tests
# in headless Chromium, then the page's end-to-end tests against a fresh build. It starts
# with scripts/setup.sh, which only installs what this machine lacks (seconds when
# nothing is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

step() { echo; echo "== $*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "GitHub workflows (actionlint)"
node scripts/lint-workflows.mjs

step "cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
# Only the library: the CLI binary is native-only. `--profile test` includes its tests.
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --profile test -- -D warnings
# The page's own module: no importers (see Cargo.toml's features).
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings

step "native tests"
cargo test
cargo build --release --bin coopai

step "wasm bindings in headless Chromium"
# The runner drives Chromium through chromedriver with the options in webdriver.json.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER="$(command -v chromedriver)" \
    cargo test --target wasm32-unknown-unknown --lib

step "page end-to-end tests"
bash scripts/build.sh
npm test  # package.json: node --test, one file at a time (they share two cores)

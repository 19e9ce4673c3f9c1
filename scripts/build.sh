#!/usr/bin/env bash
# Builds the wasm bindings into pkg/ (and pkg/import/) and assembles the static site in
# target/site/ (www/ plus pkg/), which is what serve.sh serves and the Pages workflow publishes.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"
wasm="$target_dir/wasm32-unknown-unknown/wasm/coopai.wasm"
site=target/site

# `cargo rustc --crate-type cdylib` applies the release profile's LTO, which plain
# `cargo build` skips for a crate that is both cdylib and rlib.
# The `wasm` profile (Cargo.toml) optimises for size: 115 KiB gzipped (docs/page.md, "Size").
# Built twice: the page's wasm, which solves (zoo names and project JSON only), into
# pkg/, and with the importers (Darknet, Keras / TF.js, ONNX) into pkg/import/, which the
# page's worker loads when a model is first pasted, opened or read from a link.
build() {
    local out=$1
    shift
    cargo rustc --quiet --lib --profile wasm --target wasm32-unknown-unknown --crate-type cdylib "$@"
    wasm-bindgen --target web --no-typescript --out-dir "$out" "$wasm"
    # The features rustc enables by default for wasm32, so wasm-opt keeps them;
    # --converge repeats -Oz while it still shrinks the module (0.3 KB gzipped, 3 s).
    node_modules/.bin/wasm-opt -Oz --converge \
        --enable-bulk-memory --enable-multivalue --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext \
        "$out/coopai_bg.wasm" -o "$out/coopai_bg.wasm"
}
build pkg --no-default-features
build pkg/import

rm -rf "$site"
mkdir -p "$site/pkg/import"
cp -r www/. "$site/"
cp pkg/coopai.js pkg/coopai_bg.wasm "$site/pkg/"
cp pkg/import/coopai.js pkg/import/coopai_bg.wasm "$site/pkg/import/"
echo "build: site in $site ($(wc -c <"$site/pkg/coopai_bg.wasm") bytes of wasm)"

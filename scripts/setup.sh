#!/usr/bin/env bash
# Installs what building and testing the page needs and is missing: the wasm32 target,
# rustfmt and clippy, the wasm-bindgen CLI matching Cargo.lock, Chromium with its
# driver, node, and the npm tools (wasm-opt, playwright-core). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }

# The CLI must match the wasm-bindgen crate exactly, so read the version from the lock.
bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

want="$(bindgen_version)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
    # Without --locked: a locked dependency of the CLI is not on the reachable registry.
    say "installing wasm-bindgen-cli $want (found '${have:-none}'), about 2 minutes"
    cargo install wasm-bindgen-cli --version "$want" --force
fi

# Debian's chromium and its driver for the wasm tests and the page tests; python3 serves.
# SETUP_BROWSER=0 skips them where only the site is built (the Pages workflow).
if [ "${SETUP_BROWSER:-1}" != 0 ]; then
    command -v chromium >/dev/null && command -v chromedriver >/dev/null || apt_install chromium chromium-driver
fi
command -v python3 >/dev/null || apt_install python3
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm

# wasm-opt from npm's binaryen: Debian's older one breaks the externref table.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm tools"
    npm ci --no-audit --no-fund --loglevel=error
fi
say "ready"

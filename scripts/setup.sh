#!/usr/bin/env bash
# Installs what building and testing the page needs and is missing: the wasm32 target,
# rustfmt and clippy, the wasm-bindgen CLI matching Cargo.lock, Chromium with its
# driver, node, and the npm tools (wasm-opt, playwright-core). Safe to run again.
# A tool that is there but too old stops it at once, with one line that says which tool,
# the version found, the version needed and how to get it: better than an engine error
# ten minutes later, far from the cause.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }

# `at_least FOUND NEEDED`: true when version FOUND (dotted numbers) is NEEDED or newer.
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

# `require TOOL FOUND NEEDED HOW`: stops with one line when FOUND is older than NEEDED.
require() {
    if ! at_least "$2" "$3"; then
        echo "setup: $1 $2 is too old: this project needs $1 $3 or newer; $4" >&2
        exit 1
    fi
}

# The versions this project needs, each read from the file that imposes it.
node_needed=$(sed -n 's/.*"node": *">=\([0-9.]*\)".*/\1/p' package.json)
rust_needed=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
node_how="install Node $node_needed+ with 'npm install -g node@$node_needed' (a Node binary from the npm registry) or your distribution's newer nodejs package (Debian 13, Ubuntu 24.10 and later), then run this again"

# Checked first, before anything slow: an old Node on PATH fails within seconds.
if command -v node >/dev/null; then
    require node "$(node --version | tr -d v)" "$node_needed" "$node_how"
fi
if command -v rustc >/dev/null; then
    require rustc "$(rustc --version | awk '{print $2}')" "$rust_needed" "run 'rustup update stable' (Rust from rustup.rs; Debian's rustc is older)"
else
    echo "setup: rustc not found: this project needs Rust $rust_needed or newer from rustup (rustup.rs), which also brings cargo and rustup" >&2
    exit 1
fi

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
if [ "${SETUP_BROWSER:-1}" != 0 ]; then
    # chromedriver drives only the Chromium of its own major version.
    browser_major=$(chromium --version 2>/dev/null | awk '{print $2}' | cut -d. -f1)
    driver_major=$(chromedriver --version | awk '{print $2}' | cut -d. -f1)
    if [ "$browser_major" != "$driver_major" ]; then
        echo "setup: chromedriver $driver_major does not match chromium $browser_major: the driver needs the browser of its own major version; run 'apt-get install --only-upgrade chromium chromium-driver' so both come from one release" >&2
        exit 1
    fi
fi
command -v python3 >/dev/null || apt_install python3
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
    require node "$(node --version | tr -d v)" "$node_needed" "$node_how"
fi

# wasm-opt from npm's binaryen: Debian's older one breaks the externref table.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm tools"
    npm ci --no-audit --no-fund --loglevel=error
fi
say "ready"

#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, and serves the
# page on http://127.0.0.1:8000/ until interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
port="${PORT:-8000}"
echo
echo "Serving the CoopAI page on http://127.0.0.1:$port/ (Ctrl-C stops it)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory target/site

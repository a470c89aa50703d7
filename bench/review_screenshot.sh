#!/usr/bin/env bash
# Rebuild docs/review-page.png: seed 004's review page (unspin explain --html) in headless
# Chromium (Debian's chromium package). Run from the repository root after the restore
# engine changes what seed 004 gets.
set -euo pipefail
cd "$(dirname "$0")/.."
page="$(mktemp -d)/review-page.html"
unspin explain --html seeds/004_0829a57a15649cb0.txt -o "$page"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$(mktemp -d)" --window-size=1000,1000 \
    --screenshot="$PWD/docs/review-page.png" "file://$page" 2>/dev/null
ls -l docs/review-page.png

#!/usr/bin/env bash
# Remakes the web view's screenshots in docs/ (linked from the README) with headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
/usr/bin/python3 -B Tests/web/screenshots.py "$(swift build --show-bin-path)/rollout-gateway" "$PWD"

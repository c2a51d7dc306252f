#!/usr/bin/env bash
# Renders every picture in docs/screenshots from real sessions on the demo brokerage (what
# `crm-server --seed-demo` creates), at full (1600 x 900) and half (800 x 900) screen width, in
# the light and the dark theme: the [screenshots] test cases of test_desktop_screenshots (build
# it first: cmake --build build --target test_desktop_screenshots).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CRM_BUILD_DIR:-$root/build}"
shots="$root/docs/screenshots"
mkdir -p "$shots"
CRM_SCREENSHOT_DIR="$shots" xvfb-run -a -s '-screen 0 1920x1080x24' \
    "$build/tests/test_desktop_screenshots" "[screenshots]"
echo "Screenshots written to $shots"

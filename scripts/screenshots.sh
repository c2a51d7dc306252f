#!/usr/bin/env bash
# Renders the screenshots in docs/screenshots from real sessions against real servers:
# the two demo windows (via run-demo.sh under Xvfb) and the dialogs (the [screenshots] GUI test).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CRM_BUILD_DIR:-$root/build}"
shots="$root/docs/screenshots"
# A fresh demo brokerage, so the pictures show a first run.
rm -rf "$root/demo-output"
env -u DISPLAY -u WAYLAND_DISPLAY "$root/scripts/run-demo.sh"
cp "$root/demo-output/crm-desktop-alex.png" "$shots/main-window-alex.png"
cp "$root/demo-output/crm-desktop-sam.png" "$shots/main-window-sam.png"
CRM_SCREENSHOT_DIR="$shots" xvfb-run -a -s '-screen 0 1280x800x24' \
    "$build/tests/test_desktop" "[screenshots]"
echo "Screenshots written to $shots"

#!/usr/bin/env bash
# The README's second command: installs what is missing, builds, runs the whole suite.
# Ends with ctest's summary line; exits non-zero when anything failed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CRM_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$build"
# GUI tests run offscreen; --no-tests=error makes an empty suite a failure, not a pass.
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --parallel 2 --no-tests=error "$@"

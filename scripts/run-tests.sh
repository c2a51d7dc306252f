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
# pg_virtualenv starts a throwaway PostgreSQL cluster for the storage tests (PG* variables) and
# drops it afterwards; CRM_REQUIRE_POSTGRES makes its absence a failure instead of a warning.
# Its own status lines are filtered out, and ctest's exit status travels through a file (a
# failing command would make pg_virtualenv print the server's logs), so that ctest's summary
# stays the last word either way.
export QT_QPA_PLATFORM=offscreen CRM_REQUIRE_POSTGRES=1
status_file=$(mktemp)
trap 'rm -f "$status_file"' EXIT
export CRM_CTEST_STATUS="$status_file"
pg_virtualenv bash -c 'ctest --output-on-failure --parallel 2 --no-tests=error "$@"; echo $? > "$CRM_CTEST_STATUS"' \
    ctest "$@" | grep --line-buffered -v -E '^(Creating new PostgreSQL cluster|Dropping cluster) '
# No status at all means pg_virtualenv never ran ctest: that is a failure too.
status=$(cat "$status_file" 2>/dev/null)
exit "${status:-1}"

#!/usr/bin/env bash
# The README's second command: installs what is missing, builds, runs the whole suite twice:
# first in the normal build (build/), then in a second build folder (build-asan/) compiled with
# AddressSanitizer and UndefinedBehaviorSanitizer, where a use after free, undefined behaviour or
# a leak fails the test that caused it. Then the packaging checks (ctest label "packaging"): the
# Debian packages installed, upgraded and purged in a clean Debian 12 and the AppDir run there,
# the client-only build (its two programs), the MSI source and the CI workflow.
# Ends with ctest's summary line (of the packaging run); exits non-zero when anything failed.
# CRM_SANITIZERS=0 skips the sanitizer run, CRM_PACKAGING=0 the packaging run (a quicker loop).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CRM_BUILD_DIR:-$root/build}"
asan_build="${CRM_ASAN_BUILD_DIR:-$root/build-asan}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

# GUI tests run offscreen; --no-tests=error makes an empty suite a failure, not a pass.
# pg_virtualenv starts a throwaway PostgreSQL cluster for the storage tests (PG* variables) and
# drops it afterwards; CRM_REQUIRE_POSTGRES makes its absence a failure instead of a warning.
# Its own status lines are filtered out, and ctest's exit status travels through a file (a
# failing command would make pg_virtualenv print the server's logs), so that ctest's summary
# stays the last word either way.
export QT_QPA_PLATFORM=offscreen CRM_REQUIRE_POSTGRES=1
# A test that fails is run once more (the CI machine is shared and its timing noisy), but every
# failure, passed on retry or not, is named again just before the last summary: a flaky test is
# a defect to fix, and the tail of the log is what a CI report shows.
status_file=$(mktemp)
failures_file=$(mktemp)
log_file=$(mktemp)
trap 'rm -f "$status_file" "$failures_file" "$log_file"' EXIT
export CRM_CTEST_STATUS="$status_file"
run_suite() { # build folder, then ctest's own arguments
    local dir=$1
    shift
    : > "$status_file"
    (cd "$dir" && pg_virtualenv bash -c \
        'ctest --output-on-failure --parallel 2 --no-tests=error --repeat until-pass:2 "$@"; echo $? > "$CRM_CTEST_STATUS"' \
        ctest "$@") | grep --line-buffered -v -E '^(Creating new PostgreSQL cluster|Dropping cluster) ' |
        tee "$log_file"
    grep -E '^[0-9/ ]*Test +#[0-9]+: .*(Failed|Timeout|Exception|Not Run)' "$log_file" |
        sed -E -e "s|^[0-9/ ]*|run-tests: in $(basename "$dir"): |" -e 's/ \.{3,}/ /' >> "$failures_file" || true
    # No status at all means pg_virtualenv never ran ctest: that is a failure too.
    local status
    status=$(cat "$status_file" 2>/dev/null)
    return "${status:-1}"
}

normal=0
run_suite "$build" --label-exclude packaging "$@" || normal=$?
sanitized=0
if [ "${CRM_SANITIZERS:-1}" != "0" ]; then
    echo "run-tests: the suite again under AddressSanitizer and UndefinedBehaviorSanitizer" \
         "($( [ "$normal" = 0 ] && echo "normal run passed" || echo "normal run FAILED: $normal" ))"
    CRM_BUILD_DIR="$asan_build" "$root/scripts/build.sh" --sanitize
    # Leaks are reported at exit and fail the test; third-party libraries' own leaks
    # (fontconfig, GLib, D-Bus) are suppressed by name. UBSan stops at the first report.
    (
        export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0"
        export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
        export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
        run_suite "$asan_build" "$@"
    ) || sanitized=$?
fi
packaging=0
if [ "${CRM_PACKAGING:-1}" != "0" ]; then
    echo "run-tests: the packaging checks" \
         "(normal run: $( [ "$normal" = 0 ] && echo passed || echo "FAILED $normal" )," \
         "sanitizer run: $( [ "$sanitized" = 0 ] && echo "passed or skipped" || echo "FAILED $sanitized" ))"
    [ -s "$failures_file" ] && cat "$failures_file"
    (cd "$build" && ctest --output-on-failure --parallel 2 --no-tests=error --label-regex '^packaging$') ||
        packaging=$?
fi
for status in "$normal" "$sanitized" "$packaging"; do
    [ "$status" = 0 ] || exit "$status"
done

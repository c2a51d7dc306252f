#!/usr/bin/env bash
# The client side alone, as the Windows and macOS builds make it: configures build-client/ with
# -DCRM_BUILD_SERVER=OFF (no libsodium, libjwt or QtHttpServer looked for), builds crm-desktop,
# crm-cli and their tests, checks that nothing of the server's got in, and runs those tests.
# --programs: crm-desktop and crm-cli only, each run once (--version); what the packaging check
# of run-tests.sh does, to stay inside CI's time (the same client tests run in the normal build
# here, and in this configuration on each OS of the workflow).
# Usage: scripts/build-client-only.sh [--programs] [BUILD_DIR]   (default: build-client/)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
programs_only=0
if [ "${1:-}" = "--programs" ]; then
    programs_only=1
    shift
fi
build=${1:-${CRM_CLIENT_BUILD_DIR:-$root/build-client}}
fail() { printf 'build-client-only: FAILED: %s\n' "$*" >&2; exit 1; }

if [ ! -f "$build/CMakeCache.txt" ]; then
    # Unoptimised and without debug information: this build proves the configuration builds
    # and its tests pass, and compiles in about half the time on CI's two cores.
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g0" \
        -DCRM_WERROR=ON \
        -DCRM_BUILD_SERVER=OFF -DCRM_BUILD_BENCH=OFF -DCRM_BUILD_FUZZ=OFF >/dev/null
fi
if [ "$programs_only" = 1 ]; then
    cmake --build "$build" --parallel "$(nproc)" --target crm-desktop crm-cli
else
    cmake --build "$build" --parallel "$(nproc)"
fi

# The server's libraries were never looked for, and no program links them.
if grep -E '^(SODIUM|JWT)_FOUND|^Qt6HttpServer_DIR:PATH=/' "$build/CMakeCache.txt"; then
    fail "the client-only configuration looked for the server's libraries"
fi
[ ! -e "$build/server" ] || fail "the client-only build has a server/ folder"
for program in crm-desktop crm-cli; do
    [ -x "$build/app/$program" ] || fail "$program was not built"
    if ldd "$build/app/$program" | grep -E 'libsodium|libjwt|libQt6HttpServer'; then
        fail "$program links a server library"
    fi
done
echo "build-client-only: crm-desktop and crm-cli built without the server's libraries"
if [ "$programs_only" = 1 ]; then
    for program in crm-desktop crm-cli; do
        QT_QPA_PLATFORM=offscreen "$build/app/$program" --version | grep -q "^$program " ||
            fail "$program --version did not answer"
    done
    echo "build-client-only: both programs run"
    exit 0
fi

cd "$build"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --parallel "$(nproc)" --no-tests=error

#!/usr/bin/env bash
# Configures (once) and builds everything into build/, warnings as errors.
# --sanitize: a build with AddressSanitizer and UndefinedBehaviorSanitizer instead (used by
# run-tests.sh in build-asan/): optimised a little for speed, no benchmarks or fuzz targets.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CRM_BUILD_DIR:-$root/build}"
if [ ! -f "$build/CMakeCache.txt" ]; then
    if [ "${1:-}" = "--sanitize" ]; then
        cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
            -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCRM_WERROR=ON -DCRM_SANITIZE=ON \
            -DCRM_BUILD_BENCH=OFF -DCRM_BUILD_FUZZ=OFF
    else
        cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRM_WERROR=ON
    fi
fi
cmake --build "$build" --parallel "$(nproc)"

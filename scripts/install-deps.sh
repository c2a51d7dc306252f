#!/usr/bin/env bash
# Installs what is missing on Debian 12 (apt packages, then the npm interop peers from their
# lockfile). Idempotent: a second run checks and returns in about a second.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

packages=(
    # toolchain (lld links the 70 test programs several times faster than ld.bfd)
    build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format lld
    # Qt 6.4 and friends
    qt6-base-dev qt6-websockets-dev qt6-httpserver-dev qtkeychain-qt6-dev qt6-l10n-tools qt6-tools-dev
    libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 libsodium-dev libjwt-dev
    # tests: Catch2, a display server for GUI runs, keyring for QtKeychain, PostgreSQL (its
    # pg_virtualenv gives every test run a throwaway cluster)
    catch2 xvfb xauth dbus gnome-keyring libsecret-1-0 postgresql openssl
    # the cluster: Redis carries changes and presence between nodes (hiredis is its C client),
    # nginx balances the nodes; the tests start both on free loopback ports
    redis-server libhiredis-dev nginx
    # packaging: icons, manual pages, the Debian packages' checks in a clean system
    # (scripts/test-packages.sh), the AppDir, the MSI source (wixl) and the CI workflow's lint
    librsvg2-bin icoutils icnsutils help2man lintian mmdebstrap piuparts appstream
    desktop-file-utils patchelf imagemagick wixl msitools xsltproc yamllint
)
# Node.js may come from elsewhere on the machine; only install Debian's when there is none.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# promtool checks crm-server's /metrics. It comes only inside Debian's prometheus package, whose
# installation would also start a Prometheus server: only the tool is taken out of the package,
# into .tools/ (ignored by git).
if [ ! -x "$root/.tools/bin/promtool" ]; then
    echo "install-deps: taking promtool out of Debian's prometheus package"
    scratch=$(mktemp -d)
    (cd "$scratch" && apt-get download prometheus >/dev/null 2>&1 ||
        { as_root apt-get update -q && apt-get download prometheus; })
    dpkg-deb -x "$scratch"/prometheus_*.deb "$scratch/root"
    install -D -m 755 "$scratch/root/usr/bin/promtool" "$root/.tools/bin/promtool"
    rm -rf "$scratch"
fi

# The npm packages of the interop peers and of the example agent, each from its lockfile.
for dir in "$root/tests/interop" "$root/examples/agent" "$root/examples/notes-peer"; do
    stamp="$dir/node_modules/.package-lock.json"
    if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
        echo "install-deps: installing the npm packages of ${dir#"$root"/}"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
done

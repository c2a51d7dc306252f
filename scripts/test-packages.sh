#!/usr/bin/env bash
# Checks what a user installs, the way they get it, in a clean Debian 12 made here:
#  1. builds the three Debian packages from build/ (cpack) and lints them (lintian: no error;
#     the desktop entry and AppStream metainfo validated, icons and manual pages present);
#  2. assembles the AppDir (packaging/appimage/build-appdir.sh);
#  3. makes a clean Debian 12 with mmdebstrap (minbase, from Debian's mirror) holding only the
#     libraries any desktop has (X11, GL, fontconfig), and there, with no Qt installed, runs the
#     AppDir's crm-desktop and crm-cli, and screenshots the window signed in to a demo server;
#  4. installs the packages as an older version, then upgrades to these, with
#     `apt-get install --no-install-recommends`; verifies the installed systemd unit; starts crm-server with the demo brokerage, signs
#     in and lists with crm-cli, screenshots crm-desktop under Xvfb and checks the PNG is not
#     blank; then purges everything and checks that nothing is left behind;
#  5. piuparts: install and purge in its own clean system.
# Needs root (chroot, mounts). Output in build/package-test/ (screenshots included).
# Usage: scripts/test-packages.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-${CRM_BUILD_DIR:-$root/build}}" && pwd)
work=$build/package-test
mirror=${CRM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
app_id=org.crmdesktop.CrmDesktop
say() { printf '\n== test-packages: %s\n' "$*"; }
fail() { printf 'test-packages: FAILED: %s\n' "$*" >&2; exit 1; }

# 77: skipped (ctest reports it as such), for a developer's machine without root or network.
skip() { printf 'test-packages: SKIPPED: %s\n' "$*" >&2; exit 77; }
if [ "$(id -u)" -ne 0 ]; then
    # chroot and mounts need root: a sudoer without a password prompt goes on as root.
    sudo -n true 2>/dev/null || skip "needs root (chroot and mounts): run it as root or with sudo"
    exec sudo -n -E "$0" "$build"
fi
python3 - "$mirror" <<'PY' || skip "the Debian mirror $mirror cannot be reached"
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/dists/bookworm/Release", timeout=20).read(1)
PY
for tool in cpack lintian mmdebstrap piuparts appstreamcli desktop-file-validate \
            systemd-analyze Xvfb identify patchelf dpkg-deb python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps.sh installs it)"
done

rootfs=$work/rootfs
mounted=()
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
in_root() { chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
# A screenshot with fewer colours than this is blank or an error box.
check_png() { # file, what
    [ -s "$1" ] || fail "$2: no screenshot"
    local colours
    colours=$(identify -format '%k' "$1")
    echo "$2: $1 ($(identify -format '%wx%h' "$1"), $colours colours)"
    [ "$colours" -ge 64 ] || fail "$2: the screenshot is blank ($colours colours)"
}
wait_for_line() { # file, pattern
    for _ in $(seq 150); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.2; done
    cat "$1" >&2
    fail "timed out waiting for '$2' in $1"
}

# A run killed half-way (a ctest timeout) leaves its bind mounts: undo them before deleting
# anything, and never let rm cross into another file system (/dev, /proc, /tmp/.X11-unix).
remove_tree() { # folder
    local mount_point
    while read -r mount_point; do
        umount -l "$mount_point" 2>/dev/null || true
    done < <(awk -v top="$1/" 'index($2, top) == 1 { print $2 }' /proc/self/mounts | sort -r)
    rm -rf --one-file-system "$1"
}
remove_tree "$work"
mkdir -p "$work/debs" "$work/shots"

say "building the Debian packages"
(cd "$build" && cpack -G DEB -B "$work/cpack" >/dev/null)
mv "$work"/cpack/*.deb "$work/debs/"
ls -1 "$work/debs"
for package in crm-desktop crm-cli crm-server; do
    ls "$work/debs/${package}_"*.deb >/dev/null 2>&1 || fail "no $package package"
done

say "lintian (errors fail; warnings are printed)"
lintian --fail-on error --no-tag-display-limit "$work"/debs/*.deb || fail "lintian reported errors"

say "the desktop entry, AppStream metainfo and systemd unit, as packaged"
extract=$work/extracted
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$extract"; done
desktop-file-validate "$extract/usr/share/applications/$app_id.desktop"
appstreamcli validate --no-net "$extract/usr/share/metainfo/$app_id.metainfo.xml"
for size in 16 32 48 128 256 512; do
    [ -s "$extract/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png" ] ||
        fail "no ${size}px icon in crm-desktop"
done
for program in crm-desktop crm-cli crm-server; do
    [ -s "$extract/usr/share/man/man1/$program.1.gz" ] || fail "no manual page for $program"
done
echo "desktop entry, metainfo, icons and manual pages: ok"

say "assembling the AppDir"
"$root/packaging/appimage/build-appdir.sh" "$build" "$work/AppDir"

say "a clean Debian 12 (mmdebstrap, minbase) with a desktop's own libraries only"
# The packages that hold the libraries the AppDir leaves to the host, found from this machine.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
host_packages=$(while read -r lib; do
                    soname=$(basename "$lib")
                    dpkg -S "*/$soname" | grep -E ": .*/$multiarch/$soname\$" | sed -n '1s/:.*//p'
                done < "$work/appdir-host-libs.txt" | sort -u | tr '\n' ',')
echo "host libraries from: ${host_packages%,}"
# systemd and man-db: to verify the installed unit (its ExecStart and its manual page).
mmdebstrap --quiet --variant=minbase --include="${host_packages}systemd,man-db" \
    --skip=cleanup/apt/lists \
    bookworm "$rootfs" "$mirror"
mount --bind /proc "$rootfs/proc" && mounted+=("$rootfs/proc")
mount --bind /dev "$rootfs/dev" && mounted+=("$rootfs/dev")
mount --bind /dev/pts "$rootfs/dev/pts" && mounted+=("$rootfs/dev/pts")
# The X server's socket folder, shared with the clean system. On a machine where no X server
# has run yet it does not exist: made as X makes it (world-writable, sticky).
install -d -m 1777 /tmp/.X11-unix
mkdir -p "$rootfs/tmp/.X11-unix"
mount --bind /tmp/.X11-unix "$rootfs/tmp/.X11-unix" && mounted+=("$rootfs/tmp/.X11-unix")
install -d -m 700 "$rootfs/tmp/runtime"
if in_root dpkg-query -W -f='${Package}\n' | grep -E '^libqt6|^qt6'; then
    fail "the clean system has Qt already"
fi

# One Xvfb on the host serves both runs (its socket is bound into the clean system).
exec {displayfd}<> <(:)
Xvfb -displayfd "$displayfd" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
read -r -t 30 display <&"$displayfd" || fail "Xvfb did not start"
exec {displayfd}>&-

# The demo server for the AppDir's run: this build's, on the host (the network is shared).
host_port=$(free_port)
"$build/server/crm-server" --data "$work/host-server" --seed-demo --port "$host_port" \
    > "$work/host-server.log" 2>&1 &
pids+=($!)
wait_for_line "$work/host-server.log" "listening"
token=$("$build/server/crm-server" --data "$work/host-server" token issue alex@harbor.demo)

say "the AppDir in the clean system, without Qt"
cp -a "$work/AppDir" "$rootfs/opt/AppDir"
missing=$(in_root sh -c 'for f in /opt/AppDir/usr/bin/* /opt/AppDir/usr/lib/*.so* \
                          $(find /opt/AppDir/usr/plugins -name "*.so"); do
                          case $f in *qt.conf) continue;; esac; ldd "$f"; done' | grep 'not found' || true)
[ -z "$missing" ] || fail "the AppDir misses libraries: $missing"
in_root /opt/AppDir/AppRun --version
in_root /opt/AppDir/AppRun crm-cli --version
in_root /usr/bin/env DISPLAY=":$display" XDG_RUNTIME_DIR=/tmp/runtime /opt/AppDir/AppRun \
    --server "http://127.0.0.1:$host_port" --token "$token" --profile /tmp/appdir-profile \
    --geometry 1200x760+0+0 --screenshot /tmp/appdir.png --screenshot-delay 5000
cp "$rootfs/tmp/appdir.png" "$work/shots/appdir-crm-desktop.png"
check_png "$work/shots/appdir-crm-desktop.png" "AppDir crm-desktop"

say "upgrading from the one package of 0.1.0, through these packages at an older version"
mkdir -p "$rootfs/tmp/debs/monolith" "$rootfs/tmp/debs/previous" "$work/repack"
# Up to 0.1.0 one crm-desktop package held all three programs: the new crm-cli and crm-server
# take their files over (Replaces/Breaks) without dpkg refusing to overwrite them.
monolith=$work/repack/monolith
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$monolith"; done
rm -rf "$monolith/etc" "$monolith/lib" # the old package had no service
mkdir -p "$monolith/DEBIAN"
depends=$(for deb in "$work"/debs/*.deb; do dpkg-deb -f "$deb" Depends; done |
          tr ',' '\n' | sed 's/^ *//' | grep -v '^adduser' | sort -u | paste -sd, | sed 's/,/, /g')
cat > "$monolith/DEBIAN/control" <<CONTROL
Package: crm-desktop
Version: 0.1.0
Architecture: amd64
Maintainer: crm-desktop maintainers <maintainers@crmdesktop.org>
Depends: $depends
Description: Native real-time collaboration client and server for real-estate CRMs
 The single package of releases up to 0.1.0.
CONTROL
dpkg-deb --root-owner-group -b "$monolith" "$rootfs/tmp/debs/monolith/" >/dev/null
for deb in "$work"/debs/*.deb; do
    # These packages under an older version: the next upgrade runs every maintainer script's
    # upgrade path (prerm upgrade, postinst configure with the old version).
    unpacked=$work/repack/$(basename "$deb" .deb)
    dpkg-deb -R "$deb" "$unpacked"
    sed -i -E 's/^Version: (.*)$/Version: 0.1.0-1~previous/' "$unpacked/DEBIAN/control"
    dpkg-deb --root-owner-group -b "$unpacked" "$rootfs/tmp/debs/previous/" >/dev/null
done
cp "$work"/debs/*.deb "$rootfs/tmp/debs/"
in_root apt-get update -qq
for step in monolith previous; do
    in_root sh -c "apt-get install -y -qq --no-install-recommends /tmp/debs/$step/*.deb" \
        > "$work/apt-$step.log" 2>&1 || { cat "$work/apt-$step.log"; fail "installing $step"; }
done
in_root sh -c 'apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb' \
    > "$work/apt-new.log" 2>&1 || { cat "$work/apt-new.log"; fail "upgrading to these packages"; }
in_root dpkg-query -W crm-desktop crm-cli crm-server
for package in crm-desktop crm-cli crm-server; do
    version=$(in_root dpkg-query -W -f='${Version}' "$package")
    [ "$version" = "0.1.0-1" ] || fail "$package is at $version, not 0.1.0-1"
done
in_root getent passwd crm-server >/dev/null || fail "crm-server's system user was not made"
[ -L "$rootfs/etc/systemd/system/multi-user.target.wants/crm-server.service" ] ||
    fail "crm-server.service is not enabled"
verify=$(in_root systemd-analyze verify crm-server.service 2>&1 || true)
[ -z "$verify" ] || fail "systemd-analyze verify crm-server.service: $verify"
echo "systemd-analyze verify crm-server.service: clean"

say "the installed crm-server, crm-cli and crm-desktop"
port=$(free_port)
# chroot execs env, which execs crm-server: $! is the server itself (a function in the
# background would be a subshell, and killing it would leave the server running).
chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    crm-server --data /var/lib/crm-server --seed-demo --port "$port" > "$work/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
wait_for_line "$work/server.log" "listening"
in_root crm-server --version
printf 'demo-pass-2026\n' | in_root crm-cli --server "http://127.0.0.1:$port" --no-keychain \
    --profile /tmp/cli-profile login alex@harbor.demo
rows=$(in_root crm-cli --server "http://127.0.0.1:$port" --profile /tmp/cli-profile \
       list escrows | wc -l)
echo "crm-cli list escrows: $rows lines"
[ "$rows" -ge 20 ] || fail "crm-cli listed $rows escrows, expected the demo's 20"
link=$(in_root crm-cli link escrows "$(in_root crm-cli --server "http://127.0.0.1:$port" \
       --profile /tmp/cli-profile list escrows --json | python3 -c \
       'import json,sys; print(json.loads(sys.stdin.readline())["id"])')")
echo "crm-cli link: $link"
desk_token=$(in_root crm-server --data /var/lib/crm-server token issue sam@harbor.demo)
in_root /usr/bin/env DISPLAY=":$display" XDG_RUNTIME_DIR=/tmp/runtime crm-desktop \
    --server "http://127.0.0.1:$port" --token "$desk_token" --profile /tmp/desktop-profile \
    --geometry 1200x760+0+0 --screenshot /tmp/installed.png --screenshot-delay 5000 "$link" \
    2>&1 | tee "$work/desktop.log"
grep -q "crm.app.launch: opened \"escrows\"" "$work/desktop.log" ||
    fail "crm-desktop did not open the record of $link"
cp "$rootfs/tmp/installed.png" "$work/shots/installed-crm-desktop.png"
check_png "$work/shots/installed-crm-desktop.png" "installed crm-desktop"
kill "$server_pid" && wait "$server_pid" || true

say "purging: nothing may stay behind"
in_root apt-get purge -y -qq crm-desktop crm-cli crm-server > "$work/apt-purge.log"
left=$(cd "$rootfs" && ls -d usr/bin/crm-* usr/share/applications/$app_id.desktop \
       lib/systemd/system/crm-server.service var/lib/crm-server etc/crm-server \
       etc/systemd/system/multi-user.target.wants/crm-server.service 2>/dev/null || true)
[ -z "$left" ] || fail "left behind after purge: $left"
echo "purge: clean"

say "piuparts (install and purge in its own clean system)"
cleanup
mounted=()
pids=()
mmdebstrap --quiet --variant=minbase bookworm "$work/piuparts-base.tar.gz" "$mirror"
piuparts --basetgz="$work/piuparts-base.tar.gz" --distribution=bookworm \
    --mirror="$mirror main" --no-upgrade-test --warn-on-others \
    --tmpdir="$work" "$work"/debs/*.deb > "$work/piuparts.log" 2>&1 ||
    { tail -40 "$work/piuparts.log"; fail "piuparts"; }
grep -E "PASS" "$work/piuparts.log"
# The clean systems are large (about 1 GB); the logs and screenshots stay.
remove_tree "$rootfs"
rm -rf --one-file-system "$work/piuparts-base.tar.gz" "$work/AppDir" "$work/extracted" "$work/repack"
say "all package checks passed"

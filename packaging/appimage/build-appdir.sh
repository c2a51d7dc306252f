#!/usr/bin/env bash
# Assembles an AppDir for crm-desktop and crm-cli from a build folder: the two programs, the Qt
# libraries and plugins they load, every other library they need except those any Linux desktop
# provides itself (glibc, the GL and X11 client libraries, fontconfig/freetype, which must match
# the host's drivers and configuration), qt.conf, and rpaths set with patchelf so that nothing
# is looked up outside the AppDir. `appimagetool APPDIR` squashes it into a .AppImage (CI).
# Usage: build-appdir.sh BUILD_DIR APPDIR
# Prints the host-provided libraries it relied on to APPDIR/../appdir-host-libs.txt, so a test
# can install exactly those in a clean system.
set -euo pipefail
build=$(cd "$1" && pwd)
appdir=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
app_id=org.crmdesktop.CrmDesktop
for tool in patchelf ldd strip; do
    command -v "$tool" >/dev/null || { echo "build-appdir: $tool is missing" >&2; exit 2; }
done
# Qt's plugins: Debian's qtpaths6, an installer's qtpaths, or $QT_ROOT_DIR (CI's Qt).
qt_plugins=$(qtpaths6 --query QT_INSTALL_PLUGINS 2>/dev/null ||
             qtpaths --query QT_INSTALL_PLUGINS 2>/dev/null ||
             echo "${QT_ROOT_DIR:-/usr/lib/x86_64-linux-gnu/qt6}/plugins")

rm -rf "$appdir"
mkdir -p "$appdir/usr/bin" "$appdir/usr/lib" "$appdir/usr/plugins" \
         "$appdir/usr/share/applications" "$appdir/usr/share/metainfo"

# The host's part: a library whose soname matches is never copied.
host_provided='^(ld-linux.*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libnsl|libnss_.*|libGL|libEGL|libGLX|libGLdispatch|libOpenGL|libdrm|libgbm|libX11|libX11-xcb|libxcb|libXau|libXdmcp|libXext|libXrender|libfontconfig|libfreetype|libexpat|libz|libgcc_s)\.so'

install -m 755 "$build/app/crm-desktop" "$build/app/crm-cli" "$appdir/usr/bin/"
# Only what the app loads: the X11 and Wayland-less platforms, SQLite (the local copy), SVG
# (the icon), TLS (OpenSSL), compose keys for dead keys and accents, network status.
plugins=(platforms/libqxcb.so platforms/libqoffscreen.so platforms/libqminimal.so
         xcbglintegrations/libqxcb-glx-integration.so xcbglintegrations/libqxcb-egl-integration.so
         sqldrivers/libqsqlite.so imageformats/libqsvg.so imageformats/libqjpeg.so
         imageformats/libqico.so iconengines/libqsvgicon.so tls/libqopensslbackend.so
         tls/libqcertonlybackend.so platforminputcontexts/libcomposeplatforminputcontextplugin.so
         networkinformation/libqnetworkmanager.so)
for plugin in "${plugins[@]}"; do
    [ -f "$qt_plugins/$plugin" ] || { echo "build-appdir: missing Qt plugin $plugin" >&2; exit 1; }
    mkdir -p "$appdir/usr/plugins/$(dirname "$plugin")"
    install -m 755 "$qt_plugins/$plugin" "$appdir/usr/plugins/$plugin"
done

# Loaded with dlopen, which ldd cannot see: OpenSSL by the TLS plugin, libsecret by QtKeychain
# (bundled with the GLib the AppDir already carries, so the two always match).
extra_libs=(libssl.so.3 libcrypto.so.3 libsecret-1.so.0)

declare -A seen=()
: > "$appdir/../appdir-host-libs.txt"
copy_dependencies() { # ELF file
    local path name
    local missing
    missing=$(ldd "$1" | awk '/not found/ { print $1 }')
    [ -z "$missing" ] || { echo "build-appdir: $1 needs $missing, which is not installed" >&2; exit 1; }
    while read -r name path; do
        [ -n "$path" ] || continue
        if [[ $name =~ $host_provided ]]; then
            echo "$path" >> "$appdir/../appdir-host-libs.txt"
            continue
        fi
        [ -n "${seen[$name]:-}" ] && continue
        seen[$name]=1
        install -m 644 "$(readlink -f "$path")" "$appdir/usr/lib/$name"
    done < <(ldd "$1" | awk '/=>/ { print $1, $3 }')
}
for lib in "${extra_libs[@]}"; do
    # awk reads to the end: an early exit would kill ldconfig with SIGPIPE (fatal under pipefail).
    path=$(ldconfig -p | awk -v n="$lib" '$1 == n && /x86-64/ && !found { print $NF; found = 1 }')
    [ -n "$path" ] || { echo "build-appdir: $lib not found" >&2; exit 1; }
    install -m 644 "$(readlink -f "$path")" "$appdir/usr/lib/$lib"
    seen[$lib]=1
    copy_dependencies "$appdir/usr/lib/$lib"
done
while IFS= read -r -d '' elf; do
    copy_dependencies "$elf"
done < <(find "$appdir/usr/bin" "$appdir/usr/plugins" -type f -print0)
# Libraries pulled in by libraries: repeat until nothing new comes.
while :; do
    before=${#seen[@]}
    for lib in "$appdir"/usr/lib/*.so*; do copy_dependencies "$lib"; done
    [ "${#seen[@]}" -eq "$before" ] && break
done
sort -u -o "$appdir/../appdir-host-libs.txt" "$appdir/../appdir-host-libs.txt"

# Nothing is looked up outside the AppDir: each ELF finds its libraries relative to itself.
for elf in "$appdir"/usr/bin/*; do patchelf --set-rpath '$ORIGIN/../lib' "$elf"; done
for elf in "$appdir"/usr/lib/*.so*; do patchelf --set-rpath '$ORIGIN' "$elf"; done
while IFS= read -r -d '' elf; do
    patchelf --set-rpath '$ORIGIN/../../lib' "$elf"
done < <(find "$appdir/usr/plugins" -type f -name '*.so' -print0)
find "$appdir/usr" -type f \( -name '*.so*' -o -path '*/bin/*' \) -exec strip --strip-unneeded {} +

# Qt finds its plugins from the executable's folder; no environment variable needed.
cat > "$appdir/usr/bin/qt.conf" <<'QTCONF'
[Paths]
Prefix = ..
Plugins = plugins
Libraries = lib
QTCONF

install -m 644 "$root/packaging/linux/$app_id.desktop" "$appdir/usr/share/applications/"
install -m 644 "$root/packaging/linux/$app_id.desktop" "$appdir/$app_id.desktop"
if [ -f "$build/packaging/$app_id.metainfo.xml" ]; then
    install -m 644 "$build/packaging/$app_id.metainfo.xml" \
        "$appdir/usr/share/metainfo/$app_id.appdata.xml"
fi
# The icons the build rendered, or those it was given (CRM_PREBUILT_ICONS).
icons=$(sed -n 's/^CRM_PREBUILT_ICONS:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
[ -n "$icons" ] || icons=$build/icons
if [ -d "$icons/hicolor" ]; then
    mkdir -p "$appdir/usr/share/icons"
    cp -r "$icons/hicolor" "$appdir/usr/share/icons/"
    install -m 644 "$icons/hicolor/256x256/apps/$app_id.png" "$appdir/$app_id.png"
else
    install -m 644 "$root/resources/icons/crm-desktop.svg" "$appdir/$app_id.svg"
fi
ln -sf "$(ls "$appdir" | grep -E "^$app_id\.(png|svg)$" | sed -n 1p)" "$appdir/.DirIcon"

# AppRun: crm-desktop by default; `AppRun crm-cli ...` (or a symlink named crm-cli) runs the CLI.
cat > "$appdir/AppRun" <<'APPRUN'
#!/bin/sh
here=$(dirname "$(readlink -f "$0")")
case "${ARGV0:-$0}" in
    *crm-cli) exec "$here/usr/bin/crm-cli" "$@" ;;
esac
if [ "${1:-}" = crm-cli ]; then
    shift
    exec "$here/usr/bin/crm-cli" "$@"
fi
exec "$here/usr/bin/crm-desktop" "$@"
APPRUN
chmod 755 "$appdir/AppRun"
echo "build-appdir: $appdir ($(du -sh "$appdir" | cut -f1), $(ls "$appdir/usr/lib" | wc -l) libraries)"

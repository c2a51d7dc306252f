#!/usr/bin/env bash
# Compiles packaging/windows/crm-desktop.wxs into an MSI with wixl (msitools) against stand-in
# files, then reads the MSI's tables back with msiinfo and checks what Windows will act on:
# the per-user package, the upgrade code, the crm:// URL scheme, the Start-menu shortcut and its
# icon, and the two ICE rules a per-user package most easily breaks (ICE38: HKCU registry
# KeyPaths; ICE64: folders in the profile removed on uninstall). CI builds the real MSI with WiX 3
# (candle, light with its full ICE validation) in .github/workflows/desktop.yml; this is the part
# that runs on Linux, without Windows and without network.
#
# Usage: check-wxs.sh [ICON.ico]   (default: an icon made here with icotool from a built-in PNG)
# Needs: wixl and msitools (wixl, wixl-heat, msiinfo), xsltproc, icoutils (icotool).
# Exits 0 when every check passed, 1 when one failed, 2 when a tool is missing.
#
# The awk conditions and bash -c scripts below are single-quoted on purpose: their $ are theirs.
# shellcheck disable=SC2016
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
wxs=$here/crm-desktop.wxs
xslt=$here/per-user.xslt
upgrade_code='{F6AC8635-28A1-4DB4-B6BF-93E8A6C3C09B}'

missing=()
for tool in wixl:wixl wixl-heat:wixl msiinfo:msitools xsltproc:xsltproc icotool:icoutils; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool%%:*} (Debian package ${tool#*:})")
done
if [ ${#missing[@]} -gt 0 ]; then
    printf 'check-wxs: missing %s\n' "${missing[@]}" >&2
    exit 2
fi

# The version the workflow passes too: CMake's project version.
version=$(sed -n 's/^project(crm-desktop VERSION \([0-9][0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[ -n "$version" ] || { echo "check-wxs: no project version in $root/CMakeLists.txt" >&2; exit 1; }

# The icon given, if any, resolved before the cd below.
icon=""
if [ $# -ge 1 ]; then
    [ -f "$1" ] || { echo "check-wxs: no icon at $1" >&2; exit 1; }
    icon=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failures=0
pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*"; failures=$((failures + 1)); }
# check DESCRIPTION COMMAND...: runs the command quietly, reports its outcome.
check() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

echo "check-wxs: $wxs (version $version; wixl $(wixl --version))"

# wixl looks files up relative to its working folder (an absolute Source is not found), so
# everything it reads sits in $work and is named relative to it.
cd "$work"

# The icon: the one given, or a 32x32 square (a PNG written here, turned into an .ico).
if [ -n "$icon" ]; then
    cp "$icon" crm-desktop.ico
    echo "icon: $icon"
else
    base64 -d > icon.png <<'PNG'
iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAM0lEQVR42u3OsQkAMAgAQTfJiC7pXqa3FwK5h+8vQhqdrN4cAAAAAAAAAAAAAOB9gL7rApa8NowyFRXlAAAAAElFTkSuQmCC
PNG
    icotool --create --output crm-desktop.ico icon.png
    echo "icon: made with icotool from a built-in 32x32 PNG"
fi
# An .ico starts with 00 00 01 00 (icotool --list exits 0 even for files that are not icons).
check "the icon is a Windows .ico with at least one image" bash -c '
    [ "$(head -c 4 crm-desktop.ico | od -An -tx1 | tr -d " \n")" = 00000100 ] &&
    [ -n "$(icotool --list crm-desktop.ico 2>/dev/null)" ]'

# The folder as CI has it: windeployqt's output is harvested first, the exes copied in after,
# so the harvest never lists them (crm-desktop.wxs does).
mkdir -p stage/platforms stage/styles
printf 'stand-in\n' > stage/Qt6Core.dll
printf 'stand-in\n' > stage/platforms/qwindows.dll
printf 'stand-in\n' > stage/styles/qmodernwindowsstyle.dll
find stage -type f | LC_ALL=C sort |
    wixl-heat --prefix stage/ --component-group QtRuntime --var var.SourceDir \
              --directory-ref INSTALLDIR --win64 > harvested.wxs
: > stage/crm-desktop.exe
: > stage/crm-cli.exe

# wixl-heat writes Guid="*"; heat.exe -gg, as CI runs it, writes real GUIDs, which per-user.xslt
# requires. The stand-in gets fresh ones, then the same transform as heat -t.
while IFS= read -r line; do
    while [[ $line == *'Guid="*"'* ]]; do
        guid=$(tr 'a-f' 'A-F' < /proc/sys/kernel/random/uuid)
        line=${line/Guid=\"\*\"/Guid=\"$guid\"}
    done
    printf '%s\n' "$line"
done < harvested.wxs > harvested-gg.wxs
check "per-user.xslt refuses a harvest with Guid=\"*\"" \
    bash -c '! xsltproc "$1" "$2"' _ "$xslt" harvested.wxs
xsltproc "$xslt" harvested-gg.wxs > qtruntime.wxs

echo "wixl:"
wixl_args=(--arch x64 -D "Version=$version" -D SourceDir=stage -D IconFile=crm-desktop.ico
           -D Win64=yes)
if ! wixl "${wixl_args[@]}" -o crm-desktop.msi "$wxs" qtruntime.wxs 2> wixl.log; then
    fail "wixl compiles crm-desktop.wxs with the harvested QtRuntime"
    sed 's/^/    /' wixl.log
    echo "check-wxs: FAILED ($failures)"
    exit 1
fi
pass "wixl compiles crm-desktop.wxs with the harvested QtRuntime"
# wixl 0.101 warns about attributes it does not implement. AllowSameVersionUpgrades is the one
# expected (WiX 3 honours it); anything else is a WiX 3 attribute wixl would silently drop.
unexpected=$(grep -v -e '^[[:space:]]*$' -e "no property named 'AllowSameVersionUpgrades'" wixl.log || true)
if [ -z "$unexpected" ]; then
    pass "wixl warns about nothing but AllowSameVersionUpgrades (WiX 3 only)"
else
    fail "wixl reported more than the expected AllowSameVersionUpgrades warning:"
    printf '%s\n' "$unexpected" | sed 's/^/    /'
fi
check "without -D Version the preprocessor stops with the .wxs's own error" \
    bash -c 'out=$(wixl --arch x64 -D SourceDir=stage -D IconFile=crm-desktop.ico -D Win64=yes \
                         -o none.msi "$1" qtruntime.wxs 2>&1); [ ! -e none.msi ] &&
             grep -q "Define Version" <<<"$out"' _ "$wxs"

# One table as tab-separated rows, without msiinfo's three header lines and CRs.
table() { msiinfo export crm-desktop.msi "$1" | tail -n +4 | tr -d '\r'; }
# has TABLE AWK-CONDITION: some row of TABLE matches the condition ($1.. are its columns).
# bit(V, B) is 1 when flag B (a power of two) is set in V (mawk has no and()).
has() {
    table "$1" | awk -F'\t' "function bit(v, b) { return int(v / b) % 2 }
                              $2 { found = 1 } END { exit !found }"
}

echo "msiinfo: summary and properties"
suminfo=$(msiinfo suminfo crm-desktop.msi | tr -d '\r')
check "64-bit package, English (Template x64;1033)" grep -qx 'Template: x64;1033' <<<"$suminfo"
source_flags=$(sed -n 's/^Source: \([0-9]*\).*/\1/p' <<<"$suminfo")
if [ -n "$source_flags" ] && (( (source_flags & 8) && (source_flags & 2) )); then
    pass "per user: no elevation, compressed (word count $source_flags has bits 8 and 2)"
else
    fail "per user: no elevation, compressed (word count '${source_flags}' lacks bit 8 or 2)"
fi
check "no ALLUSERS property (a per-machine install would set it)" \
    bash -c '! msiinfo export crm-desktop.msi Property | grep -q "^ALLUSERS"'
check "ProductVersion is $version" has Property "\$1 == \"ProductVersion\" && \$2 == \"$version\""
check "ProductName is CRM Desktop" has Property '$1 == "ProductName" && $2 == "CRM Desktop"'
check "UpgradeCode is $upgrade_code" has Property "\$1 == \"UpgradeCode\" && \$2 == \"$upgrade_code\""
check "ARPPRODUCTICON names the icon" has Property '$1 == "ARPPRODUCTICON" && $2 == "CrmDesktopIcon.ico"'
check "the icon is stored as it was given" \
    bash -c 'msiinfo extract crm-desktop.msi Icon.CrmDesktopIcon.ico | cmp -s - crm-desktop.ico'
check "the files are in a cabinet inside the MSI" has Media '$4 ~ /^#/'

echo "msiinfo: major upgrade"
check "Upgrade: older versions with the UpgradeCode are removed (WIX_UPGRADE_DETECTED)" \
    has Upgrade "\$1 == \"$upgrade_code\" && \$2 == \"\" && \$3 == \"$version\" && \$7 == \"WIX_UPGRADE_DETECTED\""
check "Upgrade: newer versions are detected only (WIX_DOWNGRADE_DETECTED, OnlyDetect)" \
    has Upgrade "\$1 == \"$upgrade_code\" && \$2 == \"$version\" && bit(\$5, 2) && \$7 == \"WIX_DOWNGRADE_DETECTED\""
check "LaunchCondition refuses the downgrade with a message" \
    has LaunchCondition '$1 == "NOT WIX_DOWNGRADE_DETECTED" && $2 ~ /newer version/'
check "RemoveExistingProducts is scheduled" has InstallExecuteSequence '$1 == "RemoveExistingProducts"'

echo "msiinfo: files, folders, shortcut, URL scheme"
check "INSTALLDIR is %LOCALAPPDATA%\\Programs\\CRM Desktop" bash -c '
    t=$(msiinfo export crm-desktop.msi Directory | tr -d "\r")
    grep -qP "^INSTALLDIR\tUserProgramsFolder\tCRM Desktop$" <<<"$t" &&
    grep -qP "^UserProgramsFolder\tLocalAppDataFolder\tPrograms$" <<<"$t"'
for file in crm-desktop.exe crm-cli.exe Qt6Core.dll qwindows.dll qmodernwindowsstyle.dll; do
    check "File table has $file" has File "\$3 == \"$file\""
done
check "every component is in the feature Complete" bash -c '
    [ "$(msiinfo export crm-desktop.msi Component | tail -n +4 | wc -l)" = \
      "$(msiinfo export crm-desktop.msi FeatureComponents | tail -n +4 | grep -c "^Complete")" ]'
check "Shortcut \"CRM Desktop\" in the Start menu starts [INSTALLDIR]crm-desktop.exe" \
    has Shortcut '$2 == "ProgramMenuFolder" && $3 == "CRM Desktop" && $5 == "[INSTALLDIR]crm-desktop.exe" && $12 == "INSTALLDIR"'
check "the shortcut carries the icon" has Shortcut '$3 == "CRM Desktop" && $9 == "CrmDesktopIcon.ico"'
# Registry columns: Registry, Root (1 = HKCU), Key, Name, Value, Component_.
check "HKCU\\Software\\Classes\\crm has a default value (URL:...)" \
    has Registry '$2 == 1 && $3 == "Software\\Classes\\crm" && $4 == "" && $5 ~ /^URL:/'
check "HKCU\\Software\\Classes\\crm has the empty \"URL Protocol\" value" \
    has Registry '$2 == 1 && $3 == "Software\\Classes\\crm" && $4 == "URL Protocol" && $5 == ""'
check "HKCU\\Software\\Classes\\crm\\DefaultIcon is crm-desktop.exe's icon" \
    has Registry '$2 == 1 && $3 == "Software\\Classes\\crm\\DefaultIcon" && $5 == "\"[INSTALLDIR]crm-desktop.exe\",0"'
check "HKCU\\Software\\Classes\\crm\\shell\\open\\command is \"[INSTALLDIR]crm-desktop.exe\" \"%1\"" \
    has Registry '$2 == 1 && $3 == "Software\\Classes\\crm\\shell\\open\\command" && $4 == "" && $5 == "\"[INSTALLDIR]crm-desktop.exe\" \"%1\""'
check "nothing is written outside HKCU" bash -c '
    msiinfo export crm-desktop.msi Registry | tail -n +4 | tr -d "\r" | awk -F"\t" "\$2 != 1 { bad = 1 } END { exit bad }"'

echo "msiinfo: the per-user ICE rules"
# ICE38/ICE43: every component installs into the profile, so its KeyPath must be an HKCU
# registry value (Component.Attributes bit 4, KeyPath naming a Registry row with Root 1).
ice38=$(awk -F'\t' '
    NR == FNR { if ($2 == 1) hkcu[$1] = 1; next }
    { if (int($4 / 4) % 2 == 0 || !($6 in hkcu)) print $1 }' <(table Registry) <(table Component))
if [ -z "$ice38" ]; then
    pass "ICE38: every component ($(table Component | wc -l)) has an HKCU registry KeyPath"
else
    fail "ICE38: components without an HKCU registry KeyPath: ${ice38//$'\n'/ }"
fi
# ICE64: every folder made under %LOCALAPPDATA% has a RemoveFile row removing it on uninstall.
ice64=$(awk -F'\t' '
    FILENAME == ARGV[1] { parent[$1] = $2; next }
    { if ($3 == "" && int($5 / 2) % 2 == 1) removed[$4] = 1 }
    END {
        for (dir in parent) {
            if (dir == "LocalAppDataFolder") continue
            p = parent[dir]
            while (p != "" && p != "LocalAppDataFolder") p = parent[p]
            if (p == "LocalAppDataFolder" && !(dir in removed)) print dir
        }
    }' <(table Directory) <(table RemoveFile))
if [ -z "$ice64" ]; then
    pass "ICE64: every folder under %LOCALAPPDATA% is removed on uninstall"
else
    fail "ICE64: folders under %LOCALAPPDATA% left on uninstall: ${ice64//$'\n'/ }"
fi

if [ "$failures" -ne 0 ]; then
    echo "check-wxs: FAILED ($failures)"
    exit 1
fi
echo "check-wxs: all checks passed ($(stat -c %s crm-desktop.msi) byte MSI)"

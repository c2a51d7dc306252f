#!/usr/bin/env bash
# Renders the one SVG into every icon an installed app needs:
#   OUT/hicolor/<N>x<N>/apps/NAME.png (16-512), OUT/crm-desktop.ico (Windows) and
#   OUT/crm-desktop.icns (macOS).
# Usage: make-icons.sh SVG OUT [NAME]   (NAME: the freedesktop icon name, the app's id)
# Tools: rsvg-convert (librsvg2-bin), icotool (icoutils), png2icns (icnsutils).
set -euo pipefail
svg=$1
out=$2
name=${3:-org.crmdesktop.CrmDesktop}
for tool in rsvg-convert icotool png2icns; do
    command -v "$tool" >/dev/null || { echo "make-icons: $tool is missing" >&2; exit 2; }
done
mkdir -p "$out"
pngs=()
for size in 16 22 24 32 48 64 128 256 512; do
    dir="$out/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$svg" -o "$dir/$name.png"
    pngs[size]="$dir/$name.png"
done
# Windows shows 16-48 in lists and 256 in large views (stored as PNG inside the .ico).
icotool --create --output "$out/crm-desktop.ico" "${pngs[16]}" "${pngs[24]}" "${pngs[32]}" \
    "${pngs[48]}" "${pngs[64]}" --raw="${pngs[256]}"
# png2icns takes the sizes macOS knows (16, 32, 48, 128, 256, 512); its failures are silent in
# the exit status for some inputs, so the result is checked.
png2icns "$out/crm-desktop.icns" "${pngs[16]}" "${pngs[32]}" "${pngs[48]}" "${pngs[128]}" \
    "${pngs[256]}" "${pngs[512]}" >/dev/null
[ -s "$out/crm-desktop.icns" ] || { echo "make-icons: png2icns wrote nothing" >&2; exit 1; }
echo "make-icons: $out ($name PNG 16-512, crm-desktop.ico, crm-desktop.icns)"

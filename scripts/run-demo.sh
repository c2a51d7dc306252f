#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts crm-server and opens
# crm-desktop connected to it. Without a display it runs the window under Xvfb, saves a
# screenshot and says where it went.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${CRM_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

out="$root/demo-output"
mkdir -p "$out"
data="$out/server-data"
server=("$build/server/crm-server" --data "$data")
# The demo brokerage (every demo user's password is printed in the log), served on a free port.
# Access tokens live 8 hours here so the window stays signed in while you look around.
"${server[@]}" --seed-demo --port 0 --access-ttl 28800 >"$out/crm-server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    grep -q 'listening on' "$out/crm-server.log" 2>/dev/null && break
    sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$out/crm-server.log" | head -n1)
[ -n "$url" ] || { cat "$out/crm-server.log"; echo "crm-server did not start" >&2; exit 1; }
echo "crm-server is running at $url (log: $out/crm-server.log)"
token=$("${server[@]}" token issue alex@harbor.demo)

"$build/app/crm-cli" ping --server "$url" --token "$token" --count 20

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "Opening crm-desktop; close its window to stop the demo."
    "$build/app/crm-desktop" --server "$url" --token "$token"
else
    shot="$out/crm-desktop.png"
    echo "No display: running crm-desktop under Xvfb for a few seconds."
    xvfb-run -a -s '-screen 0 1280x800x24' \
        "$build/app/crm-desktop" --server "$url" --token "$token" \
        --screenshot "$shot" --screenshot-delay 3000
    echo "Screenshot of the running window: $shot"
fi

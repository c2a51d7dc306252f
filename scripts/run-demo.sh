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
# Two agents of the North team, each with a profile of their own under demo-output.
alex=$("${server[@]}" token issue alex@harbor.demo)
sam=$("${server[@]}" token issue sam@harbor.demo)
# An AI agent that works for Alex (examples/agent, stock socket.io-client): its key is shown once.
agent_key=$("${server[@]}" agent-key create alex@harbor.demo --name "Escrow assistant")
cli=("$build/app/crm-cli" --server "$url")
"${cli[@]}" ping --token "$alex" --count 20
# Both open the same escrow, so each sees the other on it.
escrow=$("${cli[@]}" list escrows --token "$alex" --profile "$out/cli-alex" |
    head -n1 | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
desktop() { # name token extra-args...
    local name=$1 token=$2
    shift 2
    "$build/app/crm-desktop" --server "$url" --token "$token" --profile "$out/profile-$name" \
        --record "$escrow" "$@"
}
# A teammate's edit a few seconds in: it appears in both windows, in place, marked for a moment.
teammate_edits() {
    sleep "$1"
    "${cli[@]}" set escrows "$escrow" purchasePrice=612500 status=pending \
        --token "$sam" --profile "$out/cli-sam" >/dev/null
}
# The AI agent opens an escrow from one sentence, step by step: a task card in both windows
# (the task is shared with the team), its records appearing live, attributed "Alex Rivera (AI)".
ai_agent_runs() { # delay step-delay-ms
    sleep "$1"
    node "$root/examples/agent/escrow-agent.js" --server "$url" --key "$agent_key" \
        --step-delay "$2" "Open escrow ESC-2040 for 88 Pier Street at \$1,240,000, \
buyer Jo Park <jo@example.com>, seller Lee Chen <lee@example.com>" 2>"$out/escrow-agent.log" ||
        echo "the example agent failed: see $out/escrow-agent.log" >&2
}

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "Opening two crm-desktop windows (Alex Rivera and Sam Okafor, team North);"
    echo "edit a record in one and watch the other. Close both windows to stop the demo."
    desktop sam "$sam" --geometry 960x720+980+40 &
    sam_pid=$!
    teammate_edits 8 &
    edits_pid=$!
    ai_agent_runs 14 3000 &
    agent_pid=$!
    desktop alex "$alex" --geometry 960x720+10+40
    # Only our own children: a bare `wait` would also wait for crm-server, which never ends.
    wait "$sam_pid" "$edits_pid" "$agent_pid"
else
    echo "No display: running two crm-desktop windows under Xvfb for a few seconds."
    teammate_edits 4 &
    edits_pid=$!
    ai_agent_runs 3 2500 &
    agent_pid=$!
    xvfb-run -a -s '-screen 0 1920x1080x24' bash -c "
        $(declare -f desktop); $(declare -p build url out escrow 2>/dev/null)
        desktop sam '$sam' --screenshot '$out/crm-desktop-sam.png' --screenshot-delay 7000 &
        desktop alex '$alex' --screenshot '$out/crm-desktop-alex.png' --screenshot-delay 7000
        wait"
    wait "$edits_pid" "$agent_pid"
    echo "Screenshots of the two running windows: $out/crm-desktop-alex.png and $out/crm-desktop-sam.png"
fi

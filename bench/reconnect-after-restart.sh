#!/usr/bin/env bash
# How long a client takes to be live again after crm-server comes back, as `crm-cli watch`
# sees it: a real server is SIGKILLed, stays down for each of the given stretches, restarts on
# the same port, and the time from its "listening on" line to the client's "online" line is
# printed. The client's backoff alone would wait seconds to tens of seconds; its TCP probe
# (ConnectionConfig::probeInterval) finds the server within about one probe interval plus the
# random spread that keeps clients of one server from reconnecting in lockstep.
#   bench/reconnect-after-restart.sh [build folder] [seconds down ...]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
shift || true
if [ $# -gt 0 ]; then stretches=("$@"); else stretches=(5 12 20 30); fi
port=${PORT:-18777}
work=$(mktemp -d /tmp/crm-reconnect.XXXX)
trap 'pkill -P $$ 2>/dev/null; rm -rf "$work"' EXIT
stamp() { while IFS= read -r line; do echo "$(date +%s.%N) $line"; done; }

printf 'long enough password\n' |
    "$build/server/crm-server" --data "$work/data" user add m@harbor.test --team North >/dev/null 2>&1
token=$("$build/server/crm-server" --data "$work/data" token issue m@harbor.test 2>/dev/null | tail -1)
"$build/server/crm-server" --data "$work/data" --port "$port" >"$work/server.log" 2>&1 &
server=$!
sleep 2
"$build/app/crm-cli" watch --server "http://127.0.0.1:$port" --token "$token" \
    --profile "$work/profile" 2>/dev/null | stamp >"$work/watch.log" &
sleep 3

for down in "${stretches[@]}"; do
    kill -9 "$server"
    wait "$server" 2>/dev/null
    sleep "$down"
    : >"$work/server.log"
    "$build/server/crm-server" --data "$work/data" --port "$port" 2>&1 | stamp >"$work/server.log" &
    server=$(pgrep -n -f "crm-server --data $work/data --port $port")
    for _ in $(seq 1 400); do grep -q "listening on" "$work/server.log" && break; sleep 0.05; done
    listening=$(grep -m1 "listening on" "$work/server.log" | cut -d' ' -f1)
    online=
    for _ in $(seq 1 1200); do
        online=$(awk -v t="$listening" '$1 > t && /"online"/ {print $1; exit}' "$work/watch.log")
        [ -n "$online" ] && break
        sleep 0.05
    done
    if [ -n "$online" ]; then
        python3 -c "print('down %3d s: live again %.2f s after the server listened' % ($down, $online - $listening))"
    else
        echo "down $down s: not live again within 60 s"
    fi
done

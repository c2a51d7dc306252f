#!/bin/sh
# Runs a command inside its own D-Bus session with an unlocked gnome-keyring, so QtKeychain talks
# to a real Secret Service on a headless machine. HOME and XDG_RUNTIME_DIR are throw-away, so
# nothing touches the developer's own keyring. (dbus-daemon may print a harmless fd-limit note.)
set -e
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/run"
chmod 700 "$scratch/run"
HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run" dbus-run-session -- sh -c '
    printf "keyring-test-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' sh "$@"

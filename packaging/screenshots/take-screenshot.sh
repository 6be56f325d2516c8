#!/usr/bin/env bash
# Takes packaging/screenshots/overview.png (the AppStream screenshot) from the
# real desktop window: a headless peer with a context running kv_store, the
# desktop node joined to it with some deltas synced, on a private Xvfb.
# Needs: xvfb, x11-apps (xwd), netpbm (xwdtopnm, pnmtopng).
#   packaging/screenshots/take-screenshot.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${1:-build}
for t in Xvfb xwd xwdtopnm pnmtopng; do
  command -v "$t" >/dev/null || { echo "take-screenshot: $t not found" >&2; exit 2; }
done
node="$BUILD_DIR/app/deltanode"
ctl="$BUILD_DIR/app/deltactl"
out="packaging/screenshots/overview.png"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# wait_line <file> <sed expression printing the match> <what>: 30 s deadline.
wait_line() {
  local deadline=$((SECONDS + 30)) v=""
  while [ -z "$v" ]; do
    v=$(sed -n "$2" "$1" 2>/dev/null | head -n 1)
    [ -n "$v" ] && break
    [ $SECONDS -lt $deadline ] || { echo "take-screenshot: no $3 in $1" >&2; cat "$1" >&2; exit 1; }
    sleep 0.2
  done
  echo "$v"
}

# A display nobody uses.
disp=90
while [ -e "/tmp/.X11-unix/X$disp" ] || [ -e "/tmp/.X$disp-lock" ]; do disp=$((disp + 1)); done
Xvfb ":$disp" -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 10))
until [ -e "/tmp/.X11-unix/X$disp" ]; do
  [ $SECONDS -lt $deadline ] || { echo "take-screenshot: Xvfb did not start" >&2; exit 1; }
  sleep 0.1
done

printf '[p2p]\nmdns = false\n' >"$work/config.toml"
# The peer: headless, with a context running the kv_store sample app.
"$node" --headless --data-dir "$work/peer" --config "$work/config.toml" --api-port 0 \
  --listen /ip4/127.0.0.1/tcp/0 >"$work/peer.out" 2>"$work/peer.err" &
pids+=($!)
peer_api=$(wait_line "$work/peer.out" 's|^api: *\(http://[^ ]*\)$|\1|p' "peer API URL")
peer() { "$ctl" --node "$peer_api" --data-dir "$work/peer" "$@"; }
peer_addr=$(peer --json status | grep -o '"/ip4/127\.0\.0\.1/tcp/[0-9]*/p2p/[^"]*"' | head -n 1 | tr -d '"')
# json_field <name>: the first string value of that key in the JSON on stdin.
json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }
app=$(peer --json app install "$BUILD_DIR/wasm/kv_store.wasm" --name kv_store | json_field applicationId)
ctx=$(peer --json context create "$app" --name "shopping list" | json_field contextId)
invitation=$(peer --json context invite "$ctx" | json_field invitation)

# The desktop node, dialling the peer.
DISPLAY=":$disp" "$node" --data-dir "$work/desk" --config "$work/config.toml" --api-port 0 \
  --listen /ip4/127.0.0.1/tcp/0 --bootstrap "$peer_addr" >"$work/desk.out" 2>"$work/desk.err" &
pids+=($!)
desk_api=$(wait_line "$work/desk.out" 's|^api: *\(http://[^ ]*\)$|\1|p' "desktop API URL")
desk() { "$ctl" --node "$desk_api" --data-dir "$work/desk" "$@"; }
desk context join "$invitation" >/dev/null
for i in $(seq 1 40); do
  peer call "$ctx" set "{\"key\":\"item$i\",\"value\":\"$((i * 7))\"}" >/dev/null
  desk call "$ctx" set "{\"key\":\"note$i\",\"value\":\"$i\"}" >/dev/null
done
# Wait until the desktop node has applied every delta, then give the
# monitor (at most 4 snapshots a second) a moment to draw them.
deadline=$((SECONDS + 30))
until [ "$(desk --json dag "$ctx" | grep -o '"appliedCount":[0-9]*' | cut -d: -f2)" -ge 81 ] 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || break
  sleep 0.5
done
sleep 1

xwd -display ":$disp" -root -silent >"$work/shot.xwd"
# The screen is larger than the window: crop the black around it.
xwdtopnm "$work/shot.xwd" 2>/dev/null | pnmcrop -black 2>/dev/null | pnmtopng -compression 9 >"$out"
echo "take-screenshot: wrote $out"

#!/usr/bin/env bash
# Acceptance 2: the .deb built by CPack, unpacked into a scratch root, runs:
# `deltanode --headless` starts from <root>/usr/bin with the V8 the package
# carries (not the build tree's), and `deltactl status` from the same root
# talks to it. The package metadata names the runtime dependencies.
source "$(dirname "$0")/lib.sh"
: "${DN_CPACK:?}"
need dpkg-deb dpkg
need dpkg-shlibdeps dpkg-dev
scratch deb_install

# 1. Build the package (into the scratch directory, not the build tree).
# gzip: a third of the time xz (the package default) takes.
"$DN_CPACK" --config "$DN_BUILD_DIR/CPackConfig.cmake" -B "$SCRATCH/out" -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip >"$SCRATCH/cpack.log" 2>&1 \
  || { cat "$SCRATCH/cpack.log" >&2; fail "cpack failed"; }
debs=("$SCRATCH"/out/deltanode_*_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one deltanode_<version>_<arch>.deb, got: ${debs[*]}"
deb=${debs[0]}
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# 2. Metadata.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = deltanode ] || fail "Package: $(field Package)"
[ "$(field Section)" = net ] || fail "Section: $(field Section)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Homepage)" ] || fail "no Homepage"
depends=$(field Depends)
echo "Depends: $depends"
# Depends is "a (>= v), b, …": one bare package name per line.
dep_names=$(echo "$depends" | tr ',' '\n' | sed 's/[|(].*//; s/ //g')
has_dep() { echo "$dep_names" | grep -qx "$1"; }
# The binaries' own libraries, libnode108's libraries (the package carries
# V8 itself when the build used an unpacked copy), and the QML modules.
for p in libqt6core6 libqt6network6 libqt6websockets6 libqt6httpserver6 libleveldb1d libssl3 libc6 libstdc++6; do
  has_dep "$p" || fail "Depends lacks $p"
done
if [ "${DN_WITH_GUI:-1}" = 1 ]; then
  for p in libqt6quick6 libqt6qml6 qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts \
           qml6-module-qtquick-dialogs qml6-module-qt-labs-settings; do
    has_dep "$p" || fail "Depends lacks $p (the window needs it)"
  done
else
  ! echo "$dep_names" | grep -q '^qml6-module-' || fail "a build without the window depends on QML modules"
fi
has_dep "libprotobuf32" || has_dep "libprotobuf-lite32" || fail "Depends lacks libprotobuf32"
# Every dependency is a package Debian knows (a misspelt QML module name
# would otherwise surface only on a user's machine).
# A name without a candidate version must be virtual (qt6-websockets-abi),
# i.e. provided by some real package.
if command -v apt-cache >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  real=$(apt-cache policy $dep_names | awk '/^[^ ].*:$/ {name=substr($1, 1, length($1)-1)}
                                            /^  Candidate:/ && $2 != "(none)" {print name}')
  for p in $dep_names; do
    echo "$real" | grep -qx "$p" && continue
    apt-cache showpkg "$p" 2>/dev/null | sed -n '/^Reverse Provides:/,$p' | sed 1d | grep -q . \
      || fail "Depends names $p, which apt does not know"
  done
fi
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
if echo "$contents" | grep -qx './usr/lib/deltanode/libnode.so.108'; then
  for p in libuv1 libc-ares2 libnghttp2-14 libicu72 libbrotli1 zlib1g; do
    has_dep "$p" || fail "Depends lacks $p (a library of the carried libnode.so.108)"
  done
  ! has_dep libnode108 || fail "Depends names libnode108 although the package carries libnode.so.108"
else
  has_dep libnode108 || fail "the package neither carries libnode.so.108 nor depends on libnode108"
fi
for f in ./usr/bin/deltanode ./usr/bin/deltactl \
         ./usr/share/deltanode/apps/kv_store.wasm ./usr/share/deltanode/apps/counter.wasm ./usr/share/deltanode/apps/chat.wasm \
         ./usr/share/deltanode/sdk/deltanode.h ./usr/share/deltanode/sdk/deltanode_json.h ./usr/share/deltanode/sdk/deltanode.imports \
         ./usr/lib/systemd/system/deltanode.service ./usr/lib/systemd/user/deltanode.service \
         ./usr/share/doc/deltanode/copyright; do
  echo "$contents" | grep -qx "$f" || fail "$f is not in the package"
done
for f in ./usr/share/applications/org.deltanode.DeltaNode.desktop ./usr/share/metainfo/org.deltanode.DeltaNode.metainfo.xml \
         ./usr/share/icons/hicolor/scalable/apps/org.deltanode.DeltaNode.svg; do
  if [ "${DN_WITH_GUI:-1}" = 1 ]; then
    echo "$contents" | grep -qx "$f" || fail "$f is not in the package"
  else
    ! echo "$contents" | grep -qx "$f" || fail "$f is in the package of a build without the window"
  fi
done

# 3. Unpack into a scratch root.
root="$SCRATCH/root"
dpkg-deb -x "$deb" "$root"
grep -qx 'ExecStart=/usr/bin/deltanode --headless --data-dir %S/deltanode' "$root/usr/lib/systemd/system/deltanode.service" \
  || fail "system unit does not start /usr/bin/deltanode: $(grep ExecStart "$root/usr/lib/systemd/system/deltanode.service")"
# The licence: Debian's machine-readable copyright file names Apache-2.0.
grep -qx 'License: Apache-2.0' "$root/usr/share/doc/deltanode/copyright" \
  || fail "usr/share/doc/deltanode/copyright does not state the Apache-2.0 licence"
# Stripped: no debug sections left in the shipped binaries.
for b in "$root/usr/bin/deltanode" "$root/usr/bin/deltactl"; do
  ! objdump -h "$b" | grep -q '\.debug_info' || fail "$b is not stripped"
done
# V8 resolves inside the package, never from the build tree.
if [ -f "$root/usr/lib/deltanode/libnode.so.108" ]; then
  resolved=$(ldd "$root/usr/bin/deltanode" | awk '$1 == "libnode.so.108" {print $3}')
  [ "$(readlink -f "$resolved")" = "$(readlink -f "$root/usr/lib/deltanode/libnode.so.108")" ] \
    || fail "libnode.so.108 resolves to '$resolved', not the packaged copy"
fi
! objdump -p "$root/usr/bin/deltanode" | grep -E 'R(UN)?PATH' | grep -qF "$DN_BUILD_DIR" \
  || fail "the installed deltanode keeps a RUNPATH into the build tree"
! objdump -p "$root/usr/bin/deltanode" | grep -E 'R(UN)?PATH' | grep -q 'third_party' \
  || fail "the installed deltanode keeps a RUNPATH into third_party"

# 4. Run the installed node headless: free ports, mDNS off, its own data dir.
data="$SCRATCH/data"
mkdir -p "$data"
printf '[p2p]\nmdns = false\n' >"$SCRATCH/config.toml"
out="$SCRATCH/node.out"
"$root/usr/bin/deltanode" --headless --data-dir "$data" --config "$SCRATCH/config.toml" \
  --api-port 0 --listen /ip4/127.0.0.1/tcp/0 >"$out" 2>"$SCRATCH/node.err" &
node_pid=$!
stop_node() { kill -TERM "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; }
trap 'rc=$?; stop_node; if [ $rc -eq 0 ]; then rm -rf "$SCRATCH"; else echo "scratch kept: $SCRATCH" >&2; cat "$SCRATCH/node.err" >&2 || true; fi' EXIT

# Wait (deadline 30 s) for the "api: URL" line, or for the node to die.
deadline=$((SECONDS + 30))
url=""
while [ -z "$url" ]; do
  url=$(sed -n 's|^api: \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$out")
  [ -n "$url" ] && break
  kill -0 "$node_pid" 2>/dev/null || fail "deltanode exited before printing its API URL: $(cat "$out" "$SCRATCH/node.err")"
  [ $SECONDS -lt $deadline ] || fail "no 'api:' line within 30 s: $(cat "$out")"
  sleep 0.1
done
peer=$(sed -n 's/^peer id: *\([^ ]*\)$/\1/p' "$out")
[ -n "$peer" ] || fail "no peer id printed: $(cat "$out")"
[ -f "$data/api.token" ] || fail "no api.token in the data dir"
echo "node: $url, peer $peer"

ctl() { env -u DELTANODE_URL -u DELTANODE_TOKEN "$root/usr/bin/deltactl" --node "$url" --data-dir "$data" "$@"; }
status=$(ctl status) || fail "deltactl status failed: $status"
echo "$status"
echo "$status" | grep -qF "$peer" || fail "deltactl status does not name the node's peer id $peer"
# The shipped sample app installs into the shipped node.
ctl app install "$root/usr/share/deltanode/apps/kv_store.wasm" >"$SCRATCH/app.out" 2>&1 \
  || fail "deltactl app install kv_store.wasm: $(cat "$SCRATCH/app.out")"
# A wrong token is refused (the status above really used the token).
if env -u DELTANODE_URL -u DELTANODE_TOKEN "$root/usr/bin/deltactl" --node "$url" --token wrong status >/dev/null 2>&1; then
  fail "deltactl status succeeded with a wrong token"
fi

# 5. Clean shutdown on SIGTERM (deadline 30 s).
kill -TERM "$node_pid"
deadline=$((SECONDS + 30))
while kill -0 "$node_pid" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "deltanode still running 30 s after SIGTERM"
  sleep 0.1
done
wait "$node_pid" && code=0 || code=$?
[ $code -eq 0 ] || fail "deltanode exited with $code after SIGTERM"
echo "deb install: ok"

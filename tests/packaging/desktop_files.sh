#!/usr/bin/env bash
# Acceptance 1: the .desktop file and the AppStream metainfo pass their
# validators as installed by `cmake --install`, and the icon they name is
# installed at every size.
source "$(dirname "$0")/lib.sh"
need desktop-file-validate desktop-file-utils
need appstreamcli appstream
scratch desktop_files
prefix="$SCRATCH/prefix"
install_into "$prefix"

id=org.deltanode.DeltaNode
desktop="$prefix/share/applications/$id.desktop"
metainfo="$prefix/share/metainfo/$id.metainfo.xml"
[ -f "$desktop" ] || fail "$desktop not installed"
[ -f "$metainfo" ] || fail "$metainfo not installed"

desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate $metainfo"
# The tree as a whole: metainfo, the desktop file it launches and its icon.
appstreamcli validate-tree --no-net "$prefix" || fail "appstreamcli validate-tree $prefix"

# The desktop file names the app id as icon and starts the installed binary.
grep -qx "Icon=$id" "$desktop" || fail "Icon= is not $id"
exec_bin=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
[ -x "$prefix/bin/$exec_bin" ] || fail "Exec=$exec_bin is not an installed binary"
grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" || fail "metainfo does not launch $id.desktop"

for s in 16 22 24 32 48 64 128 256 512; do
  png="$prefix/share/icons/hicolor/${s}x${s}/apps/$id.png"
  [ -f "$png" ] || fail "$png not installed"
  # PNG header: width and height are the big-endian words at bytes 16 and 20.
  dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $3*256+$4 "x" $7*256+$8}')
  [ "$dims" = "${s}x${s}" ] || fail "$png is $dims, not ${s}x${s}"
done
[ -f "$prefix/share/icons/hicolor/scalable/apps/$id.svg" ] || fail "scalable icon not installed"
echo "desktop files: ok"

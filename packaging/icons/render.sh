#!/usr/bin/env bash
# Renders the committed PNG icons from the scalable one (needs rsvg-convert,
# Debian package librsvg2-bin). Run after editing the SVG; the build itself
# only installs the committed files.
set -euo pipefail
cd "$(dirname "$0")/hicolor"
svg=scalable/org.deltanode.DeltaNode.svg
for s in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "${s}x${s}"
  rsvg-convert -w "$s" -h "$s" "$svg" -o "${s}x${s}/org.deltanode.DeltaNode.png"
done

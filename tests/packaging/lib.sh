# Shared by the packaging tests: failure reporting, a scratch directory and
# an install of the build tree into it.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 not found (scripts/setup installs $2)"; }

: "${DN_BUILD_DIR:?}" "${DN_CMAKE:?}" "${DN_SCRATCH_BASE:?}"

# scratch <name>: a fresh directory, removed on success and kept on failure
# so that what went wrong can be looked at.
scratch() {
  SCRATCH="$DN_SCRATCH_BASE/scratch-$1"
  rm -rf "$SCRATCH"
  mkdir -p "$SCRATCH"
  trap 'rc=$?; if [ $rc -eq 0 ]; then rm -rf "$SCRATCH"; else echo "scratch kept: $SCRATCH" >&2; fi' EXIT
}

# install_into <prefix>: `cmake --install` of the whole build tree.
install_into() {
  "$DN_CMAKE" --install "$DN_BUILD_DIR" --prefix "$1" >"$SCRATCH/install.log" 2>&1 \
    || { cat "$SCRATCH/install.log" >&2; fail "cmake --install failed"; }
}

#!/usr/bin/env bash
# Acceptance 3: `systemd-analyze verify` accepts the system and the user unit
# as installed (their ExecStart= points at the installed deltanode, which
# verify checks is executable). Skipped where systemd-analyze is missing.
source "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null 2>&1 || skip "systemd-analyze not installed"
scratch systemd_units
prefix="$SCRATCH/prefix"
install_into "$prefix"

system_unit="$prefix/lib/systemd/system/deltanode.service"
user_unit="$prefix/lib/systemd/user/deltanode.service"
for u in "$system_unit" "$user_unit"; do
  [ -f "$u" ] || fail "$u not installed"
  grep -qx "ExecStart=$prefix/bin/deltanode --headless .*" "$u" || fail "$u: ExecStart= is not the installed binary"
done
# The hardening the issue asks for, and no MemoryDenyWriteExecute (V8 JITs).
for opt in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
           DynamicUser=yes StateDirectory=deltanode SystemCallFilter=@system-service; do
  grep -qx "$opt" "$system_unit" || fail "system unit lacks $opt"
done
for u in "$system_unit" "$user_unit"; do
  grep -qx 'LimitNOFILE=65536' "$u" || fail "$u lacks LimitNOFILE=65536 (the node raises its soft limit to it)"
done
grep -q '^RestrictAddressFamilies=' "$system_unit" || fail "system unit lacks RestrictAddressFamilies="
! grep -q '^MemoryDenyWriteExecute' "$system_unit" "$user_unit" || fail "MemoryDenyWriteExecute= breaks V8's JIT"

# verify prints problems on stderr and may still exit 0 for some of them:
# any output is a failure.
verify() {
  local log="$SCRATCH/verify.log"
  if ! SYSTEMD_LOG_LEVEL=notice systemd-analyze "$@" >"$log" 2>&1 || [ -s "$log" ]; then
    cat "$log" >&2
    fail "systemd-analyze $*"
  fi
}
verify verify --man=no "$system_unit"
# A user manager needs a runtime directory; give it a private one.
mkdir -m 0700 "$SCRATCH/runtime"
XDG_RUNTIME_DIR="$SCRATCH/runtime" verify --user verify --man=no "$user_unit"
# The exposure score of the system unit, for the log (lower is better).
systemd-analyze security --offline=yes "$system_unit" 2>/dev/null | tail -n 1 || true
echo "systemd units: ok"

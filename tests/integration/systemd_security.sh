#!/bin/sh
# systemd_security.sh UNIT MAX - fails when `systemd-analyze security --offline=true` rates
# UNIT's exposure above MAX; skips (77) where systemd-analyze or --offline is missing.
unit=$1
max=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIP: systemd-analyze is not installed"
    exit 77
fi
out=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1)
status=$?
line=$(printf '%s\n' "$out" | grep 'Overall exposure level' | tail -n 1)
if [ -z "$line" ]; then
    printf '%s\n' "$out"
    if printf '%s\n' "$out" | grep -q -e 'unrecognized option' -e 'Unknown option'; then
        echo "SKIP: this systemd-analyze has no --offline (systemd < 250)"
        exit 77
    fi
    echo "FAIL: no exposure level in the output (status $status)"
    exit 1
fi
score=$(printf '%s\n' "$line" | sed -n 's/.*: *\([0-9][0-9.]*\).*/\1/p')
printf '%s\n' "$out" | grep -e '✗' | head -n 20
echo "exposure of $(basename "$unit"): $score (must be <= $max)"
awk -v s="$score" -v m="$max" 'BEGIN { exit !(s + 0 <= m + 0) }'

#!/bin/sh
# regress.sh NIANJIAN DIR - every input the fuzzers found to crash or stall nianjian, checked
# again: each must end with exit status 0, 1 or 2 (a result, not a signal or a sanitizer
# abort) within LIMIT seconds (default 5, generous for sanitizer builds).
set -u
nj=$1
dir=$2
limit=${LIMIT:-5}
status=0
n=0
for f in "$dir"/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    timeout "$limit" "$nj" check --format json "$f" >/dev/null 2>&1
    rc=$?
    case $rc in
    0 | 1 | 2) echo "ok   $rc $(basename "$f")" ;;
    124) echo "FAIL took over ${limit}s: $(basename "$f")"; status=1 ;;
    *) echo "FAIL exit $rc: $(basename "$f")"; status=1 ;;
    esac
done
[ "$n" -gt 0 ] || { echo "no inputs in $dir"; exit 1; }
exit $status

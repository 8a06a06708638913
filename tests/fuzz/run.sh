#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz and runs each for
# SECONDS seconds (default 20), starting from the seeds in tests/fuzz/corpus/<target>/.
# New inputs go to build-fuzz/fuzz-corpus/<target>/ (the committed seeds are not touched);
# a crash leaves build-fuzz/fuzz-artifacts/<target>-crash-* and makes the script fail.
#   usage: tests/fuzz/run.sh [SECONDS]
set -eu
secs=${1:-20}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${NJ_FUZZ_BUILD:-$root/build-fuzz}

CC=clang cmake -S "$root" -B "$build" -DNJ_FUZZ=ON -DBUILD_TESTING=ON \
  -DNJ_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" >/dev/null

targets="fuzz_text fuzz_html fuzz_hscan fuzz_docx"
if cmake --build "$build" --target help 2>/dev/null | grep -q fuzz_config; then
  targets="$targets fuzz_config"
fi
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $targets

status=0
mkdir -p "$build/fuzz-artifacts"
for t in $targets; do
  bin=$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)
  name=${t#fuzz_}
  work="$build/fuzz-corpus/$name"
  mkdir -p "$work"
  echo "== $t for ${secs}s"
  seeds="$here/corpus/$name"
  # the differential HTML target starts from its own seeds and the HTML reader's
  [ "$name" = hscan ] && seeds="$seeds $here/corpus/html"
  dict=
  [ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict"
  # shellcheck disable=SC2086
  if ! "$bin" $dict -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
       -artifact_prefix="$build/fuzz-artifacts/$t-" "$work" $seeds \
       >"$build/fuzz-artifacts/$t.log" 2>&1; then
    echo "!! $t failed; see $build/fuzz-artifacts/$t.log"
    tail -n 40 "$build/fuzz-artifacts/$t.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz-artifacts/$t.log" || true
  fi
done
exit $status

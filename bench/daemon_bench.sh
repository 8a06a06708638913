#!/bin/sh
# daemon_bench.sh [BUILD_DIR] - measures nianjiand: close-to-event latency (p50/p99) at
# light load, wall time and peak RSS for a burst of 10,000 reports, CPU while idle, and the
# file system's floor for that burst (the same result files written alone, bench/fs_floor.c).
# Everything runs in a temporary folder with ipc:// endpoints.  Results go to stdout; the
# numbers in docs/daemon.md were measured with this script.  PHASES (default
# "latency idle burst floor") picks the measurements to run.  On ext4 without a journal
# the burst and the floor slow down for a few minutes after many files were deleted (the
# inode allocator skips recently deleted inodes): run it on a settled disk.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
daemon=$(cd "$build" && pwd)/daemon/nianjiand
sample=${SAMPLE:-$root/../shared/corpus/seed-chanhe-commerce-2025.txt}
settle=${SETTLE_MS:-20}
burst=${BURST:-10000}
phases=${PHASES:-latency idle burst floor}
want() { case " $phases " in *" $1 "*) return 0 ;; esac; return 1; }
[ -x "$daemon" ] || { echo "no $daemon: build first" >&2; exit 1; }
[ -r "$sample" ] || { echo "no sample report $sample" >&2; exit 1; }

tmp=$(mktemp -d "${BENCH_DIR:-/tmp}/nj_bench.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

cc -O2 -o "$tmp/latency" "$here/daemon_latency.c" $(pkg-config --cflags --libs libzmq)
cc -O2 -pthread -o "$tmp/fs_floor" "$here/fs_floor.c"

config() {
    cat > "$tmp/nianjian.yaml" <<EOC
watch:
  paths: [$tmp/drop]
  settle_ms: $1
  rescan_s: 0
publish:
  endpoint: ipc://$tmp/ev.sock
  replay_endpoint: ipc://$tmp/rp.sock
  heartbeat_s: 1
state_dir: $tmp/state
workers: 2
log:
  level: warning
EOC
}

start() {
    rm -rf "$tmp/drop" "$tmp/state"; mkdir -p "$tmp/drop"
    "$daemon" -c "$tmp/nianjian.yaml" 2>>"$tmp/daemon.log" &
    pid=$!
}

stop() { kill "$pid"; wait "$pid" || true; pid=; }

events() { [ -f "$tmp/state/events.jsonl" ] && wc -l < "$tmp/state/events.jsonl" || echo 0; }

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

echo "nianjiand benchmark: $(nproc) CPU(s), sample $(wc -c < "$sample") bytes, settle_ms $settle"

# 1. Latency at light load: one report every 100 ms.
if want latency; then
config "$settle"
start
"$tmp/latency" "$tmp/drop" "ipc://$tmp/ev.sock" 200 100 "$sample"
stop
fi

# 2. Idle CPU: 10 s with nothing to do (heartbeat every second).
if want idle; then
config "$settle"
start
sleep 2
t0=$(ticks "$pid"); sleep 10; t1=$(ticks "$pid")
hz=$(getconf CLK_TCK)
echo "idle_cpu: $((t1 - t0)) ticks in 10 s ($(awk -v t=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.2f", 100 * t / hz / 10 }')% of one CPU)"
stop
fi

if want burst; then
# 3. Burst: $burst reports copied in at once while the daemon runs.
config 50
mkdir -p "$tmp/src"
i=0
while [ $i -lt "$burst" ]; do
    # Distinct content per file (a trailing line), so no result is reused.
    { cat "$sample"; echo "# $i"; } > "$tmp/src/r$i.txt"
    i=$((i + 1))
done
start
sleep 0.5
t0=$(date +%s.%N)
cp "$tmp"/src/*.txt "$tmp/drop/"
while [ "$(events)" -lt "$burst" ]; do sleep 0.05; done
t1=$(date +%s.%N)
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
cpu=$(awk '{ print $14, $15 }' "/proc/$pid/stat")
echo "burst: $burst reports in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s, peak RSS $((rss / 1024)) MB, daemon CPU $(echo "$cpu" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f s (user %.1f, system %.1f)", ($1 + $2) / hz, $1 / hz, $2 / hz }')"
stop
fi

# 4. The floor: the burst's result files (the sample's .nianjian.txt and .json sizes, two
# per report) written alone by as many threads as nianjiand has jobs in flight (4 per
# worker), each a temporary file fsynced and renamed and the folder fsynced, as nianjiand
# writes them.  On a given disk the burst cannot beat this; it varies with the disk's
# state, so it is measured in the same run.
if want floor; then
mkdir -p "$tmp/floor"
d=$(mktemp -d "$tmp/fsz.XXXXXX")
cp "$sample" "$d/r.txt"
"$(dirname "$daemon")/nianjian" check --write "$d/r.txt" >/dev/null 2>&1 || true
size=$(cat "$d"/r.txt.nianjian.* 2>/dev/null | wc -c)
[ "$size" -gt 0 ] || size=15000
echo "floor: $burst reports' result files ($((size / 2)) bytes each on average, 2 per report) written alone by 8 threads in $("$tmp/fs_floor" "$tmp/floor" "$burst" 8 $((size / 2))) s"
fi

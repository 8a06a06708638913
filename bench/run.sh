#!/bin/sh
# run.sh [BUILD_DIR] - benchmark of `nianjian check` (the README's figures come from here).
#
#  1. Text reports: N (default 1000) generated reports of about 10 KB each
#     (bench/make_corpus.py: four table styles, one in ten GB18030, one in five with a
#     seeded mistake).  Times `nianjian check --format json` over all of them in one
#     process, and `cat` over the same files in the same run for scale (page cache warm
#     for both).  Best of REPEAT (default 5) runs; peak RSS from /usr/bin/time.
#  2. Formats: the same generated report as .txt, .html and .docx (tests/readers
#     nj_genreport), M (default 500) copies of each, checked the same way; prints the
#     time per report of each form relative to the text form.
#
# Single process, single thread: "reports/s" is per core.  Output is plain text.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
nj=$(cd "$build" && pwd)/daemon/nianjian
gen=$(cd "$build" && pwd)/tests/readers/nj_genreport
n=${N:-1000}
m=${M:-500}
repeat=${REPEAT:-5}
[ -x "$nj" ] || { echo "no $nj: build first" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to generate the reports" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (Debian package 'time')" >&2; exit 1; }

tmp=$(mktemp -d /tmp/nj_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# best TIMEFILE CMD... - runs CMD REPEAT times (stdout discarded); prints the best wall time
# in seconds (from date +%s%N: /usr/bin/time's %e has only 10 ms steps, too coarse for cat)
# and the peak RSS in KB of that run (from /usr/bin/time).
best() {
    out=$1
    shift
    b=
    rss=
    i=0
    while [ "$i" -lt "$repeat" ]; do
        t0=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$out" "$@" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        # (time writes "Command exited with non-zero status 1" first for a failing report)
        r=$(tail -n 1 "$out")
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
        if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then
            b=$t
            rss=$r
        fi
        i=$((i + 1))
    done
    echo "$b $rss"
}

echo "== nianjian check: $n reports of about 10 KB (bench/make_corpus.py)"
python3 "$here/make_corpus.py" "$tmp/text" "$n"
bytes=$(cat "$tmp"/text/* | wc -c)
cat "$tmp"/text/* >/dev/null
set -- "$tmp"/text/*
read -r tc rc <<EOF
$(best "$tmp/t" cat "$@")
EOF
read -r tn rn <<EOF
$(best "$tmp/t" "$nj" check --format json "$@")
EOF
awk -v n="$n" -v b="$bytes" -v tc="$tc" -v tn="$tn" -v rc="$rc" -v rn="$rn" 'BEGIN {
    if (tc <= 0) tc = 0.001
    if (tn <= 0) tn = 0.001
    printf "input:           %d files, %.1f MB, %.1f KB per report\n", n, b / 1e6, b / n / 1024
    printf "cat:             %.3f s (%.0f MB/s), peak RSS %d KB\n", tc, b / 1e6 / tc, rc
    printf "nianjian check:  %.3f s = %.0f reports/s, %.1f MB/s, %.3f ms per report, peak RSS %d KB\n",
           tn, n / tn, b / 1e6 / tn, tn * 1000 / n, rn
    printf "check / cat:     %.1fx\n", tn / tc
}'

if [ -x "$gen" ]; then
    echo "== formats: the same report as .txt, .html and .docx, $m copies each"
    mkdir -p "$tmp/gen"
    "$gen" "$tmp/gen" >/dev/null
    for ext in txt html docx; do
        mkdir -p "$tmp/$ext"
        i=0
        while [ "$i" -lt "$m" ]; do
            cp "$tmp/gen/report.$ext" "$tmp/$ext/r$i.$ext"
            i=$((i + 1))
        done
        eval "t_$ext=; r_$ext="
    done
    # The three forms are timed in turn, REPEAT rounds, best of each: the machine's
    # speed drifts, and a ratio of runs far apart in time would measure the drift.
    round=0
    rounds=$repeat
    repeat=1
    while [ "$round" -lt "$rounds" ]; do
        for ext in txt html docx; do
            read -r t r <<EOF
$(best "$tmp/t" "$nj" check --format json "$tmp/$ext"/*)
EOF
            eval "b=\$t_$ext"
            if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then
                eval "t_$ext=$t"
                eval "r_$ext=$r"
            fi
        done
        round=$((round + 1))
    done
    repeat=$rounds
    awk -v m="$m" -v tt="$t_txt" -v th="$t_html" -v td="$t_docx" \
        -v rt="$r_txt" -v rh="$r_html" -v rd="$r_docx" 'BEGIN {
        if (tt <= 0) tt = 0.001
        printf ".txt:   %.3f ms per report, peak RSS %d KB\n", tt * 1000 / m, rt
        printf ".html:  %.3f ms per report, peak RSS %d KB (%.1fx text)\n", th * 1000 / m, rh, th / tt
        printf ".docx:  %.3f ms per report, peak RSS %d KB (%.1fx text)\n", td * 1000 / m, rd, td / tt
    }'
else
    echo "(no $gen: formats comparison skipped)"
fi

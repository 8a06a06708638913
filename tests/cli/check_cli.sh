#!/bin/sh
# The `nianjian check` command line end to end: exit codes 0/1/2, JSON Lines, --rule,
# --lang, --write (atomic result files beside the input).
set -u
NJ=$1 FIX=$2/documents SHARED=$3
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$NJ" check "$FIX/good-tab.txt" >/dev/null; [ $? -eq 0 ] || fail "good report should exit 0"
"$NJ" check "$FIX/t4-total.txt" >/dev/null; [ $? -eq 1 ] || fail "failing report should exit 1"
"$NJ" check "$FIX/junk-binary.txt" >/dev/null; [ $? -eq 2 ] || fail "junk should exit 2"
"$NJ" check "$FIX/good-tab.txt" "$FIX/junk-empty.txt" >/dev/null; [ $? -eq 2 ] || fail "worst status wins"
"$NJ" check --bogus x >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad option should exit 2"
"$NJ" check --rule NO.SUCH=off "$FIX/good-tab.txt" >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown rule id should exit 2"
"$NJ" check "$tmp/does-not-exist.txt" >/dev/null; [ $? -eq 2 ] || fail "missing file should exit 2"

# --rule turns an error into a warning, so the report passes.
"$NJ" check --rule T4.TOTAL=warning "$FIX/t4-total.txt" >/dev/null; [ $? -eq 0 ] || fail "--rule override"

# JSON Lines: one object per file, one per line.
n=$("$NJ" check --format json "$FIX/good-tab.txt" "$FIX/t4-total.txt" | wc -l)
[ "$n" -eq 2 ] || fail "expected 2 JSON lines, got $n"
"$NJ" check --format json "$FIX/t4-total.txt" | grep -q '"rule":"T4.TOTAL"' || fail "JSON lacks T4.TOTAL"
"$NJ" check --format=json --lang=en "$FIX/t4-total.txt" | grep -q 'a difference of 1' || fail "--lang en"
"$NJ" check "$FIX/t4-total.txt" | grep -q '表四' || fail "Chinese by default"

# Nothing is written unless asked.
cp "$FIX/t4-total.txt" "$tmp/r.txt"
"$NJ" check "$tmp/r.txt" >/dev/null
[ ! -e "$tmp/r.txt.nianjian.json" ] || fail "check wrote a file without --write"
if "$NJ" check --write "$tmp/r.txt" >/dev/null 2>"$tmp/err"; [ $? -eq 1 ]; then
    [ -s "$tmp/r.txt.nianjian.json" ] || fail "--write did not write the JSON result"
    grep -q '"schema":"nianjian.result/1"' "$tmp/r.txt.nianjian.json" || fail "bad result file"
    [ -s "$tmp/r.txt.nianjian.txt" ] || fail "--write did not write the text companion"
    head -c 3 "$tmp/r.txt.nianjian.txt" | od -An -tx1 | grep -q 'ef bb bf' || fail "text companion lacks BOM"
    ls -a "$tmp" | grep -q 'tmp' && fail "temporary file left behind"
else
    cat "$tmp/err"; fail "--write exit status"
fi

# The sample report fails for the reasons in the brief.
out=$("$NJ" check --format json "$SHARED/corpus/seed-chanhe-commerce-2025.txt")
echo "$out" | grep -q '"status":"fail"' || fail "seed should fail"
echo "$out" | grep -q '"rule":"T3.COLUMNS"' || fail "seed: T3.COLUMNS"
echo "$out" | grep -q '"rule":"T3.CELLS"' || fail "seed: T3.CELLS"
echo "$out" | grep -q '"rule":"T3.LABEL"' || fail "seed: T3.LABEL"
echo "$out" | grep -q 'T3.ROW_TOTAL\|T3.RESULT_TOTAL\|T3.BALANCE' && fail "seed: arithmetic false alarm"
echo "cli.check: all passed"
exit 0

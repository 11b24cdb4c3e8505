#!/bin/sh
# run.sh -- runs test jobs JOBS at a time and sums them up: cmocka binaries, fuzz-corpus
# replays and end-to-end scripts; prints each job as it ends, the output of each failed
# job, the slowest jobs and one closing line "NAME: N passed, N failed".
#
# Usage: sh tests/run.sh NAME JOB...    where a JOB is unit:BINARY, replay:BINARY or e2e:SCRIPT
# Environment: JOBS (default: the number of processors), BIN and KISI_UNIT_DIR for the
# scripts, COUNTS (a file the totals are added to, as "PASSED FAILED").
# The jobs are independent: each works in a folder of its own (mktemp), picks free
# ports and displays itself, and no job's outcome depends on how fast the machine is.
set -u
name=$1; shift
[ $# -gt 0 ] || { echo "$name: no tests given" >&2; exit 2; }
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
OUT=$(mktemp -d "${TMPDIR:-/tmp}/kisi-run.XXXXXX") || { echo "run.sh: mktemp failed" >&2; exit 2; }
trap 'rm -rf "$OUT"' EXIT INT TERM
export OUT

i=0
for job in "$@"; do
    i=$((i + 1))
    printf '%s %s\n' "$i" "$job"
done >"$OUT/list"

# xargs starts at most $jobs at a time and waits for every one of them
while read -r n job; do
    printf '%s\n%s\n' "$n" "$job"
done <"$OUT/list" | xargs -d '\n' -n 2 -P "$jobs" sh tests/run-one.sh

pass=0; fail=0; failed=""
while read -r n job; do
    if [ ! -s "$OUT/$n.res" ]; then
        fail=$((fail + 1)); failed="$failed $job"
        echo "FAIL $job: the job left no outcome"
        continue
    fi
    read -r p f secs kind base <"$OUT/$n.res"
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$f" -gt 0 ]; then
        failed="$failed $base"
        echo "---- $base (last 40 lines) ----"
        tail -n 40 "$OUT/$n.log"
    fi
done <"$OUT/list"

echo "slowest:"
cat "$OUT"/*.res 2>/dev/null | sort -k3,3 -n -r | head -n 6 |
    awk '{printf "  %6.1fs  %s (%s)\n", $3, $5, $4}'
[ -n "${COUNTS:-}" ] && echo "$pass $fail" >>"$COUNTS"
[ -z "$failed" ] || echo "failing:$failed"
echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

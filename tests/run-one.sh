#!/bin/sh
# run-one.sh -- one job of tests/run.sh: runs it with its output in $OUT/N.log and writes
# "PASSED FAILED SECONDS KIND NAME" to $OUT/N.res, then one line "ok|FAIL NAME SECONDS".
# Usage: OUT=DIR sh tests/run-one.sh N KIND:PATH
# A job that exits non-zero while its runner counted no failure counts one failure.
: "${OUT:?OUT must name the run's folder}"
n=$1; job=$2; kind=${job%%:*}; what=${job#*:}; base=${what##*/}
start=$(date +%s.%N)
case "$kind" in
unit) "$what" >"$OUT/$n.log" 2>&1 ;;
replay)
    t=${base#replay_fuzz_}; dirs=""
    for d in tests/fuzz/corpus/$t tests/fuzz/seeds/$t; do [ -d "$d" ] && dirs="$dirs $d"; done
    # shellcheck disable=SC2086 # the folders are words
    "$what" $dirs >"$OUT/$n.log" 2>&1 ;;
e2e) sh "$what" >"$OUT/$n.log" 2>&1 ;;
*) echo "unknown kind of job: $job" >"$OUT/$n.log"; false ;;
esac
rc=$?
end=$(date +%s.%N)
if [ "$kind" = unit ]; then
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$OUT/$n.log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$OUT/$n.log" | awk '{s+=$1} END {print s+0}')
elif [ $rc -eq 0 ]; then p=1; f=0
else p=0; f=1
fi
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
secs=$(echo "$start $end" | awk '{printf "%.1f", $2 - $1}')
echo "$p $f $secs $kind $base" >"$OUT/$n.res"
if [ $rc -eq 0 ]; then printf 'ok   %-28s %6ss\n' "$base" "$secs"
else printf 'FAIL %-28s %6ss\n' "$base" "$secs"; fi

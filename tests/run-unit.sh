#!/bin/sh
# run-unit.sh -- runs every cmocka test binary given; prints one summary line.
pass=0; fail=0; failed=""
for t in "$@"; do
  out=$("$t" 2>&1); rc=$?
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
  if [ $rc -ne 0 ]; then
    printf '%s\n' "$out"; failed="$failed ${t##*/}"
    [ "$f" = 0 ] && fail=$((fail + 1))
  fi
done
echo "unit: $pass passed, $fail failed"
[ -n "${COUNTS:-}" ] && echo "$pass $fail" >> "$COUNTS"
[ -z "$failed" ] || { echo "failing:$failed"; exit 1; }

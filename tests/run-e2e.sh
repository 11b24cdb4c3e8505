#!/bin/sh
# run-e2e.sh -- runs every tests/e2e/*.sh with BIN set; prints one summary line.
: "${BIN:?BIN must name the folder of the programs}"
export BIN
pass=0; fail=0
for t in tests/e2e/*.sh; do
  [ -f "$t" ] || continue
  if out=$(sh "$t" 2>&1); then pass=$((pass + 1)); echo "ok   ${t##*/}"
  else fail=$((fail + 1)); echo "FAIL ${t##*/}"; printf '%s\n' "$out" | tail -n 30; fi
done
echo "e2e: $pass passed, $fail failed"
[ -n "${COUNTS:-}" ] && echo "$pass $fail" >> "$COUNTS"
[ $fail -eq 0 ]

#!/bin/sh
# run-fuzz-replay.sh -- replays each kept fuzz corpus through its target.
status=0; pass=0; fail=0
for r in "$@"; do
  n=${r##*/replay_fuzz_}
  dirs=""
  for d in tests/fuzz/corpus/$n tests/fuzz/seeds/$n; do [ -d "$d" ] && dirs="$dirs $d"; done
  if "$r" $dirs; then pass=$((pass + 1)); else status=1; fail=$((fail + 1)); fi
done
echo "fuzz-replay: $pass passed, $fail failed"
[ -n "${COUNTS:-}" ] && echo "$pass $fail" >> "$COUNTS"
exit $status

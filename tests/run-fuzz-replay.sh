#!/bin/sh
# run-fuzz-replay.sh -- replays each kept fuzz corpus through its target.
status=0
for r in "$@"; do
  n=${r##*/replay_fuzz_}
  dirs=""
  for d in tests/fuzz/corpus/$n tests/fuzz/seeds/$n; do [ -d "$d" ] && dirs="$dirs $d"; done
  "$r" $dirs || status=1
done
exit $status

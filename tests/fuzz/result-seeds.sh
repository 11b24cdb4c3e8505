#!/bin/sh
# result-seeds.sh -- makes the seeds of fuzz_result from the known-answer record tests/kat/result.json:
# the record as the fuzz core's kiosk signs it (kat.json, which the target requires stored) and
# edits of it that each stop at one check. Run by tests/kat/regen.sh; usage: sh tests/fuzz/result-seeds.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
kat=$root/tests/kat/result.json
out=$root/tests/fuzz/seeds/result
# the public half of KIOSK_KEY in tests/fuzz/fuzz_core.h
pub=ef22ee5c077bac8090bd4ee613a2210fc4cb42095af3f85f74f67a26090cad7b
old=$(sed -n 's/.*"kiosk":"\([0-9a-f]\{64\}\)".*/\1/p' "$kat")
[ -n "$old" ] || { echo "result-seeds.sh: $kat names no kiosk" >&2; exit 1; }
base=$(sed "s/\"kiosk\":\"$old\"/\"kiosk\":\"$pub\"/" "$kat")
# seed NAME SED-EXPRESSION: the record with one edit, which must change it
seed() {
  s=$(printf '%s' "$base" | sed "$2")
  [ "$s" != "$base" ] || { echo "result-seeds.sh: the edit of $1 changes nothing" >&2; exit 1; }
  printf '%s' "$s" >"$out/$1.json"
}
printf '%s' "$base" >"$out/kat.json"
seed attempt0 's/"attempt":1,"bank"/"attempt":0,"bank"/'
seed newer 's/"version":[0-9]*}$/"version":99}/'
seed unknown 's/"session":"[0-9a-f]*"/"session":"00000000000000000000000000000000"/g'
# attempt 2 of a participant whose session holds attempt 1 (record and form agree)
seed attempt-mismatch 's/"attempt":1,/"attempt":2,/g'
# beyond the exam's max_attempts (refused as attempt-mismatch: the roster pins attempt 1)
seed too-many 's/"attempt":1,/"attempt":6,/g'
# a better score than the answers earn
seed score-mismatch 's/"awarded":[0-9]*,/"awarded":10000,/; s/"raw":[0-9]*}/"raw":10000}/'
# the first item's options in another order than the session drew
seed form-mismatch 's/"options":\["\([A-H]\)","\([A-H]\)"/"options":["\2","\1"/'
# another bank than the session's
seed bank-mismatch 's/"bank":"[0-9a-f]*"/"bank":"00000000000000000000000000000000"/'
# a participant not on the roster
seed not-on-roster 's/"participant":"[0-9]*"/"participant":"199001012020121001"/g'
# another record of the attempt the known-good one holds
seed conflict 's/"ms":15000,/"ms":15001,/'

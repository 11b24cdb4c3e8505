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

# the seeds of fuzz_forward: the known-good record forwarded by a room core ("SIGN": the target
# signs it with the fuzz core's kiosk), the known-answer record with its own kiosk's signature
# (a kiosk the central core never saw), and bodies that each stop at one check
fwd=$root/tests/fuzz/seeds/forward
mkdir -p "$fwd"
esc=$(printf '%s' "$base" | sed 's/"/\\"/g')
kesc=$(sed 's/"/\\"/g' "$kat")
katkiosk=$(sed -n 's/.*"kiosk":"\([0-9a-f]\{64\}\)".*/\1/p' "$root/tests/kat/result.sig")
katsig=$(sed -n 's/.*"sig":"\([0-9a-f]\{128\}\)".*/\1/p' "$root/tests/kat/result.sig")
zero=$(printf '%0128d' 0)
# fwd NAME BODY
fwd() { printf '%s' "$2" >"$fwd/$1.json"; }
fwd signed "{\"kiosk\":\"$pub\",\"name\":\"lab-1\",\"record\":\"$esc\",\"sig\":\"SIGN\",\"version\":1}"
fwd kat-kiosk "{\"kiosk\":\"$katkiosk\",\"name\":\"Lab A \\u00e9\",\"record\":\"$kesc\",\"sig\":\"$katsig\",\"version\":1}"
fwd forged "{\"kiosk\":\"$pub\",\"name\":\"lab-1\",\"record\":\"$esc\",\"sig\":\"$zero\",\"version\":1}"
fwd version-2 "{\"kiosk\":\"$pub\",\"name\":\"lab-1\",\"record\":\"$esc\",\"sig\":\"SIGN\",\"version\":2}"
fwd name-control "{\"kiosk\":\"$pub\",\"name\":\"lab\\n\\u202e1\",\"record\":\"{}\",\"sig\":\"SIGN\",\"version\":1}"
fwd record-object "{\"kiosk\":\"$pub\",\"name\":\"lab-1\",\"record\":{\"version\":2},\"sig\":\"SIGN\",\"version\":1}"
fwd record-empty "{\"kiosk\":\"$pub\",\"record\":\"\",\"sig\":\"SIGN\",\"version\":1}"
fwd kiosk-upper "{\"kiosk\":\"EF22EE5C077BAC8090BD4EE613A2210FC4CB42095AF3F85F74F67A26090CAD7B\",\"record\":\"[]\",\"sig\":\"$zero\",\"version\":1}"

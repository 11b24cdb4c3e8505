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

# the seeds of fuzz_jpush and fuzz_jimport: the known-answer sitting's events (tests/kat/journal.jsonl,
# in the chain of the first participant's attempt) pushed to the core and fetched back, and events
# of the second participant whose links the targets make ("LINK"): a start, its continuation, a fork
sid=$(sed -n 's/.*"session":"\([0-9a-f]\{32\}\)".*/\1/p' "$kat")
first=$(sed -n 's/.*"participant":"\([0-9]*\)".*/\1/p' "$kat")
second=$(sed -n '3s/^\([0-9]*\),.*/\1/p' "$root/tests/kat/roster.csv")
[ -n "$sid" ] && [ -n "$first" ] && [ -n "$second" ] ||
    { echo "result-seeds.sh: no session or participants in tests/kat" >&2; exit 1; }
events=$(paste -sd, "$root/tests/kat/journal.jsonl")
# link SEQ KIND PAYLOAD: one event whose link the target makes
link() { printf '{"hash":"LINK","kind":%d,"payload":"%s","seq":%d,"used_ms":%d,"wall_ms":%d}' \
    "$2" "$3" "$1" $(($1 * 1000)) $((1767225600000 + $1 * 1000)); }
push() { printf '{"attempt":"%s/%s","events":[%s],"seq":1767225600000,"session":"%s","version":1}' \
    "$sid" "$1" "$2" "$sid"; }
jp=$root/tests/fuzz/seeds/jpush
ji=$root/tests/fuzz/seeds/jimport
mkdir -p "$jp" "$ji"
push "$first" "$events" >"$jp/kat-push.json"
printf '{"attempt":"%s/%s","from":1,"seq":1767225600001,"session":"%s","version":1}' "$sid" \
    "$first" "$sid" >"$jp/kat-fetch.json"
start="$(link 1 19 '{\"state\":\"held\"}'),$(link 2 15 '{\"cmd\":3}'),$(link 3 2 '{\"i\":0,\"v\":\"A\"}')"
push "$second" "$start" >"$jp/link-start.json"
push "$second" "$(link 4 11 '{\"cmd\":4,\"reason\":\"\"}'),$(link 5 12 '{\"cmd\":5}')" >"$jp/link-next.json"
push "$second" "$(link 2 15 '{\"cmd\":9}')" >"$jp/link-fork.json"
# a fetch's answer as the kiosk reads it, of the first participant's attempt
printf '{"attempt":"%s/%s","events":[%s],"have":11,"kiosk":"%s"}' "$sid" "$first" "$events" \
    "$pub" >"$ji/kat.json"
printf '{"attempt":"%s/%s","events":[%s],"have":3,"kiosk":"%s"}' "$sid" "$first" \
    "$(link 1 19 '{\"state\":\"held\"}'),$(link 2 18 '{\"from\":\"A03\"}'),$(link 3 17 '{\"cmd\":1,\"to\":\"B07\"}')" \
    "$pub" >"$ji/link-other.json"
printf '{"attempt":"%s/%s","events":[],"have":0,"kiosk":""}' "$sid" "$first" >"$ji/none.json"

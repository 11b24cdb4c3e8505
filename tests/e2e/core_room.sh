#!/bin/sh
# core_room.sh -- a kiosk under Xvfb sends its signed state to a real core's room; the
# operator's message reaches the kiosk's footer and log; forged and replayed states,
# and the room routes without the operator's token, are refused; `core room log` shows the
# seat's events; a restarted core has the room as it was and still refuses the replayed state.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; sit_stop; rm -rf "$T"' EXIT
DB=${KISI_E2E_DB:-sqlite:$T/core.db}

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add" "$rc" 0
ccore --db "$DB" session add "$R/demo.session"; same "session add" "$rc" 0
SID=$(awk '{ print $2 }' "$T/out")
EXAM=$(sed 's/.*(exam \([^,]*\),.*/\1/' "$T/out")
# a second session of the same exam, with a proctor code of its own
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam "$EXAM" \
    --roster "$ASSETS/roster.csv" --out "$T/other.session" --proctor-code-out "$T/other-code" \
    >"$T/other-token" 2>/dev/null || fail "a second session"
ccore --db "$DB" session add "$T/other.session"; same "second session add" "$rc" 0
SID2=$(awk '{ print $2 }' "$T/out")
core_start "$DB" || fail "core start: $(cat "$T/core.err")"
ok "core up at $URL"

# room_has PY -- GET /v1/room, and the Python expression PY over its JSON `j` is true
room_has() {
    get /v1/room
    [ "$code" = 200 ] && [ "$(bodyget "$1")" = True ]
}

sit_start "$R/latsar.bank" "$R/demo.session" "$T/k" --core "$URL" --seat B07 --lang en
listed() { "$CORE" --db "$DB" kiosk list 2>/dev/null | grep -q pending; }
wait_for "the kiosk enrols (pending)" listed
KID=$("$CORE" --db "$DB" kiosk list 2>/dev/null | awk '$2 == "pending" { print $1 }')
get /v1/room
status_is "the room of a core with no approved kiosk" 200
same "a pending kiosk's state does not reach the room" "$(bodyget 'len(j["seats"])')" 0
ccore --db "$DB" kiosk approve "$KID"; same "the operator approves the kiosk" "$rc" 0
K=$(pubhex "$T/k/kiosk.key")
wait_for "the seat's state reaches the room: seat B07 on the identify screen" \
    room_has "any(s['seat'] == 'B07' and s['kiosk'] == '$K' and s['state']['screen'] == 'identify' for s in j['seats'])"

NIP=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_wait screen=wait || fail "token screen: $(kd_state)"
kd_type "$(cat "$R/token")"; kd_keys Return
kd_wait screen=instructions || fail "instructions: $(kd_state)"
kd_keys Return
kd_wait screen=exam item=1 || fail "exam: $(kd_state)"
kd_keys a
kd_wait screen=exam "answered=1 " || fail "answer: $(kd_state)"
wait_for "the room shows the participant on the exam screen with one answer and time left" \
    room_has "any(s['seat'] == 'B07' and s['state']['screen'] == 'exam' and s['state']['nip'] == '$NIP' and s['state']['answered'] == 1 and s['state']['total'] > 1 and s['state']['left_ms'] > 0 for s in j['seats'])"

printf '{"seat":"B07","text":"Five minutes left, check your answers"}' >"$T/msg.json"
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -X POST -H "@$T/operator.hdr" \
    --data-binary "@$T/msg.json" "$URL/v1/room/message")
status_is "the operator queues a message for seat B07" 202 queued
KLOG=$T/k/kiosk.log
wait_for "the kiosk journals the proctor's message in its log" \
    grep -q ' proctor-message command [0-9]*: Five minutes left, check your answers$' "$KLOG"
wait_for "the kiosk acknowledges it: nothing stays queued at the core" \
    room_has "any(s['seat'] == 'B07' and s['queued'] == 0 for s in j['seats'])"
# room_log_has PY -- `core room log` of the kiosk, and PY over its JSON `j` is true
room_log_has() {
    ccore --db "$DB" room log "$K"
    [ "$rc" = 0 ] && cp "$T/out" "$T/body" && [ "$(bodyget "$1")" = True ]
}
wait_for "the room log of seat B07 holds the participant's arrival, the message and its acknowledgement, with both clocks" \
    room_log_has "[e['kind'] for e in j['events']][0] == 'online' and [e['kind'] for e in j['events'] if e['kind'] in ('message', 'command-done')] == ['message', 'command-done'] and all(e['core_ms'] > 0 and e['seat'] == 'B07' for e in j['events']) and any(e['kind'] == 'arrived' and e['nip'] == '$NIP' and e['kiosk_ms'] > 0 for e in j['events']) and any(e['kind'] == 'message' and e['actor'] == 'operator' and e['detail']['text'].startswith('Five minutes') for e in j['events'])"
ccore --db "$DB" room log "${K%??}"
same "a room log asked of a key that is not 64 hex digits" "$rc" 1
ccore --db "$DB" room report "$SID"; same "core room report of the session" "$rc" 0
cp "$T/out" "$T/body"
same "the report's roster is the session's, each present or absent, with names" \
    "$(bodyget "len(j['roster']) == j['present'] + j['absent'] == $(($(wc -l <"$ASSETS/roster.csv") - 1)) and all(p['name'] for p in j['roster']) and j['exam'] != ''")" True
get /v1/room
if [ "$(bodyget "any(s['state'].get('session') == '$SID' for s in j['seats'])")" = True ]; then
    cp "$T/out" "$T/body"
    same "the participant identified on B07 is present in the report, at B07" \
        "$(bodyget "[(p['present'], p['seat']) for p in j['roster'] if p['nip'] == '$NIP'] == [(True, 'B07')] and j['present'] == 1")" True
else
    ok "(the kiosk's states name no session: attendance is not checked here)"
fi
ccore --db "$DB" room report no-such-session
same "a report of a session the core does not hold" "$rc" 1
grep -q "not known" "$T/err" || fail "unknown session: $(cat "$T/err")"
[ -s "$T/k/room.cmd" ] || fail "no record of the last command obeyed"
ok "the kiosk recorded the last command obeyed (room.cmd)"
grep -q 'command-refused' "$KLOG" && fail "a command of the real core was refused: $(grep command-refused "$KLOG")"
ok "no command of the real core was refused"
if [ -n "${KISI_E2E_SHOTS:-}" ]; then sleep 2; kd_shot "$KISI_E2E_SHOTS/en-footer-proctor-message.png"; fi

code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -X POST \
    --data-binary "@$T/msg.json" "$URL/v1/room/message")
status_is "a message without the operator's token" 401 unauthorized
get_anon /v1/room
status_is "the room without the operator's token" 401 unauthorized
printf '{"seat":"Z99","text":"hello"}' >"$T/msg2.json"
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -X POST -H "@$T/operator.hdr" \
    --data-binary "@$T/msg2.json" "$URL/v1/room/message")
status_is "a message for a seat the room does not know" 404 unknown-seat

# state_post KEY FILE [AS_PUB] -- POST /v1/room/state of FILE signed by KEY, sent as AS_PUB
state_post() {
    sig=$(openssl pkeyutl -sign -rawin -inkey "$1" -in "$2" | od -An -tx1 | tr -d ' \n')
    code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' -H "Kisi-Kiosk: ${3:-$(pubhex "$1")}" \
        -H "Kisi-Signature: $sig" --data-binary "@$2" "$URL/v1/room/state")
}
state_json() {
    printf '{"ack":%s,"answered":0,"attempt":0,"delivery":"delivering","flagged":0,"incidents":0,"left_ms":0,"nip":"","outbox":0,"program":"e2e","screen":"identify","seat":"%s","seq":%s,"total":0,"version":2,"session":"%s","name":"","lease":"","jseq":0}' "${4:-0}" "$1" "$2" "${3:-}"
}
openssl genpkey -algorithm ed25519 -out "$T/k2.key" 2>/dev/null || fail "second kiosk key"
state_json B07 99999999999999 >"$T/forged.json"
state_post "$T/k2.key" "$T/forged.json" "$K"
status_is "a state for seat B07 signed by another machine's key" 401 bad-signature
state_post "$T/k2.key" "$T/forged.json"
status_is "a state of a kiosk the core never enrolled" 403 unknown-kiosk
enrol "$T/k2.key" lab-b08
ccore --db "$DB" kiosk approve "$(pubhex "$T/k2.key" | cut -c1-16)"; same "a second kiosk approved" "$rc" 0
state_json B08 5 >"$T/s5.json"
state_post "$T/k2.key" "$T/s5.json"
status_is "the second kiosk's state" 200
state_post "$T/k2.key" "$T/s5.json"
status_is "the same state replayed" 409 replayed
state_json B08 4 >"$T/s4.json"
state_post "$T/k2.key" "$T/s4.json"
status_is "an older state sent after it" 409 replayed
room_has "sorted(s['seat'] for s in j['seats']) == ['B07', 'B08']" || fail "room: $(cat "$T/body")"
ok "the room lists both seats by label"
state_json B08 6 >"$T/s6.json"
sed 's/"version":2/"version":1/' "$T/s6.json" >"$T/v1.json"
state_post "$T/k2.key" "$T/v1.json"
status_is "a state of version 1 (the kiosk and the core move to version 2 together)" 400 unsupported-version
sed 's/"screen":"identify"/"screen":"lobby"/' "$T/s6.json" >"$T/lobby.json"
state_post "$T/k2.key" "$T/lobby.json"
status_is "a state on a screen the kiosk has not" 400 malformed

# ---- the proctor: sign-in with the session's proctor code, its room, actions, the stream ----
# pcall METHOD PATH [BODYFILE] -- a request with the proctor's cookie jar
pcall() {
    code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -X "$1" -b "$T/jar" -c "$T/jar" \
        -H 'Content-Type: application/json' ${3:+--data-binary "@$3"} "$URL$2")
}
: >"$T/jar"
printf '{"code":"AAAA-AAAA-AAAA"}' >"$T/wrong.json"
pcall POST /v1/proctor/login "$T/wrong.json"
status_is "a wrong proctor code" 401 wrong-code
printf '{"code":"%s"}' "$(cat "$T/token")" >"$T/tok.json"
pcall POST /v1/proctor/login "$T/tok.json"
status_is "the participant token is no proctor code" 401 wrong-code
pcall GET /v1/proctor/room
status_is "the proctor's room before signing in" 401 not-signed-in
printf '{"code":"%s"}' "$(cat "$R/proctor-code")" >"$T/code.json"
pcall POST /v1/proctor/login "$T/code.json"
status_is "the proctor signs in with the session's proctor code" 200
same "the sign-in names the session" "$(bodyget 'j["session"]')" "$SID"
grep -q 'kisi_proctor' "$T/jar" || fail "no cookie set"
ok "the sign-in sets the cookie"
state_json B08 7 "$SID" >"$T/s7.json"
state_post "$T/k2.key" "$T/s7.json"
status_is "seat B08 names the proctor's session" 200
openssl genpkey -algorithm ed25519 -out "$T/k3.key" 2>/dev/null || fail "third kiosk key"
enrol "$T/k3.key" lab-b09
ccore --db "$DB" kiosk approve "$(pubhex "$T/k3.key" | cut -c1-16)"; same "a third kiosk approved" "$rc" 0
state_json B09 1 "$SID2" >"$T/b09.json"
state_post "$T/k3.key" "$T/b09.json"
status_is "seat B09 of the other session" 200
pcall GET /v1/proctor/room
status_is "the proctor's room" 200
same "the proctor sees the seats of the session only" \
    "$(bodyget '"B08" in [s["seat"] for s in j["seats"]] and "B09" not in [s["seat"] for s in j["seats"]] and all(s["state"]["session"] == j["session"] for s in j["seats"])')" True
printf '{"kind":"pause","seat":"B09","reason":"check"}' >"$T/act-b09.json"
pcall POST /v1/proctor/action "$T/act-b09.json"
status_is "an action on a seat of another session" 403 other-session
printf '{"kind":"extend","seat":"B08","minutes":10,"reason":"power cut"}' >"$T/act.json"
pcall POST /v1/proctor/action "$T/act.json"
status_is "the proctor extends seat B08 by 10 minutes" 202 queued
state_json B08 8 "$SID" >"$T/s8.json"
state_post "$T/k2.key" "$T/s8.json"
status_is "seat B08's next state" 200
same "the command rides on the answer, version 2, signed" \
    "$(bodyget '[(c["version"], c["kind"], c["minutes"], c["text"], len(c["sig"])) for c in j["commands"]]')" \
    "[(2, 'extend', 10, 'power cut', 128)]"
CSEQ=$(bodyget 'j["commands"][0]["seq"]')
state_json B08 9 "$SID" "$CSEQ" >"$T/s9.json"
state_post "$T/k2.key" "$T/s9.json"
same "acknowledged, it is gone" "$(bodyget 'j["commands"]')" "[]"
K2=$(pubhex "$T/k2.key")
# seat_logged -- the room log of seat B08 (written within a second) holds the extend by the
# proctor and then its acknowledgement by the kiosk
seat_logged() {
    pcall GET "/v1/proctor/seat?kiosk=$K2"
    [ "$code" = 200 ] && [ "$(bodyget '[k for k in [[(e["kind"], e["actor"]) for e in j["events"]]] if ("extend", "proctor") in k and ("command-done", "kiosk") in k and k.index(("extend", "proctor")) < k.index(("command-done", "kiosk"))] != []')" = True ]
}
wait_for "seat B08's events: the proctor's extend, then the kiosk's acknowledgement" seat_logged
printf '{"kind":"move","seat":"B08","to":"B07"}' >"$T/move.json"
pcall POST /v1/proctor/action "$T/move.json"
status_is "a move of a seat where nobody sits" 409 no-participant
pcall GET "/v1/proctor/seat?kiosk=$(pubhex "$T/k3.key")"
status_is "the events of another session's seat" 403 other-session
code=$(curl -s -N --max-time 3 -o "$T/stream" -w '%{http_code}' -b "$T/jar" "$URL/v1/proctor/stream")
grep -q '^event: room$' "$T/stream" && grep -q '^data: {.*"seat":"B08"' "$T/stream" ||
    fail "the stream: $(head -c 300 "$T/stream")"
ok "the live stream sends the room at once"
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' \
    -H "Cookie: kisi_proctor=$(printf 'a%.0s' $(seq 64))" "$URL/v1/proctor/room")
status_is "a forged cookie" 401 not-signed-in
pcall POST /v1/proctor/logout
status_is "the proctor signs out" 200
pcall GET /v1/proctor/room
status_is "the room after signing out" 401 not-signed-in

sit_stop
core_stop
same "the core stops cleanly" "$core_rc" 0

# -- a restarted core has the room as it was (seats, last states, their numbers) ------
core_start "$DB" || fail "core restart: $(cat "$T/core.err")"
room_has "sorted(s['seat'] for s in j['seats']) == ['B07', 'B08', 'B09'] and any(s['seat'] == 'B07' and s['state']['nip'] == '$NIP' for s in j['seats']) and any(s['seat'] == 'B08' and s['state']['seq'] == 9 for s in j['seats'])" \
    || fail "room after a restart: $(cat "$T/body")"
ok "after a restart the room lists the seats with their last states"
state_post "$T/k2.key" "$T/s9.json"
status_is "the state taken before the restart, replayed after it" 409 replayed
state_json B08 10 "$SID" >"$T/s10.json"
state_post "$T/k2.key" "$T/s10.json"
status_is "the next state after the restart" 200
core_stop
same "the restarted core stops cleanly" "$core_rc" 0
done_ok

#!/bin/sh
# room_live.sh -- the exam room live: a core, two real kiosks under Xvfb on seats A01 and
# A02, and room_gen's simulated kiosks on the other 38 seats of a 5x8 room. The room shows
# what the kiosks do; forged and replayed states and commands are refused; a participant is
# refused on a second seat; a LAN cut (the core stopped, then started) is caught up. Then
# the proctor's page in Chromium (tests/browser/room_live.mjs): wrong codes and the proctor
# of another session refused, the 40 seats as the kiosks make them, and every action clicked
# and checked on the kiosk (trace, log) or the simulated seat: extend, pause and resume,
# lock and unlock, message, release, move after a kill -9 of A01 (A02 resumes from the
# core's replica), authorise start. Screenshots go to KISI_SHOTS (else tests/out/room_live):
# look at them.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
. "$(dirname "$0")/room.inc"
trap 'page_stop; gen_stop; kiosks_stop; mitm_stop; core_stop; rm -rf "$T"' EXIT
DB=sqlite:$T/core.db  # the replica is read from it
SHOTS=${KISI_SHOTS:-$ROOT/tests/out/room_live}
mkdir -p "$SHOTS"

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add" "$rc" 0
ccore --db "$DB" session add "$R/demo.session"; same "session add" "$rc" 0
SID=$(awk '{ print $2; exit }' "$T/out")
room_core_start "$DB" --web-dir "$ROOT/assets/web" || fail "core start: $(cat "$T/core.err")"
ok "core up at $URL"
row() { sed -n "$(($1 + 1))p" "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f"$2"; }
NIP1=$(row 1 1); PIN1=$(row 1 3); TOKEN=$(cat "$R/token")

# -- the room fills: 38 simulated seats, two real kiosks, all approved ----------------
gen_start 1800 --skip A01,A02 --roster "$ASSETS/roster.csv" --from 3 --session "$SID" \
    --spread 20 --control "$T/ctl"
mkdir -p "$T/ctl"
kiosk_use A; kiosk_up A01 en
mitm_start "$T/mitm"
kiosk_use B; kiosk_up A02 id
waiting() { [ "$("$CORE" --db "$DB" kiosk list 2>/dev/null | grep -c pending)" -ge 40 ]; }
wait_for "40 kiosks enrol from 40 addresses and wait for approval" waiting
approve_waiting
same "the operator approves the room's 40 kiosks in one step" "$approved" 40
wait_for "the room shows 40 seats" room_has "len(j['seats']) == 40"
room_has "sorted(s['seat'] for s in j['seats']) == sorted('%s%02d' % (r, c) for r in 'ABCDE' for c in range(1, 9))" ||
    fail "the seats are not A01..E08: $(bodyget "[s['seat'] for s in j['seats']]")"
ok "the seats are A01 to E08, sorted by label"
wait_for "the real kiosks show the identify screen in the room" \
    room_has "all(s['state']['screen'] == 'identify' and s['state']['program'].startswith('kisi-kiosk') for s in j['seats'] if s['seat'] in ('A01', 'A02'))"
wait_for "simulated participants sit down, named, answering" \
    seat_of C01 "s['state']['screen'] == 'exam' and s['state']['answered'] >= 2 and s['state']['name'] != ''"

# -- a seat that falls silent shows in the room as not heard from ----------------------
: >"$T/ctl/E08.off"
wait_for "room_gen's E08 falls silent" grep -q ' E08 *offline ' "$T/gen.out"
wait_for "the room shows E08 not heard from for over 10 s" seat_of E08 "j['now'] - s['seen'] > 10000"
rm -f "$T/ctl/E08.off"
wait_for "E08 is heard again" seat_of E08 "j['now'] - s['seen'] < 5000"

# -- a real participant sits on A01: the room follows ---------------------------------
kiosk_use A
kd_type "$NIP1"; kd_keys Return; kd_type "$PIN1"; kd_keys Return
kd_wait screen=wait || fail "token screen: $(kd_state)"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=instructions || fail "instructions: $(kd_state)"
kd_keys Return
kd_wait screen=exam item=1 || fail "exam: $(kd_state)"
kd_keys a Right b
kd_wait screen=exam "answered=2 " || fail "answers: $(kd_state)"
wait_for "the room shows A01's participant on the exam with 2 answers and time left" \
    seat_of A01 "s['state']['screen'] == 'exam' and s['state']['nip'] == '$NIP1' and s['state']['answered'] == 2 and s['state']['left_ms'] > 0"
kd_shot "$SHOTS/kiosk-A01-exam.png"

# -- the operator's message reaches a real and a simulated seat -----------------------
message() {
    printf '{"seat":"%s","text":"%s"}' "$1" "$2" >"$T/msg.json"
    code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -X POST -H "@$T/operator.hdr" \
        --data-binary "@$T/msg.json" "$URL/v1/room/message")
}
message A01 "Ten minutes left"; status_is "a message for A01 queued" 202 queued
message C03 "Sit up straight"; status_is "a message for C03 (simulated) queued" 202 queued
wait_for "A01's kiosk shows and logs the message" \
    grep -q ' proctor-message command [0-9]*: Ten minutes left$' "$T/A/kiosk.log"
wait_for "C03 obeys its message" grep -q ' C03 *obeyed *message [0-9]* .*text=Sit up straight$' "$T/gen.out"
wait_for "both acknowledged: nothing waits at the core" \
    room_has "all(s['queued'] == 0 for s in j['seats'])"
kd_shot "$SHOTS/kiosk-A01-message.png"

# -- one seat per attempt: A01's participant is refused on A02 ------------------------
kiosk_use B
kd_type "$NIP1"; kd_keys Return; kd_type "$PIN1"; kd_keys Return
kd_wait screen=wait || fail "B's token screen: $(kd_state)"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=identify msg=lease.refused || fail "a second seat for A01's participant: $(kd_state)"
grep -q " lease-refused NIP $NIP1 is held by seat A01" "$T/B/kiosk.log" ||
    fail "B's log: $(tail -n 2 "$T/B/kiosk.log")"
ok "a second seat for A01's participant refuses, naming A01"
kd_shot "$SHOTS/kiosk-A02-second-seat-refused.png"
kiosk_use A
kd_wait screen=exam "answered=2 " || fail "A01 goes on: $(kd_state)"
ok "A01's participant goes on, undisturbed"

# -- commands forged or replayed by a machine on the LAN are refused -------------------
# kiosk B talks to the core through room_mitm.py, which adds commands to its answers
message A02 "Pesan asli pengawas"; status_is "a message for A02 queued" 202 queued
wait_for "A02's kiosk obeys the real message" \
    grep -q ' proctor-message command [0-9]*: Pesan asli pengawas$' "$T/B/kiosk.log"
inject "c['text'] = 'Ujian dibatalkan, silakan pulang'; c['seq'] += 1000" "a forged command"
grep -q ' command-refused .*not signed by the pinned core key' "$T/B/kiosk.log" ||
    fail "the forged command is not logged as refused: $(tail -n 3 "$T/B/kiosk.log")"
grep proctor-message "$T/B/kiosk.log" | grep -q 'Ujian dibatalkan' &&
    fail "the forged command was obeyed"
ok "the forged command is refused and logged (command-refused), never shown"
inject "pass" "the real command replayed"
same "the replayed command is not obeyed again" \
    "$(grep -c ' proctor-message command [0-9]*: Pesan asli pengawas$' "$T/B/kiosk.log")" 1
kiosk_use B; kd_kill9; kiosk_up A02 id
kd_wait screen=identify || fail "kiosk B after its restart: $(kd_state)"
inject "pass" "the real command replayed after a restart of the kiosk"
same "the replayed command is not obeyed after the restart either" \
    "$(grep -c ' proctor-message command [0-9]*: Pesan asli pengawas$' "$T/B/kiosk.log")" 1
kd_shot "$SHOTS/kiosk-A02-after-forged-and-replayed.png"

# -- forged and replayed states are refused -------------------------------------------
KA=$(pubhex "$T/A/kiosk.key")
state_post() {  # KEY FILE [AS_PUB]
    sig=$(openssl pkeyutl -sign -rawin -inkey "$1" -in "$2" | od -An -tx1 | tr -d ' \n')
    code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' -H "Kisi-Kiosk: ${3:-$(pubhex "$1")}" \
        -H "Kisi-Signature: $sig" --data-binary "@$2" "$URL/v1/room/state")
}
get /v1/room
bodyget "json.dumps(next(s['state'] for s in j['seats'] if s['seat'] == 'A01'), separators=(',', ':'))" >"$T/a01.json"
edit "$T/a01.json" "$T/forged.json" "r['screen'] = 'result'; r['seq'] += 10**9"
openssl genpkey -algorithm ed25519 -out "$T/lan.key" 2>/dev/null || fail "another machine's key"
state_post "$T/lan.key" "$T/forged.json" "$KA"
status_is "a state of A01 forged by another machine on the LAN" 401 bad-signature
state_post "$T/lan.key" "$T/forged.json"
status_is "a state of a machine that never enrolled" 403 unknown-kiosk
seat_of A01 "s['state']['screen'] == 'exam'" || fail "the forged state reached the room"
ok "the room still shows A01 on the exam"

# -- a LAN cut: the core stopped, the room goes on, then catches up -------------------
core_stop
same "the core stops" "$core_rc" 0
kiosk_use A
kd_keys Right c
kd_wait screen=exam "answered=3 " || fail "answering without the core: $(kd_state)"
ok "A01's participant goes on answering with the core gone"
wait_for "the simulated kiosks find no core" grep -q ' unreachable ' "$T/gen.out"
kd_shot "$SHOTS/kiosk-A01-lan-cut.png"
sleep 4
room_core_start "$DB" --web-dir "$ROOT/assets/web" || fail "core start again: $(tail -n 3 "$T/core.err")"
ok "the core starts again on the same address ($URL)"
wait_for "the room catches up: 40 seats, A01 with its 3 answers" \
    room_has "len(j['seats']) == 40 and any(s['seat'] == 'A01' and s['state']['answered'] == 3 for s in j['seats'])"
wait_for "room_gen says every kiosk reaches the core again" grep -q ' reachable ' "$T/gen.out"

# -- the proctor's page: wrong codes refused, the room as the kiosks make it -------------
proctor_login() {  # CODE_FILE JAR -- POST /v1/proctor/login, the cookie into JAR
    python3 -c 'import json,sys; print(json.dumps({"code": open(sys.argv[1]).read().strip()}))' "$1" >"$T/login.json"
    code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -c "$2" -X POST \
        -H 'Content-Type: application/json' --data-binary "@$T/login.json" "$URL/v1/proctor/login")
}
proctor() {  # JAR METHOD PATH [FILE]
    code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -b "$1" -X "$2" \
        -H 'Content-Type: application/json' ${4:+--data-binary "@$4"} "$URL$3")
}
printf 'ACDE-FHJK-LMNP\n' >"$T/wrong-code"
proctor_login "$T/wrong-code" "$T/jar0"
status_is "a wrong proctor code" 401 wrong-code
cp "$R/token" "$T/token-as-code"; proctor_login "$T/token-as-code" "$T/jar0"
status_is "the participant token is no proctor code" 401 wrong-code
# a second session of the same room, with its own proctor
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam latsar-akademik \
    --roster "$ASSETS/roster.csv" --out "$T/other.session" --proctor-code-out "$T/other-code" \
    >"$T/other-token" 2>"$T/err" || fail "a second session: $(cat "$T/err")"
ccore --db "$DB" session add "$T/other.session"; same "a second session added" "$rc" 0
proctor_login "$T/other-code" "$T/jar2"
status_is "the proctor of the other session signs in" 200
proctor "$T/jar2" GET /v1/proctor/room
status_is "the other session's room" 200
same "it shows none of this session's seats" "$(bodyget "len(j['seats'])")" 0
printf '{"kind":"message","seat":"A01","reason":"","text":"not yours"}' >"$T/act.json"
proctor "$T/jar2" POST /v1/proctor/action "$T/act.json"
status_is "the other session's proctor acting on A01" 403 other-session
proctor "$T/jar0" GET /v1/proctor/room
status_is "the room without signing in" 401

page_start
page open en 1280 900
page signin-wrong ACDE-FHJK-LMNP
page signin "$R/proctor-code"
page live live
page seats 40
page seat A01 screen=exam nip="$NIP1"
page seat C01 screen=exam
: >"$T/ctl/E07.off"
page seat E07 attention=1
page shot room-grid-en
page view list
page shot room-list-en
page view grid
rm -f "$T/ctl/E07.off"
page seat E07 attention=0

# -- each action on a simulated seat, clicked on the page, obeyed ----------------------
page act C03 extend minutes=5 reason=Listrik%20padam
wait_for "C03 obeys the extension of 5 minutes" grep -q ' C03 *obeyed *extend [0-9]* minutes=5 .*text=Listrik padam$' "$T/gen.out"
page act C03 pause reason=Gangguan
page seat C03 screen=paused
page act C03 resume
page seat C03 screen=exam
page act C03 lock reason=Izin%20ke%20toilet
page seat C03 screen=seat-locked attention=1
page shot room-C03-locked
page act C03 unlock
page seat C03 screen=exam attention=0
npause() { grep -c ' obeyed *pause ' "$T/gen.out"; }
paused_all() { [ "$(npause)" -ge $((n0 + 38)) ]; }

# -- each action on A01, clicked on the page, obeyed by the kiosk ---------------------
kiosk_use A
left_of() { get /v1/room; bodyget "next(s['state']['left_ms'] for s in j['seats'] if s['seat'] == '$1')"; }
left0=$(left_of A01)
page act A01 extend minutes=5 reason=Listrik%20padam%20lima%20menit
wait_for "A01's kiosk obeys the extension" grep -q ' proctor-command command [0-9]*: extend' "$T/A/kiosk.log"
wait_for "A01's time left grows by 5 minutes" room_has \
    "next(s['state']['left_ms'] for s in j['seats'] if s['seat'] == 'A01') > $left0 + 4 * 60000"
kd_shot "$SHOTS/kiosk-A01-extended.png"
page act A01 pause reason=Gangguan%20listrik
kd_wait screen=paused || fail "A01 paused: $(kd_state)"
ok "A01's kiosk shows the pause"
page seat A01 screen=paused
kd_shot "$SHOTS/kiosk-A01-paused.png"
page act A01 resume
kd_wait screen=exam || fail "A01 resumed: $(kd_state)"
ok "A01's kiosk runs again"
page seat A01 screen=exam
page act A01 lock reason=Peserta%20izin%20ke%20toilet
kd_wait screen=seat-locked || fail "A01 locked: $(kd_state)"
ok "A01's kiosk shows the seat locked by the proctor"
page seat A01 screen=seat-locked attention=1
kd_shot "$SHOTS/kiosk-A01-locked.png"
page act A01 unlock
kd_wait screen=exam || fail "A01 unlocked: $(kd_state)"
ok "A01's kiosk is unlocked"
page act A01 message text=Sepuluh%20menit%20lagi
wait_for "A01 shows the page's message" grep -q ' proctor-message command [0-9]*: Sepuluh menit lagi$' "$T/A/kiosk.log"
page log A01 extend
page shot room-detail-A01

# -- release: A01's participant signs in again and goes on ------------------------------
kiosk_use A
page act A01 release reason=Salah%20kursi
kd_wait screen=identify || fail "A01 released: $(kd_state)"
grep -q ' login-released ' "$T/A/kiosk.log" || fail "A01 did not log the release"
ok "A01's login is released: the seat is back to identification"
kd_type "$NIP1"; kd_keys Return; kd_type "$PIN1"; kd_keys Return
kd_wait screen=exam "answered=3 " || fail "A01 resumed after the release: $(kd_state)"
ok "A01's participant signs in again and goes on with 3 answers"

# -- move after kill -9 of A01: B resumes from the core's replica -----------------------
ITEM=$(kd_state | sed 's/.*item=\([0-9]*\).*/\1/')
kd_keys Right
ITEM=$((ITEM + 1))
kd_wait screen=exam "item=$ITEM " || fail "the next question: $(kd_state)"
kd_keys a
kd_wait screen=exam "answered=4 " || fail "a fourth answer: $(kd_state)"
wait_for "the room shows A01's 4 answers" seat_of A01 "s['state']['answered'] == 4"
J=$(bodyget "next(s['state']['jseq'] for s in j['seats'] if s['seat'] == 'A01')")
held() {
    python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT COALESCE(MAX(seq), 0) FROM replica WHERE attempt = ?", (sys.argv[2],)).fetchone()[0])' \
        "$T/core.db" "$SID/$NIP1"
}
replicated() { [ "$(held)" -ge "$J" ]; }
wait_for "the core's replica holds A01's journal up to its 4th answer (event $J)" replicated
kd_kill9
page seat A01 attention=1
page act A01 move to=A02 reason=Komputer%20mati
kiosk_use B
kd_type "$NIP1"; kd_keys Return; kd_type "$PIN1"; kd_keys Return
kd_wait screen=wait || fail "B's token screen: $(kd_state)"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=exam "item=$ITEM " "answered=4 " || fail "A02 resumes the moved attempt: $(kd_state)"
grep -q ' attempt-arrived ' "$T/B/kiosk.log" || fail "B's log has no arrival"
ok "A02 resumes A01's attempt at the same question with its 4 answers"
page seat A02 screen=exam nip="$NIP1"
kd_shot "$SHOTS/kiosk-A02-moved-in.png"

# -- authorise start: a session that waits for the proctor ------------------------------
ccore --db "$DB" session authorise "$SID" on; same "the session waits for the proctor" "$rc" 0
kiosk_use A; kiosk_up A01 en
kd_wait screen=identify || fail "A01 after its restart: $(kd_state)"
NIP2=$(row 2 1); PIN2=$(row 2 3)
kd_type "$NIP2"; kd_keys Return; kd_type "$PIN2"; kd_keys Return
kd_wait screen=wait || fail "token: $(kd_state)"; kd_type "$TOKEN"; kd_keys Return
kd_wait screen=authorise || fail "A01 waits for the proctor: $(kd_state)"
ok "A01 shows the instructions and waits for the proctor"
page seat A01 screen=authorise
page act A01 authorise
kd_wait screen=exam || fail "A01 authorised: $(kd_state)"
ok "A01 starts once the proctor authorises it"

# -- end the sitting: the moved participant's attempt on A02 submitted by the proctor ------
page act A02 end reason=Waktu%20habis
kiosk_use B
kd_wait screen=result || fail "A02 after the end: $(kd_state)"
kd_keys Return
kd_wait screen=ended || fail "A02 closed: $(kd_state)"
ok "A02 shows its result, then the seat takes no new participant"
page seat A02 screen=ended
submitted_by() {
    python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
r = c.execute("SELECT payload FROM replica WHERE attempt = ? AND kind = 8", (sys.argv[2],)).fetchone()
print(r[0] if r else "")' "$T/core.db" "$SID/$NIP1"
}
ended_by_proctor() { submitted_by | grep -q '"proctor"'; }
wait_for "the journal the core holds says the proctor submitted A02's attempt" ended_by_proctor

# -- printables: who signed in, and what happened ---------------------------------------
page print attendance "$NIP1"
page print report A02

page shot room-after-authorise-en
page problems
page_stop

gen_stop
same "room_gen stops when told" "$gen_rc" 0
grep -q 'stopped .* 38 kiosks' "$T/gen.out" || fail "room_gen's closing line: $(tail -n 2 "$T/gen.out")"
ok "states of room_gen taken by the core: $(grep -o "[0-9]* taken," "$T/gen.out" | tr -d " taken,")"
grep -q 'refused 0$' "$T/gen.out" || fail "a command of the real core was refused: $(grep refused "$T/gen.out")"
ok "no command of the real core was refused by a simulated kiosk"
same "kiosk A refused no command" "$(grep -c command-refused "$T/A/kiosk.log")" 0
same "kiosk B refused only the forged one" "$(grep -c command-refused "$T/B/kiosk.log")" 1
kiosks_stop
core_stop
same "the core stops cleanly" "$core_rc" 0
done_ok

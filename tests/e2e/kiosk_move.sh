#!/bin/sh
# kiosk_move.sh -- a participant moves seats: kiosk A (Xvfb) answers some items, its
# journal reaches the core's replica event by event, A is killed (kill -9); kiosk B
# refuses the participant while A holds the attempt's lease, the operator moves it
# (core room move), and on B the participant identifies and goes on at the same
# question with the same time left (trace and journal), B's journal saying where it
# came from (J_ARRIVED). Then the LAN
# goes (the core stopped): B's answers wait in its journal and reach the core when it
# is back. Screenshots go to tests/out/kiosk/ with KISI_E2E_SHOTS.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; sit_stop; rm -rf "$T"' EXIT
DB=${KISI_E2E_DB:-sqlite:$T/core.db}

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
NIP=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add" "$rc" 0
ccore --db "$DB" session add "$R/demo.session"; same "session add" "$rc" 0
core_start "$DB" || fail "core start: $(cat "$T/core.err")"
ok "core up at $URL"
CORE_URL=$URL

# sql FILE QUERY -- the first column of the first row of QUERY on the SQLite file FILE
sql() { python3 -c 'import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
r = c.execute(sys.argv[2]).fetchone()
print(r[0] if r and r[0] is not None else 0)' "$1" "$2"; }
# held -- the events of NIP's attempt the core holds (read beside the core, read-only)
held() {
    case $DB in
        sqlite:*) sql "${DB#sqlite:}" "SELECT MAX(seq) FROM replica WHERE attempt LIKE '%/$NIP'" ;;
        *) psql -At "$DB" -c "SELECT COALESCE(MAX(seq), 0) FROM replica WHERE attempt LIKE '%/$NIP'" ;;
    esac
}
# events DIR -- the events of NIP's attempt in the journal of the kiosk at DIR
events() { sql "$1/journal.db" "SELECT MAX(seq) FROM events WHERE attempt LIKE '%/$NIP'"; }
# approve DIR -- approves the kiosk whose state folder is DIR, once it has enrolled
approve() {
    k=$(pubhex "$1/kiosk.key" | cut -c1-16)
    enrolled() { "$CORE" --db "$DB" ${CORE_KEY:+--key-file "$CORE_KEY"} kiosk list 2>/dev/null | grep -q "$k"; }
    wait_for "kiosk $2 enrols" enrolled
    ccore --db "$DB" kiosk approve "$k"; same "the operator approves kiosk $2" "$rc" 0
}
left_of() { sed -n 's/.* left=\([0-9]*\).*/\1/p'; }

# -- seat A: the participant answers three items and moves on to the fourth ---------
sit_start "$R/latsar.bank" "$R/demo.session" "$T/a" --core "$CORE_URL" --seat A01 --lang en
approve "$T/a" A01
kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_wait screen=wait || fail "token screen on A: $(kd_state)"
kd_type "$(cat "$R/token")"; kd_keys Return
kd_wait screen=instructions || fail "instructions on A: $(kd_state)"
kd_keys Return
kd_wait screen=exam item=1 || fail "exam on A: $(kd_state)"
kd_keys a Right b Right a Right
kd_wait screen=exam "item=4 " "answered=3 " || fail "answers on A: $(kd_state)"
ok "seat A: three answers, the fourth question on screen"
caught_up() { n=$(events "$T/a"); [ "$n" -gt 0 ] && [ "$(held)" = "$n" ]; }
wait_for "the core's replica holds every event of A's journal" caught_up
A_LEFT=$(kd_state | left_of)
A_EVENTS=$(events "$T/a")
A_KEY=$(pubhex "$T/a/kiosk.key")
kd_kill9
ok "seat A killed (kill -9) with $A_EVENTS events journalled, ${A_LEFT}s left on its screen"

# -- seat B: the same participant goes on where A stood --------------------------------
kd_start_kiosk --bank "$R/latsar.bank" --session "$R/demo.session" \
    --authority "$R/authority.pub" --state "$T/b" --strings "$ROOT/assets/strings" \
    --core "$CORE_URL" --seat B07 --lang en || fail "kiosk B: $(tail -n 3 "$KD_LOG")"
kd_wait screen=identify || fail "identify on B: $(kd_state)"
approve "$T/b" B07
kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_wait screen=wait || fail "token screen on B: $(kd_state)"
kd_type "$(cat "$R/token")"; kd_keys Return
kd_wait screen=identify msg=lease.refused || fail "B takes the attempt A holds: $(kd_state)"
grep -q "lease-refused NIP $NIP is held by seat A01" "$T/b/kiosk.log" ||
    fail "B's refusal does not name A01: $(grep lease "$T/b/kiosk.log")"
ok "seat B refuses the participant while seat A (dead) holds the attempt, naming A01"
NIP2=$(sed -n 3p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
ccore --db "$DB" room move "$R/demo.session" "$NIP2" B07
refused "core room move of a participant holding no seat"; ok "core room move of a participant holding no seat is refused: $(cat "$T/err")"
ccore --db "$DB" room move "$R/demo.session" 12x B07
refused "core room move of no NIP"; ok "core room move of no NIP is refused: $(cat "$T/err")"
ccore --db "$DB" room move "$R/demo.session" "$NIP" B07
same "the operator moves the participant to seat B07 (core room move)" "$rc" 0
T0=$(date +%s)
kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_wait screen=exam "item=4 " "answered=3 " || fail "B does not go on where A stood: $(kd_state)"
ok "seat B shows the fourth question with the three answers given on A"
B_LEFT=$(kd_state | left_of)
[ -n "$B_LEFT" ] && [ -n "$A_LEFT" ] || fail "no time left in the traces (A '$A_LEFT', B '$B_LEFT')"
# B starts from the time charged at A's last event: at most the 10 s between two saves of
# the clock more than A showed, never less than A showed minus the seconds B took
[ "$B_LEFT" -le $((A_LEFT + 11)) ] && [ "$B_LEFT" -ge $((A_LEFT - ($(date +%s) - T0) - 2)) ] ||
    fail "time left: ${A_LEFT}s on A, ${B_LEFT}s on B"
ok "the same time left: ${A_LEFT}s on A when killed, ${B_LEFT}s on B (the time between not charged)"
ARRIVED=$(sql "$T/b/journal.db" "SELECT payload FROM events WHERE kind = 18 AND attempt LIKE '%/$NIP'")
same "B journals J_ARRIVED from A's kiosk" "$ARRIVED" "{\"from\":\"$A_KEY\"}"
USED_A=$(sql "$T/b/journal.db" "SELECT used_ms FROM events WHERE seq = $A_EVENTS AND attempt LIKE '%/$NIP'")
USED_B=$(sql "$T/b/journal.db" "SELECT used_ms FROM events WHERE kind = 18 AND attempt LIKE '%/$NIP'")
[ $((USED_B - USED_A)) -ge 0 ] && [ $((USED_B - USED_A)) -lt 1000 ] ||
    fail "time charged: ${USED_A} ms at A's last event, ${USED_B} ms at the arrival"
ok "the time charged goes on from A's last event (${USED_A} ms, ${USED_B} ms at the arrival)"
if [ -n "${KISI_E2E_SHOTS:-}" ]; then kd_shot "$KISI_E2E_SHOTS/en-moved-seat-b.png"; fi

# -- the LAN goes: B's answers wait in its journal, then catch up ---------------------
core_stop
kd_keys a Right
kd_wait screen=exam "item=5 " "answered=4 " || fail "answer on B without the core: $(kd_state)"
B_EVENTS=$(events "$T/b")
[ "$(held)" -lt "$B_EVENTS" ] || fail "the core holds $(held) of $B_EVENTS events while stopped"
ok "with the core stopped B goes on: $B_EVENTS events journalled, $(held) at the core"
# the core comes back at the same address (the kiosks know only that one)
"$CORE" --db "$DB" ${CORE_KEY:+--key-file "$CORE_KEY"} --listen "${CORE_URL#http://}" \
    --operator-token-file "$T/operator.token" >"$T/core.out" 2>"$T/core.err" &
CPID=$!
back() { grep -q '^core listening on ' "$T/core.out" || { kill -0 "$CPID" || fail "core restart: $(cat "$T/core.err")"; false; }; }
wait_for "the core is back at $CORE_URL" back
caught_b() { n=$(events "$T/b"); [ "$(held)" = "$n" ]; }
wait_for "the core's replica catches up with B's journal once the core is back" caught_b
grep -q 'replica-refused' "$T/b/kiosk.log" && fail "B's replica was refused: $(grep replica-refused "$T/b/kiosk.log")"
ok "no push of B was refused"

sit_stop
core_stop
same "the core stops cleanly" "$core_rc" 0
done_ok

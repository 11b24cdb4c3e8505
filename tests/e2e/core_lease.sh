#!/bin/sh
# core_lease.sh -- one seat per attempt with real kiosks under Xvfb: a participant who sits at
# seat A03 is refused at a second seat (B07), which names A03 (kiosk trace and log) and takes
# the next participant; the same seat again takes its own attempt; a kiosk whose core is down
# starts the sitting anyway, journals J_LEASE offline and its result carries started-offline.
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
core_start "$DB" || fail "core start: $(cat "$T/core.err")"
ok "core up at $URL"
TOKEN=$(cat "$R/token")
nip_of() { sed -n "$1p" "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1; }
pin_of() { sed -n "$1p" "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3; }
NIP1=$(nip_of 2); PIN1=$(pin_of 2); NIP2=$(nip_of 3); PIN2=$(pin_of 3); NIP3=$(nip_of 4); PIN3=$(pin_of 4)

# seat STATE LABEL [URL] -- a kiosk at seat LABEL, enrolled and approved at the core
seat() {
    sit_start "$R/latsar.bank" "$R/demo.session" "$1" --core "${3:-$URL}" --seat "$2" --lang en
    [ -n "${3:-}" ] && return 0
    key=$1/kiosk.key
    wait_for "the kiosk at $2 enrols" test -s "$key"
    pending() { "$CORE" --db "$DB" kiosk list 2>/dev/null | grep -q " pending .* $(pubhex "$key") "; }
    wait_for "  and is listed pending" pending
    ccore --db "$DB" kiosk approve "$(pubhex "$key" | cut -c1-12)"; same "  approved" "$rc" 0
    wait_for "  and has pinned the core's key" test -s "$1/core.pub"
}
# identify NIP PIN [token] -- types NIP and PIN, then (the session still locked) the token
identify() {
    kd_type "$1"; kd_keys Return; kd_type "$2"; kd_keys Return
    [ -z "${3:-}" ] && return 0
    kd_wait screen=wait || fail "token screen: $(kd_state)"
    kd_type "$TOKEN"; kd_keys Return
}

# -- seat A03 takes the attempt ------------------------------------------------------
seat "$T/a03" A03
identify "$NIP1" "$PIN1" token
kd_wait screen=instructions || fail "A03 instructions: $(kd_state)"
grep -q " lease-held NIP $NIP1 on this seat" "$T/a03/kiosk.log" || fail "A03 log: $(tail -n 5 "$T/a03/kiosk.log")"
ok "seat A03 holds the attempt of $NIP1 (lease-held in its log)"
kd_keys Return
kd_wait screen=exam item=1 || fail "A03 exam: $(kd_state)"
kd_kill9

# -- the same NIP at seat B07: refused, naming A03; the next participant sits there --
seat "$T/b07" B07
identify "$NIP1" "$PIN1" token
kd_wait screen=identify msg=lease.refused || fail "B07 should refuse $NIP1: $(kd_state)"
ok "seat B07 refuses $NIP1 (trace: $(kd_state))"
grep -q " lease-refused NIP $NIP1 is held by seat A03\$" "$T/b07/kiosk.log" \
    || fail "B07 log: $(tail -n 5 "$T/b07/kiosk.log")"
ok "its log names the seat holding the attempt"
if [ -n "${KISI_E2E_SHOTS:-}" ]; then sleep 1; kd_shot "$KISI_E2E_SHOTS/en-lease-refused.png"; fi
identify "$NIP2" "$PIN2"
kd_wait screen=instructions || fail "B07 takes $NIP2: $(kd_state)"
ok "seat B07 takes the next participant"
kd_kill9

# -- seat A03 again (a restart): its own attempt resumes --------------------------------
kd_start_kiosk --bank "$R/latsar.bank" --session "$R/demo.session" --authority "$R/authority.pub" \
    --state "$T/a03" --strings "$ROOT/assets/strings" --core "$URL" --seat A03 --lang en \
    || fail "A03 restart: $(tail -n 3 "$KD_LOG")"
kd_wait screen=wait msg=wait.resume || fail "A03 resume asks for the token: $(kd_state)"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=exam || fail "A03 resumes: $(kd_state)"
ok "seat A03 resumes its attempt after a restart (its lease is its own)"
kd_kill9

# -- the core down: the sitting starts without it, and says so ---------------------------
core_stop
seat "$T/c01" C01 "$URL"
identify "$NIP3" "$PIN3" token
kd_wait screen=instructions || fail "C01 starts without the core: $(kd_state)"
grep -q " lease-offline NIP $NIP3: core unreachable" "$T/c01/kiosk.log" || fail "C01 log: $(tail -n 5 "$T/c01/kiosk.log")"
ok "with the core down the sitting starts (lease-offline in the log)"
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP3" 3 >"$T/plan3"
kd_keys Return
kd_wait screen=exam item=1 || fail "C01 exam: $(kd_state)"
n=0; a=0
while IFS= read -r keys; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    [ -n "$keys" ] && { kd_keys $keys; a=$((a + 1)); }
    kd_wait screen=exam "item=$n " "answered=$a " || fail "answer $n: $(kd_state)"
    kd_keys Right
done <"$T/plan3"
kd_keys s; kd_wait screen=confirm || fail "confirm: $(kd_state)"
kd_keys Tab Return
kd_wait screen=result || fail "result: $(kd_state)"
sit_stop
RES=$(ls "$T"/c01/outbox/*.json 2>/dev/null | head -n 1)
[ -n "$RES" ] || fail "no result in the outbox"
same "the result carries the incident started-offline" \
    "$(jget "$RES" '[i["what"] for i in j["incidents"]].count("started-offline")')" 1
python3 - "$T/c01/journal.db" <<'PYEOF' || fail "journal: no J_LEASE offline"
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
rows = db.execute("SELECT payload FROM events WHERE kind = 19").fetchall()
assert rows == [('{"state":"offline"}',)], rows
PYEOF
ok "the journal records J_LEASE offline"
done_ok

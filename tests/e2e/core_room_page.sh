#!/bin/sh
# core_room_page.sh -- the proctor's room page (assets/web/room*.html) in Chromium against a real
# core serving it (--web-dir): thirteen enrolled kiosks simulated by tests/browser/room_kiosks.mjs
# send signed states, the page signs in with the session's proctor code and drives every action
# (tests/browser/room_page.mjs). KISI_E2E_SHOTS=DIR keeps the screenshots (docs/img/room-*.png).
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; rm -rf "$T"' EXIT
DB=${KISI_E2E_DB:-sqlite:$T/core.db}
SHOTS=${KISI_E2E_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
D=$T/page
mkdir -p "$D"

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
# a second session of the same bank, for a proctor who must not see this room
run session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam quiz-akuntabel \
    --roster "$ROOT/assets/bank/roster.csv" --out "$T/other.session" --proctor-code-out "$D/other-code"
[ "$rc" -eq 0 ] || fail "second session: $(cat "$T/err")"
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add" "$rc" 0
ccore --db "$DB" session add "$R/demo.session"; same "session add" "$rc" 0
sed -n 's/^session \([0-9a-f]*\) added.*/\1/p' "$T/out" >"$D/session.id"
ccore --db "$DB" session add "$T/other.session"; same "second session add" "$rc" 0
sed -n 's/^session \([0-9a-f]*\) added.*/\1/p' "$T/out" >"$D/other-session.id"
[ -s "$D/session.id" ] && [ -s "$D/other-session.id" ] || fail "no session id in: $(cat "$T/out")"
cp "$R/proctor-code" "$D/proctor-code"
cp "$ROOT/assets/bank/roster.csv" "$D/roster.csv"
cp "$T/operator.token" "$D/operator.token"
core_start "$DB" --web-dir "$ROOT/assets/web" || fail "core start: $(cat "$T/core.err")"
ok "core up at $URL, serving the pages"

get_anon /web/room.html; status_is "the room page needs no sign-in (it holds no data)" 200
get_anon /web/room-print.html; status_is "so does its print page" 200
get_anon /v1/proctor/room; status_is "the room's data does" 401

# each kiosk enrols from an address of its own (127.0.0.1NN), as the PCs of a lab do: the core
# takes few new kiosks from one address
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13; do
    openssl genpkey -algorithm ed25519 -out "$D/k$i.pem" 2>/dev/null || fail "kiosk key $i"
    POST_FROM=127.0.0.1$i
    enrol "$D/k$i.pem" "lab-$i"
    POST_FROM=
    [ "$code" = 200 ] || [ "$code" = 201 ] || [ "$code" = 202 ] || fail "enrol $i: HTTP $code $(cat "$T/body")"
    ccore --db "$DB" kiosk approve "$(pubhex "$D/k$i.pem" | cut -c1-16)"
    [ "$rc" -eq 0 ] || fail "approve $i: $(cat "$T/err")"
done
ok "thirteen kiosks enrolled and approved"

sh "$ROOT/tests/browser/run.sh" room_page.mjs "$URL" "$D" "$SHOTS" >"$T/browser" 2>&1
brc=$?
sed 's/^/     /' "$T/browser"
[ "$brc" -eq 0 ] || fail "the room page in Chromium (exit $brc)"
ok "the room page in Chromium: $(tail -n 1 "$T/browser")"
core_stop
same "the core stops cleanly" "$core_rc" 0
done_ok

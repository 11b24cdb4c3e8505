#!/bin/sh
# core_outage.sh -- results sat while the grading core is down wait in the kiosk's outbox
# and, once the core is up and the kiosk approved, every result arrives exactly once.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; sit_stop; rm -rf "$T"' EXIT
DB=sqlite:$T/core.db

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add" "$rc" 0
ccore --db "$DB" session add "$R/demo.session"; same "session add" "$rc" 0

# an address for the core that nothing answers: the network is down. The port comes
# from the kernel's ephemeral range (not the 18080+ range the other core tests scan),
# which it does not hand out again soon.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
  || fail "no free port"
URL=http://127.0.0.1:$PORT
ok "the core is down (port $PORT)"

NIP1=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN1=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
NIP2=$(sed -n 3p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN2=$(sed -n 3p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP1" 30 >"$T/plan1"
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP2" 20 40 >"$T/plan2"
sit_start "$R/latsar.bank" "$R/demo.session" "$T/k" --core "$URL" --lang "${KISI_E2E_LANG:-id}"
sit "$NIP1" "$PIN1" "$(cat "$R/token")" "$T/plan1"
sit "$NIP2" "$PIN2" "$(cat "$R/token")" "$T/plan2"
queued=$(ls "$T/k/outbox" | grep -c '\.json$')
same "both results wait in the outbox while the core is down" "$queued" 2
[ -z "$(ls "$T/k/sent" 2>/dev/null)" ] || fail "something was sent with no core"
ok "nothing was delivered and nothing was lost"
KLOG=$T/k/kiosk.log
grep -q ' delivery core-unreachable: .*; [0-9]* waiting$' "$KLOG" || fail "kiosk.log: $(cat "$KLOG")"
ok "the kiosk's log says the core is unreachable, and why"
same "the outage is one line, not one per retry" "$(grep -c ' delivery core-unreachable' "$KLOG")" 1
# KISI_E2E_SHOTS=DIR: screenshots of the footer in its states, to look at (in the
# language KISI_E2E_LANG, id by default)
shot() {
    [ -n "${KISI_E2E_SHOTS:-}" ] || return 0
    sleep 6   # the kiosk refreshes the footer every 5 s
    kd_shot "$KISI_E2E_SHOTS/$1.png"
}
shot footer-core-unreachable

# the core comes back on the same address
"$CORE" --db "$DB" --listen "127.0.0.1:$PORT" >"$T/core.out" 2>"$T/core.err" &
CPID=$!
listed() { "$CORE" --db "$DB" kiosk list 2>/dev/null | grep -q pending; }
delivered() { [ "$(ls "$T/k/sent" 2>/dev/null | grep -c '\.json$')" -eq 2 ]; }
wait_for "the kiosk enrols itself once the core is back (pending)" listed
K=$(pubhex "$T/k/kiosk.key")
KID=$("$CORE" --db "$DB" kiosk list 2>/dev/null | awk '$2 == "pending" { print $1 }')
wait_for "the kiosk's log names it awaiting approval with its id" \
    grep -q " delivery awaiting-approval: core kiosk approve $KID; 2 waiting\$" "$KLOG"
shot footer-awaiting-approval
ccore --db "$DB" kiosk approve "$KID"; same "operator approves by the code the kiosk shows" "$rc" 0
wait_for "both waiting results reach the core after the approval" delivered
[ -z "$(ls "$T/k/outbox" | grep '\.json$')" ] || fail "results still queued"
[ -z "$(ls "$T/k/refused" 2>/dev/null)" ] || fail "refused: $(cat "$T"/k/refused/*.reason)"
ok "the outbox is empty and nothing was refused"
same "each delivery is one line of the kiosk's log" "$(grep -c ' upload-sent .*: HTTP 201 stored$' "$KLOG")" 2
shot footer-all-delivered

ccore --db "$DB" history --exam latsar-akademik
same "the core holds each participant's result once" "$(grep -c . "$T/out")" 2
grep -q "\"participant\":\"$NIP1\"" "$T/out" || fail "no result of $NIP1"
grep -q "\"participant\":\"$NIP2\"" "$T/out" || fail "no result of $NIP2"
ok "both participants are in the core's history"

# the stick of the same results, imported after the network delivered them: stored once
ccore --db "$DB" import "$T/k/sent"
same "importing the delivered bundles again succeeds" "$rc" 0
out_has "they are recognised as already stored" "already stored"
ccore --db "$DB" history --exam latsar-akademik
same "still one result per participant" "$(grep -c . "$T/out")" 2
sit_stop
core_stop
done_ok

#!/bin/sh
# kiosk_seat.sh -- the kiosk under Xvfb never bricks a seat and never resumes silently
# wrong: killed (SIGKILL, KISI_CRASH_AT) after the result is in the outbox and before it
# is journalled, a restart finishes with the same bytes and the seat carries on; a
# journal whose WAL was deleted after a kill is shown to the proctor (damage screen),
# the proctor code keeps it aside and a new journal begins; wrong tokens cost a wait
# shown on screen; the process cannot dump core. Screenshots go to tests/out/kiosk/.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/kiosk.inc"
S=$T/state
KARGS="--bank $R/latsar.bank --session $R/demo.session --authority $R/authority.pub --state $S"
kd_start_x 1024x768 || fail "Xvfb"

# Identifies participant NIP/PIN ($1 $2), types the token, starts the exam.
sit_down() {
  kd_type "$1"; kd_keys Return; kd_type "$2"; kd_keys Return
  kd_wait screen=wait || fail "wait screen: $(kd_state)"
  kd_type "$TOKEN"; kd_keys Return
  kd_wait screen=instructions || fail "instructions: $(kd_state)"
  kd_keys Return
  kd_wait screen=exam || fail "exam: $(kd_state)"
}

# -- killed between the outbox and the journal: the same bytes after the restart ----
export KISI_CRASH_AT=stored
# shellcheck disable=SC2086
kd_start_kiosk $KARGS || fail "kiosk start: $(cat "$KD_LOG")"
unset KISI_CRASH_AT
grep -q '^Max core file size *0 *0 ' "/proc/$KD_KPID/limits" || fail "the kiosk may dump core"
ok "the kiosk process has no core size"
kd_wait screen=identify || fail "identify"
sit_down "$NIP" "$PIN"
kd_keys a Right b; kd_wait answered=2 || fail "answers"
kd_keys s; kd_wait screen=confirm || fail "confirm"
kd_keys Tab Return
i=0; while kill -0 "$KD_KPID" 2>/dev/null && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
kill -0 "$KD_KPID" 2>/dev/null && fail "the kiosk did not stop at the crash point"
wait "$KD_KPID" 2>/dev/null; KD_KPID=
RES=$(ls "$S"/outbox/*.json 2>/dev/null | head -n 1)
[ -n "$RES" ] || fail "no result in the outbox before the kill"
cp "$RES" "$T/before.json"; cp "${RES%.json}.sig" "$T/before.sig"
ok "killed after the result reached the outbox, before the journal says so"
sleep 1  # the restart is later: a finish time taken from the clock would differ
# shellcheck disable=SC2086
kd_start_kiosk $KARGS || fail "restart"
kd_wait screen=wait msg=wait.resume || fail "resume: $(kd_state)"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=result || fail "the seat is bricked: $(kd_state)"
cmp -s "$RES" "$T/before.json" || fail "the record written again differs"
cmp -s "${RES%.json}.sig" "$T/before.sig" || fail "the signature written again differs"
[ ! -d "$S/conflict" ] || fail "a conflict was found where none should be"
kd_shot "$SHOTS/20-result-after-crash.png"
ok "the restart finishes with the same record and signature bytes"
kd_keys Return; kd_wait screen=identify || fail "next seat"
ok "the seat carries on"

# -- wrong tokens cost a wait, shown and logged, kept across a restart --------------
kd_kill9
# shellcheck disable=SC2086
kd_start_kiosk $KARGS || fail "restart 2"
kd_wait screen=identify || fail "identify 2"
kd_type "$NIP2"; kd_keys Return; kd_type "$PIN2"; kd_keys Return
kd_wait screen=wait || fail "wait 2: $(kd_state)"
for k in 1 2 3; do kd_type "ACDEFHJKLM"; kd_keys Return; done
kd_wait screen=wait msg=throttle.wait || fail "no wait after wrong tokens: $(kd_state)"
kd_shot "$SHOTS/21-token-wait.png"
grep -q ' token-throttled ' "$S/kiosk.log" || fail "the wait is not logged"
ok "three wrong tokens: the token screen says to wait, the log says so"
sleep 6   # the wait runs out (5 s after the third wrong token)
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=instructions || fail "instructions 3: $(kd_state)"
# -- a kill, then the WAL deleted: shown to the proctor, kept aside -----------------
kd_keys Return; kd_wait screen=exam || fail "exam 3"
kd_keys a Right a Right a; kd_wait answered=3 || fail "answers 3"
kd_kill9
[ -f "$S/journal.db-wal" ] || fail "no WAL to delete"
rm -f "$S/journal.db-wal" "$S/journal.db-shm"
# shellcheck disable=SC2086
kd_start_kiosk $KARGS || fail "restart 3"
kd_wait screen=damage msg=damage.lost || fail "a deleted WAL is not shown: $(kd_state)"
kd_shot "$SHOTS/22-journal-damaged.png"
grep -q ' journal-damaged ' "$S/kiosk.log" || fail "the damage is not logged"
ok "after the WAL was deleted the proctor sees the damage screen, nothing starts over"
kd_type "$PCODE"; kd_keys Return
kd_wait screen=identify || fail "set aside: $(kd_state)"
ls "$S"/damaged/*/journal.db >/dev/null 2>&1 || fail "the damaged journal was not kept"
[ -f "$S/journal.db" ] || fail "no new journal"
ok "the proctor code keeps the damaged journal aside and a new one begins"
if grep -E "ERROR: AddressSanitizer|runtime error:" "$KD_LOG" >/dev/null 2>&1; then
  fail "sanitizer report in the kiosk log: $(grep -m1 -E "ERROR: AddressSanitizer|runtime error:" "$KD_LOG")"
fi
ok "no sanitizer report from the kiosk"
done_ok

#!/bin/sh
# kiosk_sitting.sh -- the kiosk under Xvfb, driven by keyboard as a participant would:
# log in, answer, change answers, flag, review, submit, read the result; kill -9 at
# several points and resume with nothing lost; a remedial attempt with other items and
# a lower ceiling; a timed-out attempt. Screenshots of every screen go to tests/out/kiosk/.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/kiosk.inc"
KARGS="--bank $R/latsar.bank --session $R/demo.session --authority $R/authority.pub --state $T/state"
ok "sample bank sealed, session made"

kd_start_x 1024x768 || fail "Xvfb"
# shellcheck disable=SC2086
kd_start_kiosk $KARGS || fail "kiosk start: $(cat "$KD_LOG")"
kd_wait screen=identify || fail "identify screen"
kd_shot "$SHOTS/01-identify.png"
ok "kiosk starts on the identify screen"

kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_wait screen=wait || fail "wait screen"
kd_shot "$SHOTS/02-wait.png"
kd_type "ACDEFHJKLM"; kd_keys Return
kd_wait screen=wait msg=wait.wrongtoken || fail "wrong token message"
kd_shot "$SHOTS/03-wrong-token.png"
ok "a wrong token is refused with a message"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=instructions || fail "instructions"
kd_shot "$SHOTS/04-instructions.png"
kd_keys Return
kd_wait screen=exam item=1 answered=0 || fail "exam"
ok "token opens the instructions, Enter starts the exam"

# answer 3 items, change the first answer, flag item 2
kd_keys a; kd_wait answered=1 || fail "answer 1"
kd_keys Right b; kd_wait item=2 answered=2 || fail "answer 2"
kd_keys f Right a; kd_wait item=3 answered=3 || fail "answer 3"
kd_keys Left Left b; kd_wait item=1 answered=3 msg=exam.saved || fail "change answer"
kd_shot "$SHOTS/05-exam.png"
ok "answers, a changed answer and a flag are saved"
kd_keys Delete; kd_wait item=1 answered=2 msg=exam.cleared || fail "clear with Delete: $(kd_state)"
kd_shot "$SHOTS/05b-cleared.png"
kd_keys b; kd_wait item=1 answered=3 msg=exam.saved || fail "answer again"
ok "Delete clears a one-answer choice; it can be answered again"

# -- power cut in the middle of the exam -------------------------------------------
kd_kill9
# shellcheck disable=SC2086
kd_start_kiosk $KARGS || fail "restart"
kd_wait screen=wait msg=wait.resume || fail "resume asks for the token"
kd_shot "$SHOTS/06-resume.png"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=exam item=1 answered=3 || fail "resumed at item 1 with 3 answers: $(kd_state)"
ok "after kill -9 the same participant resumes at the same item with 3 answers"

# answer up to item 10, kill again right after an answer
i=1
while [ $i -lt 10 ]; do kd_keys Right d; i=$((i + 1)); done
kd_wait item=10 || fail "item 10"
kd_kill9
# shellcheck disable=SC2086
kd_start_kiosk $KARGS || fail "restart 2"
kd_wait screen=wait || fail "resume 2"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=exam item=10 || fail "resumed at item 10: $(kd_state)"
before=$(kd_state)
ok "second kill -9: resumed at item 10 ($before)"

kd_keys r; kd_wait screen=review || fail "review"
kd_shot "$SHOTS/07-review.png"
kd_keys Escape; kd_wait screen=exam || fail "back from review"
kd_keys s; kd_wait screen=confirm || fail "confirm"
kd_shot "$SHOTS/08-confirm.png"
kd_keys y n Return
kd_wait screen=exam || fail "stray keys and Enter on the default No go back: $(kd_state)"
ok "stray keys on the confirmation do not submit; Enter on the default No goes back"

# -- kill on the confirmation screen, then submit -----------------------------------
kd_keys s; kd_wait screen=confirm || fail "confirm 2"
kd_kill9
# shellcheck disable=SC2086
kd_start_kiosk $KARGS || fail "restart 3"
kd_wait screen=wait || fail "resume 3"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=exam || fail "resume 3 exam"
kd_keys s; kd_wait screen=confirm; kd_keys Tab Return
kd_wait screen=result || fail "result"
kd_shot "$SHOTS/09-result.png"
ok "submitted after a third kill; the result shows at once"

RES=$(ls "$T"/state/outbox/*.json 2>/dev/null | head -n 1)
[ -n "$RES" ] || fail "no result record in the outbox"
[ -f "${RES%.json}.sig" ] || fail "no signature beside the result"
ANSWERED=$(printf '%s\n' "$before" | sed -n 's/.*answered=\([0-9]*\).*/\1/p')
python3 - "$RES" "$T" "$ANSWERED" <<'EOF' || fail "result record content"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["participant"] and r["attempt"] == 1, r["attempt"]
answers = [a for a in r["answers"] if a["v"]]
# as many answers as the screen counted before the last kill (a letter past a
# true/false item's two options answers nothing)
assert len(answers) == int(sys.argv[3]) >= 3, (len(answers), sys.argv[3])
assert r["submitted"] == "participant"
assert r["down_ms"] >= 0 and len(r["incidents"]) >= 0
json.dump(r["form"], open(sys.argv[2] + "/form.json", "w"))
json.dump({a["id"]: a["v"] for a in r["answers"] if a["v"]}, open(sys.argv[2] + "/answers.json", "w"))
json.dump(r["score"], open(sys.argv[2] + "/score.json", "w"), sort_keys=True, separators=(",", ":"))
EOF
"$BANK" score "$R/latsar.bank" --passphrase-file "$R/passphrase" --form "$T/form.json" \
  --answers "$T/answers.json" --json >"$T/bankscore.json" || fail "bank score"
python3 - "$T/score.json" "$T/bankscore.json" <<'EOF' || fail "kiosk score differs from bank score"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a == b, (a, b)
EOF
ok "the result record's score equals bank score on the same form and answers"

# the next participant; the first cannot sit again
kd_keys Return; kd_wait screen=identify || fail "seat locks for the next participant"
kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_wait screen=identify msg=identify.done || fail "second sitting refused"
ok "a participant who submitted cannot sit the same session again"

# three wrong PINs lock the seat; the proctor code of the slip opens it, the token does not
kd_type "$NIP2"; kd_keys Return
for p in 111111 222222 333333; do kd_type $p; kd_keys Return; done
kd_wait screen=locked || fail "seat locked"
kd_shot "$SHOTS/10-locked.png"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=locked msg=proctor.wrong || fail "the token unlocked the seat"
ok "the participant token is no proctor code"
kd_type "$PCODE"; kd_keys Return
kd_wait screen=identify || fail "proctor unlocks"
kd_type "$PIN2"; kd_keys Return
kd_wait screen=instructions || fail "second participant"
ok "three wrong PINs lock the seat until the proctor code"

# closing the window does not quit: it asks for the proctor code
kd_keys alt+F4
kd_keys ctrl+alt+p
kd_wait screen=proctor || fail "proctor prompt"
kd_shot "$SHOTS/11-proctor.png"
kd_keys Escape; kd_wait screen=instructions || fail "back from the prompt"
kill -0 "$KD_KPID" || fail "kiosk quit"
ok "the kiosk stays up; quitting needs the proctor code"
kd_keys ctrl+alt+p; kd_type "$PCODE"; kd_keys Return
i=0; while kill -0 "$KD_KPID" 2>/dev/null && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
kill -0 "$KD_KPID" 2>/dev/null && fail "kiosk did not quit with the proctor code"
KD_KPID=
ok "the proctor code quits"

# -- a remedial attempt: other items, the lower ceiling ----------------------------
# earlier attempts 1-3 of the first participant, as the core would export them
python3 - "$T/form.json" "$T/hist.jsonl" <<'EOF' || fail "history"
import json, sys
f = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as out:
    for a in (1, 2, 3):
        g = dict(f); g["attempt"] = a
        out.write(json.dumps(g) + "\n")
EOF
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam latsar-akademik \
  --roster "$ASSETS/roster-small.csv" --history "$T/hist.jsonl" --out "$T/rem.session" \
  >"$T/rem.token" 2>/dev/null || fail "remedial session"
# shellcheck disable=SC2086
kd_start_kiosk --bank $R/latsar.bank --session $T/rem.session --authority $R/authority.pub \
  --state $T/state || fail "kiosk on the remedial session"
kd_wait screen=identify
kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_type "$(cat "$T/rem.token")"; kd_keys Return
kd_wait screen=instructions || fail "remedial instructions"
kd_shot "$SHOTS/12-remedial-instructions.png"
kd_keys Return; kd_wait screen=exam || fail "remedial exam"
kd_keys s; kd_wait screen=confirm; kd_keys Tab Return
kd_wait screen=result || fail "remedial result"
REM=$(ls "$T"/state/outbox/*-4.json 2>/dev/null | head -n 1)
[ -n "$REM" ] || fail "no attempt-4 result"
python3 - "$REM" "$T/form.json" <<'EOF' || fail "remedial form"
import json, sys
r, f = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert r["attempt"] == 4 and r["score"]["ceiling"] == 9001, (r["attempt"], r["score"])
old = {i["id"] for i in f["items"]}
new = {i["id"] for i in r["form"]["items"]}
assert not (old & new), sorted(old & new)
EOF
ok "remedial attempt 4 holds no earlier item and its ceiling is 90.01"
kd_stop

# -- a timed-out attempt, the time running out on the review screen ------------------
cat >"$T/q1.json" <<'EOF'
{"id":"kilat","title":"Kuis kilat","kind":"quiz","minutes":1,"quotas":{"a2-loyal":3}}
EOF
"$BANK" exam-add "$R/latsar.bank" --passphrase-file "$R/passphrase" "$T/q1.json" >/dev/null || fail "exam"
"$BANK" seal "$R/latsar.bank" --key "$R/authority.key" >/dev/null || fail "reseal"
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam kilat \
  --roster "$ASSETS/roster-small.csv" --out "$T/kilat.session" >"$T/kilat.token" 2>/dev/null \
  || fail "kilat session"
kd_start_x 1920x1080 || fail "Xvfb 1920"
# shellcheck disable=SC2086
kd_start_kiosk --bank $R/latsar.bank --session $T/kilat.session --authority $R/authority.pub \
  --state $T/state2 || fail "kiosk kilat"
kd_wait screen=identify
kd_type "$NIP2"; kd_keys Return; kd_type "$PIN2"; kd_keys Return
kd_type "$(cat "$T/kilat.token")"; kd_keys Return; kd_wait screen=instructions
kd_keys Return; kd_wait screen=exam || fail "kilat exam"
kd_keys b; kd_wait answered=1
kd_shot "$SHOTS/13-exam-1920.png"
kd_keys r; kd_wait screen=review || fail "kilat review"
kd_shot "$SHOTS/14-review-clock-1920.png"
kd_wait_secs 200 screen=timeout || fail "no time-out after 200 s"
kd_shot "$SHOTS/15-timeout-1920.png"
ok "the time running out on the review screen is said on screen"
sleep 1
kd_state | grep -q screen=timeout || fail "the time-out notice went away by itself: $(kd_state)"
kd_keys Return; kd_wait screen=result || fail "Enter on the notice shows the result"
kd_shot "$SHOTS/16-timeout-result.png"
python3 - "$T"/state2/outbox/*.json <<'EOF' || fail "time-out record"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["submitted"] == "timeout", r["submitted"]
assert sum(1 for a in r["answers"] if a["v"]) == 1
EOF
ok "a timed-out attempt is submitted with what was answered"
kd_stop
# under the sanitizers: no memory error and no undefined behaviour in any kiosk run
if grep -E "ERROR: AddressSanitizer|runtime error:" "$KD_LOG" >/dev/null 2>&1; then
  fail "sanitizer report in the kiosk log: $(grep -m1 -E "ERROR: AddressSanitizer|runtime error:" "$KD_LOG")"
fi
ok "no sanitizer report from the kiosk"
done_ok

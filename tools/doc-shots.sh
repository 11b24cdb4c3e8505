#!/bin/sh
# doc-shots.sh -- remakes the screenshots of the participant's and proctor's guides.
# Usage: sh tools/doc-shots.sh [OUTDIR]          (default: docs/img)
#
# Runs the real kiosk in a virtual display (Xvfb, 1024x768) on the sample bank
# (tools/sample-bank.sh), once in Indonesian and once in English, drives it by keyboard
# as a participant and a proctor would, and saves each screen as OUTDIR/LANG-NAME.png,
# shrunk to 800 pixels wide and 64 colours. Takes about three minutes: the time
# warnings need a short exam to run for a minute.
#
# Needs bin/kiosk and bin/bank (`make`), Xvfb, xdotool, imagemagick and python3.
# KISI_BIN=DIR takes kiosk and bank from DIR instead of bin/.
# Every process it starts (Xvfb, kiosk) is stopped by its pid when it ends.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${KISI_BIN:-$here/bin}
out=${1:-$here/docs/img}
BANK=$bin/bank
KD_KIOSK=$bin/kiosk
for p in "$BANK" "$KD_KIOSK"; do
  [ -x "$p" ] || { echo "doc-shots: $p is missing; run make first" >&2; exit 1; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kisi-doc-shots.XXXXXX")
KD_TRACE=$work/trace
KD_LOG=$work/kiosk.log
. "$here/tools/kiosk-drive.inc"

# -- several kiosks at once (the timed ones run while others are driven) -------------
# A context is the set of kiosk-drive.inc globals of one virtual display + kiosk.
CTXS=""
ctx_save() {
  eval "C_$1=\"\${KD_XPID:--} \${KD_KPID:--} \$KD_DISPLAY \$KD_TRACE\""
  case " $CTXS " in *" $1 "*) ;; *) CTXS="$CTXS $1" ;; esac
}
ctx_load() {
  eval "set -- \$C_$1"
  KD_XPID=$1 KD_KPID=$2 KD_DISPLAY=$3 KD_TRACE=$4
  [ "$KD_XPID" = - ] && KD_XPID=
  [ "$KD_KPID" = - ] && KD_KPID=
  return 0
}
# ctx_stop NAME: kd_stop on one saved context, which is then forgotten.
ctx_stop() {
  ctx_load "$1"
  kd_stop
  CTXS=$(printf '%s\n' $CTXS | grep -vx "$1" | tr '\n' ' ')
  KD_XPID= KD_KPID=
}
# kd_stop on every saved context, then on the current one.
stop_all() {
  for c in $CTXS; do
    ctx_load "$c"
    kd_stop
  done
  CTXS=""
  kd_stop
}
cleanup() {
  st=$?
  set +e
  stop_all
  rm -rf "$work"
  exit $st
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

fail() { echo "doc-shots: $*" >&2; [ -s "$KD_LOG" ] && tail -n 3 "$KD_LOG" >&2; exit 1; }

# shot NAME: the current display as $out/$L-NAME.png (after the kiosk has painted)
shot() {
  sleep 0.4
  kd_shot "$work/raw.png"
  convert "$work/raw.png" -resize 800x +dither -colors 64 -strip "$out/$L-$1.png"
  echo "  $L-$1.png ($(( $(wc -c <"$out/$L-$1.png") / 1024 )) KB)"
}

# roster row N (2 = first participant): "nip pin"
person() { sed -n "${1}p" "$here/assets/bank/roster.csv" | tr -d '\r' | awk -F, '{print $1, $3}'; }

# keys FORM PLAN: xdotool key names that answer a drawn form (bank draw --json) from item 1,
# moving on with Right. PLAN: "right" (every item correct), or "demo" (a few wrong, items
# 20 and 37 left unanswered, items 12 and 20 flagged). Keys come from the sample CSV.
keys() {
  python3 - "$1" "$2" "$here/assets/bank/latsar.csv" <<'EOF'
import csv, json, sys
form, plan, bank = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
key = {r["id"]: r["key"] for r in csv.DictReader(open(bank, encoding="utf-8"))}
out = []
for n, it in enumerate(form["items"], 1):
    shown = it["options"]                      # original letters in display order
    right = [chr(97 + shown.index(k)) for k in key[it["id"]]]
    if plan == "demo" and n in (20, 37):
        press = []
    elif plan == "demo" and n % 7 == 3:
        press = [next(chr(97 + i) for i in range(len(shown)) if chr(97 + i) not in right)]
    else:
        press = right
    out += press
    if plan == "demo" and n in (12, 20):
        out.append("f")
    if n < len(form["items"]):
        out.append("Right")
print(" ".join(out))
EOF
}

# first_multi FORM: "N LETTERS" -- the first multiple-response item and its right answer
first_multi() {
  python3 - "$1" "$here/assets/bank/latsar.csv" <<'EOF'
import csv, json, sys
form = json.load(open(sys.argv[1]))
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
for n, it in enumerate(form["items"], 1):
    r = rows[it["id"]]
    if r["kind"] == "multi":
        print(n, " ".join(chr(97 + it["options"].index(k)) for k in r["key"]))
        break
EOF
}

# draw SESSION TOKENFILE NIP OUT: the participant's form, as the kiosk will show it
draw() {
  "$BANK" draw "$R/latsar.bank" --session "$1" --token-file "$2" --participant "$3" --json >"$4"
}

# -- the sample bank, two short exams for the time warnings, a remedial session -------
echo "doc-shots: building the sample bank"
R=$work/room
BANK_TOOL=$BANK sh "$here/tools/sample-bank.sh" "$R" >/dev/null 2>&1 || fail "sample bank"
TOKEN=$(cat "$R/token")
set -- $(person 2); NIP=$1 PIN=$2
cat >"$work/six.json" <<'EOF'
{"id": "kuis-loyal", "title": "Kuis Materi Loyal", "kind": "quiz", "minutes": 6,
 "quotas": {"a2-loyal": 5}}
EOF
cat >"$work/two.json" <<'EOF'
{"id": "kuis-harmonis", "title": "Kuis Materi Harmonis", "kind": "quiz", "minutes": 2,
 "quotas": {"a2-harmonis": 5}}
EOF
for e in six two; do
  "$BANK" exam-add "$R/latsar.bank" --passphrase-file "$R/passphrase" "$work/$e.json" >/dev/null
done
"$BANK" seal "$R/latsar.bank" --key "$R/authority.key" >/dev/null
for e in six:kuis-loyal two:kuis-harmonis; do
  "$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam "${e#*:}" \
    --roster "$here/assets/bank/roster.csv" --out "$work/${e%%:*}.session" \
    >"$work/${e%%:*}.token" 2>/dev/null || fail "session ${e#*:}"
done
# the demo participant's attempts 1-3, as the grading core would export them
draw "$R/demo.session" "$R/token" "$NIP" "$work/form1.json"
python3 - "$work/form1.json" "$work/history.jsonl" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as out:
    for a in (1, 2, 3):
        out.write(json.dumps(dict(f, attempt=a)) + "\n")
EOF
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam latsar-akademik \
  --roster "$here/assets/bank/roster.csv" --history "$work/history.jsonl" \
  --out "$work/rem.session" >"$work/rem.token" 2>/dev/null || fail "remedial session"
draw "$work/rem.session" "$work/rem.token" "$NIP" "$work/form4.json"
# a second participant whose form holds a multiple-response item (for that screenshot)
row=3
while :; do
  set -- $(person $row); NIP2=$1 PIN2=$2
  draw "$R/demo.session" "$R/token" "$NIP2" "$work/form2.json"
  MULTI=$(first_multi "$work/form2.json")
  [ -n "$MULTI" ] && break
  row=$((row + 1)); [ $row -gt 41 ] && fail "no form with a multiple-response item"
done
# a tampered copy of the bank (one item's key changed after sealing) and a session
# of another bank
cp "$R/latsar.bank" "$work/tampered.bank"
python3 - "$here/assets/bank/latsar.csv" "$work/changed.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
r = next(r for r in rows if r["kind"] == "single")
r["key"] = "A" if r["key"] != "A" else "B"
w = csv.DictWriter(open(sys.argv[2], "w", encoding="utf-8", newline=""), fieldnames=list(r))
w.writeheader()
w.writerow(r)
EOF
"$BANK" import "$work/tampered.bank" --passphrase-file "$R/passphrase" "$work/changed.csv" >/dev/null
BANK_TOOL=$BANK sh "$here/tools/sample-bank.sh" "$work/other" >/dev/null 2>&1 || fail "other bank"
cp "$work/other/demo.session" "$work/sesi-lain.session"
# the kiosks run in $work, so that a file named on an error screen has a short name
cd "$work"

# kiosk ARGS...: starts the kiosk in language $L with the sample authority key, in a new
# virtual display unless one is running (a restart after a power cut)
kiosk() {
  [ -n "${KD_XPID:-}" ] || kd_start_x 1024x768 || fail "Xvfb"
  kd_start_kiosk --lang "$L" --strings "$here/assets/strings" --authority "$R/authority.pub" \
    "$@" || fail "kiosk did not start"
}

# login NIP PIN TOKEN: identification and token (token empty: the seat already has it)
login() {
  kd_wait screen=identify || fail "identify"
  kd_type "$1"; kd_keys Return; kd_type "$2"; kd_keys Return
  if [ -n "$3" ]; then
    kd_wait screen=wait || fail "wait"
    kd_type "$3"; kd_keys Return
  fi
  kd_wait screen=instructions || fail "instructions"
}

# -- the time warnings: four kiosks run a short exam for a minute ---------------------
echo "doc-shots: starting the short exams (they need a minute)"
for L in id en; do
  for e in six two; do
    KD_TRACE=$work/trace-$L-$e
    set -- $(person $([ $e = six ] && echo 4 || echo 5))
    kiosk --bank "$R/latsar.bank" --session "$work/$e.session" --state "$work/state-$L-$e"
    login "$1" "$2" "$(cat "$work/$e.token")"
    kd_keys Return; kd_wait screen=exam || fail "short exam"
    kd_keys b Right
    kd_wait item=2 answered=1 || fail "short exam answer"
    ctx_save "$L$e"
    KD_XPID= KD_KPID=
  done
done
started=$(date +%s)

# -- start-up errors: a tampered bank, a session of another bank ----------------------
for L in id en; do
  echo "doc-shots: start-up errors ($L)"
  KD_TRACE=$work/trace-err
  kiosk --bank "$work/tampered.bank" --session "$R/demo.session" --state "$work/state-err"
  kd_wait screen=error msg=start.tampered || fail "tampered bank"
  shot error-tampered
  kd_stop
  kiosk --bank "$R/latsar.bank" --session sesi-lain.session --state "$work/state-err"
  kd_wait screen=error msg=start.wrongbank || fail "session of another bank"
  shot error-wrongbank
  kd_stop
done

# -- the warnings (the two-minute exams then run on to their time-out) -----------------
while [ $(( $(date +%s) - started )) -lt 65 ]; do sleep 1; done
for L in id en; do
  ctx_load "${L}six"; kd_wait screen=exam || fail "5-minute warning"; shot warn5
  ctx_stop "${L}six"
  ctx_load "${L}two"; kd_wait screen=exam || fail "1-minute warning"; shot warn1
  kd_keys r; kd_wait screen=review || fail "review with the clock"
  shot review-warn
  ctx_save "${L}two"
  KD_XPID= KD_KPID=
done

# -- the sitting --------------------------------------------------------------------
for L in id en; do
  echo "doc-shots: the sitting ($L)"
  KD_TRACE=$work/trace-$L
  S=$work/state-$L
  set -- --bank "$R/latsar.bank" --session "$R/demo.session" --state "$S"
  kiosk "$@"
  kd_wait screen=identify || fail "identify"
  kd_type "$NIP"; kd_keys Return; kd_type "$PIN"
  shot identify
  kd_keys Return
  kd_wait screen=wait || fail "wait"
  shot wait
  kd_type "$TOKEN"; kd_keys Return
  kd_wait screen=instructions || fail "instructions"
  shot instructions
  kd_keys Return
  kd_wait screen=exam item=1 answered=0 || fail "exam"
  # shellcheck disable=SC2046
  set -- $(keys "$work/form1.json" demo)
  kd_keys "$1"
  kd_wait answered=1 msg=exam.saved || fail "first answer"
  shot exam
  shift
  kd_keys "$@"
  kd_wait screen=exam item=50 answered=48 || fail "answers: $(kd_state)"
  i=50; left=""; while [ $i -gt 12 ]; do left="$left Left"; i=$((i - 1)); done
  # shellcheck disable=SC2086
  kd_keys $left
  kd_wait item=12 || fail "item 12"
  shot exam-flagged
  kd_keys ctrl+h
  shot contrast
  kd_keys ctrl+h ctrl+plus ctrl+plus ctrl+plus
  shot text-large
  kd_keys ctrl+minus ctrl+minus ctrl+minus
  # a power cut: the kiosk is killed and started again
  kd_kill9
  kiosk --bank "$R/latsar.bank" --session "$R/demo.session" --state "$S"
  kd_wait screen=wait msg=wait.resume || fail "resume"
  shot resume
  kd_type "$TOKEN"; kd_keys Return
  kd_wait screen=exam item=12 answered=48 || fail "resumed: $(kd_state)"
  kd_keys r
  kd_wait screen=review || fail "review"
  shot review
  kd_keys s
  kd_wait screen=confirm || fail "confirm"
  shot confirm
  kd_keys Tab Return
  kd_wait screen=result || fail "result"
  shot result
  kd_keys Return
  # the next participant mistypes the PIN three times
  kd_wait screen=identify || fail "next participant"
  kd_type "$NIP2"; kd_keys Return
  for p in 1111 2222 3333; do kd_type $p; kd_keys Return; done
  kd_wait screen=locked || fail "locked"
  shot locked
  kd_type "$TOKEN"; kd_keys Return
  kd_wait screen=identify || fail "unlock"
  kd_type "$PIN2"; kd_keys Return
  kd_wait screen=instructions || fail "second participant"
  kd_keys Return
  kd_wait screen=exam || fail "second exam"
  set -- $MULTI
  n=$1; shift
  i=1; right=""; while [ $i -lt "$n" ]; do right="$right Right"; i=$((i + 1)); done
  # shellcheck disable=SC2086
  [ -n "$right" ] && kd_keys $right
  kd_wait item="$n" || fail "multiple-response item"
  kd_keys "$@"
  kd_wait answered=1 || fail "multiple answer"
  shot exam-multi
  kd_keys ctrl+alt+p
  kd_wait screen=proctor || fail "proctor prompt"
  shot proctor
  kd_type "$TOKEN"; kd_keys Return
  i=0; while kill -0 "$KD_KPID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
  kill -0 "$KD_KPID" 2>/dev/null && fail "the proctor code did not quit the kiosk"
  wait "$KD_KPID" 2>/dev/null || true
  KD_KPID=
  kd_stop

  # a remedial attempt: attempt 4, every answer right, the ceiling of 90.01
  echo "doc-shots: a remedial attempt ($L)"
  kiosk --bank "$R/latsar.bank" --session "$work/rem.session" --state "$work/state-rem-$L"
  login "$NIP" "$PIN" "$(cat "$work/rem.token")"
  shot remedial-instructions
  kd_keys Return
  kd_wait screen=exam || fail "remedial exam"
  # shellcheck disable=SC2046
  kd_keys $(keys "$work/form4.json" right)
  kd_wait item=50 answered=50 || fail "remedial answers: $(kd_state)"
  kd_keys s
  kd_wait screen=confirm || fail "remedial confirm"
  kd_keys Tab Return
  kd_wait screen=result || fail "remedial result"
  shot remedial-result
  kd_stop

  # a power cut, then the journal's write-ahead log deleted: the damage screen
  echo "doc-shots: a damaged journal ($L)"
  kiosk --bank "$R/latsar.bank" --session "$R/demo.session" --state "$work/state-dmg-$L"
  login "$NIP" "$PIN" "$TOKEN"
  kd_keys Return
  kd_wait screen=exam || fail "exam before the damage"
  kd_keys a Right a Right a
  kd_wait answered=3 || fail "answers before the damage"
  kd_kill9
  rm -f "$work/state-dmg-$L/journal.db-wal" "$work/state-dmg-$L/journal.db-shm"
  kiosk --bank "$R/latsar.bank" --session "$R/demo.session" --state "$work/state-dmg-$L"
  kd_wait screen=damage msg=damage.lost || fail "damage screen: $(kd_state)"
  shot journal-damaged
  kd_stop
done
# -- the two-minute exams have run out of time on their review screens ----------------
for L in id en; do
  ctx_load "${L}two"
  kd_wait_secs 120 screen=timeout || fail "no time-out notice"
  shot timeout
  kd_keys Return; kd_wait screen=result || fail "result after the time-out"
  ctx_stop "${L}two"
done
echo "doc-shots: $(ls "$out"/id-*.png "$out"/en-*.png | wc -l) screenshots in $out"

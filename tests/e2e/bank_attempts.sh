#!/bin/sh
# bank_attempts.sh -- attempts from the FORMS.jsonl history: attempt numbers,
# max_attempts of quiz and rpl exams, remedial forms avoiding seen items, and
# the academic ceiling table applied by score.
set -u
. "$(dirname "$0")/lib.inc"

NIP1=199001012015031001
NIP2=198512312010122002
prep "$T/a" "$DATA/known-acad.json" "$DATA/known-quiz.json" "$DATA/known-rpl.json"
B=$T/a/bank.db
P=$T/a/pass
ROSTER=$DATA/roster.csv

# session NAME EXAM [HISTORY] -- makes $T/NAME.sess and its token $T/NAME.tok.
session() {
    if [ $# -ge 3 ]; then set -- "$1" "$2" --history "$3"; fi
    n=$1 e=$2; shift 2
    must "session $n for $e" session "$B" --passphrase-file "$P" --exam "$e" --roster "$ROSTER" "$@" --out "$T/$n.sess"
    cp "$T/out" "$T/$n.tok"
}
# draw NAME NIP -- draws into $T/NAME-NIP.json.
draw() {
    must "draw $2 from session $1" draw "$B" --session "$T/$1.sess" --token-file "$T/$1.tok" --participant "$2" --json
    cp "$T/out" "$T/$1-$2.json"
}
# history FORM FIRST LAST -- prints FORM's line once per attempt FIRST..LAST.
history() {
    i=$2
    while [ "$i" -le "$3" ]; do
        sed "s/\"attempt\":[0-9]*/\"attempt\":$i/" "$1"
        i=$((i + 1))
    done
}

# --- quiz: max_attempts 5, remedial forms --------------------------------
session q1 known-quiz
draw q1 $NIP1
F1=$T/q1-$NIP1.json
same "first quiz form is attempt 1" "$(jget "$F1" 'j["attempt"]')" 1

# Remedial: the history holds attempt 1, plus a line of another exam with a
# high attempt number that must not count for the quiz.
cp "$F1" "$T/q1.jsonl"
sed 's/"known-quiz"/"known-acad"/; s/"attempt":1/"attempt":9/' "$F1" >>"$T/q1.jsonl"
session q2 known-quiz "$T/q1.jsonl"
draw q2 $NIP1
same "the remedial form is attempt 2 (another exam's attempt 9 not counted)" "$(jget "$T/q2-$NIP1.json" 'j["attempt"]')" 2
python3 - "$F1" "$T/q2-$NIP1.json" "$DATA/known-quiz.json" <<'EOF2' || fail "the remedial form repeats items of attempt 1 (see above)"
import json, sys
f1, f2, exam = (json.load(open(p)) for p in sys.argv[1:4])
seen = {i["id"] for i in f1["items"]}
again = [i["id"] for i in f2["items"] if i["id"] in seen]
if again:
    print("  items of attempt 1 on attempt 2:", again); sys.exit(1)
count = {}
for i in f2["items"]:
    count[i["topic"]] = count.get(i["topic"], 0) + 1
if count != exam["quotas"]:
    print("  remedial per-topic counts", count, "quotas", exam["quotas"]); sys.exit(1)
EOF2
ok "the remedial form holds no item of attempt 1 (the pools have unseen items) and meets the quotas"
draw q2 $NIP2
same "in the same session a participant without history sits attempt 1" "$(jget "$T/q2-$NIP2.json" 'j["attempt"]')" 1

history "$F1" 1 4 >"$T/q4.jsonl"
same "history holds 4 lines" "$(wc -l <"$T/q4.jsonl")" 4
session q5 known-quiz "$T/q4.jsonl"
draw q5 $NIP1
same "after attempts 1-4 the quiz form is attempt 5, the last allowed" "$(jget "$T/q5-$NIP1.json" 'j["attempt"]')" 5

history "$F1" 1 5 >"$T/q5.jsonl"
must_fail "a session giving $NIP1 quiz attempt 6 is refused" session "$B" --passphrase-file "$P" \
    --exam known-quiz --roster "$ROSTER" --history "$T/q5.jsonl" --out "$T/q6.sess"
err_has "  names the NIP" "$NIP1"
err_has "  names the limit" "allows 5"
err_has "  names the attempt" "attempt 6"
[ ! -e "$T/q6.sess" ] || fail "the refused session left $T/q6.sess behind"
ok "  no session file left behind"

# Quiz pass mark 7000: 7 of 10 passes (the academic exam fails it).
answers "$F1" 7 >"$T/ans7.json"
must "score 7 of 10 on the quiz" score "$B" --passphrase-file "$P" --form "$F1" --answers "$T/ans7.json" --json
same "quiz 7 of 10 passes at pass mark 7000" "$(cat "$T/out")" '{"raw":7000,"ceiling":10000,"awarded":7000,"band":"Kurang memuaskan","passed":true}'

# --- rpl: max_attempts 1 --------------------------------------------------
session r1 known-rpl
draw r1 $NIP2
same "rpl form is attempt 1" "$(jget "$T/r1-$NIP2.json" 'j["attempt"]')" 1
same "rpl form holds 5 items" "$(jget "$T/r1-$NIP2.json" 'len(j["items"])')" 5
must_fail "a session giving $NIP2 rpl attempt 2 is refused" session "$B" --passphrase-file "$P" \
    --exam known-rpl --roster "$ROSTER" --history "$T/r1-$NIP2.json" --out "$T/r2.sess"
err_has "  names the NIP" "$NIP2"
err_has "  names the limit" "allows 1"
[ ! -e "$T/r2.sess" ] || fail "the refused session left $T/r2.sess behind"
ok "  no session file left behind"
printf 'nip,name,pin\n%s,"Andi\nEvil",1234567890\n' $NIP2 >"$T/nl.csv"
must_fail "rpl attempt 2 refused in one line for a name with a newline" session "$B" \
    --passphrase-file "$P" --exam known-rpl --roster "$T/nl.csv" --history "$T/r1-$NIP2.json" --out "$T/r3.sess"

# --- academic ceiling: attempt 7 is capped at 7001 ------------------------
sed 's/"known-quiz"/"known-acad"/' "$F1" >"$T/acad1.json"
history "$T/acad1.json" 1 6 >"$T/a6.jsonl"
session a7 known-acad "$T/a6.jsonl"
draw a7 $NIP1
same "after attempts 1-6 the academic form is attempt 7" "$(jget "$T/a7-$NIP1.json" 'j["attempt"]')" 7
answers "$T/a7-$NIP1.json" 10 >"$T/ans.json"
must "score a perfect sheet on attempt 7" score "$B" --passphrase-file "$P" --form "$T/a7-$NIP1.json" --answers "$T/ans.json" --json
same "attempt 7 is capped at 7001 and passes" "$(cat "$T/out")" '{"raw":10000,"ceiling":7001,"awarded":7001,"band":"Cukup memuaskan","passed":true}'
answers "$T/a7-$NIP1.json" 6 >"$T/ans.json"
must "score 6 of 10 on attempt 7" score "$B" --passphrase-file "$P" --form "$T/a7-$NIP1.json" --answers "$T/ans.json" --json
same "attempt 7 with 6 of 10 is below the cap and fails" "$(cat "$T/out")" '{"raw":6000,"ceiling":7001,"awarded":6000,"band":"Tidak memuaskan","passed":false}'

# --- malformed history ----------------------------------------------------
printf '{"exam":"known-acad","participant":"%s","attempt":0,"items":[]}\n' $NIP1 >"$T/h0.jsonl"
must_fail "history with attempt 0 is refused" session "$B" --passphrase-file "$P" \
    --exam known-acad --roster "$ROSTER" --history "$T/h0.jsonl" --out "$T/h0.sess"
err_has "  names the line" "line 1"
{ cat "$T/acad1.json"; printf '{"exam":"known-acad"}\n'; } >"$T/h2.jsonl"
must_fail "history line without participant is refused" session "$B" --passphrase-file "$P" \
    --exam known-acad --roster "$ROSTER" --history "$T/h2.jsonl" --out "$T/h2.sess"
err_has "  names the line" "line 2"
[ ! -e "$T/h0.sess" ] && [ ! -e "$T/h2.sess" ] || fail "a refused session left a file behind"
ok "  no session file left behind"
done_ok

#!/bin/sh
# bank_workflow.sh -- the author's happy path end to end: keygen, init, import,
# list, exam-add, seal, verify, session, draw and score, with the secrecy checks
# (no stem text in the clear, token never stored).
set -u
. "$(dirname "$0")/lib.inc"

NIP1=199001012015031001
NIP2=198512312010122002
printf 'kata sandi alur kerja\n' >"$T/pass"

# --- keygen ---------------------------------------------------------------
must "keygen writes a key pair" keygen "$T/auth"
[ -f "$T/auth.key" ] && [ -s "$T/auth.pub" ] || fail "keygen: auth.key or auth.pub missing"
ok "auth.key and auth.pub exist"
same "auth.key has mode 0600" "$(stat -c %a "$T/auth.key")" 600
keysum=$(sha "$T/auth.key"); pubsum=$(sha "$T/auth.pub")
must_fail "keygen refuses to overwrite an existing key pair" keygen "$T/auth"
same "auth.key unchanged by the refused keygen" "$(sha "$T/auth.key")" "$keysum"
same "auth.pub unchanged by the refused keygen" "$(sha "$T/auth.pub")" "$pubsum"
rm "$T/auth.key"
must_fail "keygen refuses when only OUT.pub exists" keygen "$T/auth"
same "auth.pub unchanged when only it existed" "$(sha "$T/auth.pub")" "$pubsum"
[ ! -e "$T/auth.key" ] || fail "keygen wrote auth.key next to a foreign auth.pub"
ok "no auth.key written next to the existing auth.pub"
rm "$T/auth.pub"
must "keygen again once the old pair is gone" keygen "$T/auth"

# --- init and import ------------------------------------------------------
must "init creates a bank" init "$T/bank.db" --passphrase-file "$T/pass"
[ -s "$T/bank.db" ] || fail "init left no bank file"
ok "bank file exists"
must "import the Latsar sample CSV" import "$T/bank.db" --passphrase-file "$T/pass" "$ASSETS/latsar.csv"
nlatsar=$(sed -n 's/^imported \([0-9][0-9]*\) items.*/\1/p' "$T/out")
[ -n "$nlatsar" ] && [ "$nlatsar" -ge 100 ] || fail "import: expected 'imported N items' with N >= 100, got: $(cat "$T/out")"
ok "import reports $nlatsar Latsar items"
must "import the known-key CSV" import "$T/bank.db" --passphrase-file "$T/pass" "$DATA/known.csv"
out_has "import reports 20 new known-key items" "imported 20 items"

# --- list: ids, topics, kinds; no secrets ---------------------------------
must "list" list "$T/bank.db"
cp "$T/out" "$T/list"
head -n 1 "$T/list" | grep -q '^id' || fail "list: no header line"
ok "list starts with a header"
grep -q "$(printf '^kk-alpha-01\tkk-alpha\tsingle\t')" "$T/list" || fail "list: no 'kk-alpha-01 kk-alpha single' line"
ok "list shows kk-alpha-01 with topic and kind single"
grep -q "$(printf '^kk-beta-01\tkk-beta\tmulti\t')" "$T/list" || fail "list: kk-beta-01 is not listed as multi"
ok "list shows kk-beta-01 as multi"
grep -q "$(printf '^kk-beta-02\tkk-beta\ttruefalse\t')" "$T/list" || fail "list: kk-beta-02 is not listed as truefalse"
ok "list shows kk-beta-02 as truefalse"
first=$(sed -n 2p "$ASSETS/latsar.csv" | cut -d, -f1)
grep -q "^$first	" "$T/list" || fail "list: first Latsar item $first missing"
ok "list shows the first Latsar item $first"
nitems=$(grep -c '^kk-' "$T/list")
same "list shows the 20 known-key items" "$nitems" 20
nall=$(grep -vc -e '^id' -e '^exam' "$T/list")
same "list shows one line per imported item" "$nall" $((nlatsar + 20))

# Words that occur only in stems and options (never in ids or topics).
words="Xylofonika Quetzalkoatlus Zebrafinch cendrawasih mercusuar perpustakaan"
nlw=0
for w in Kebangkitan Negarakertagama Bhinneka Sutasoma pergerakan; do
    if grep -q "$w" "$ASSETS/latsar.csv"; then words="$words $w"; nlw=$((nlw + 1)); fi
done
[ "$nlw" -ge 2 ] || fail "fewer than 2 of the chosen Latsar stem words are in latsar.csv any more: update the test"
for w in $words; do
    if grep -qi "$w" "$T/list"; then fail "list shows stem text '$w'"; fi
done
ok "list shows none of the stem words ($words)"
strings "$T/bank.db" | grep -q 'kk-alpha-01' || fail "strings finds no item id in the bank: the secrecy check below would prove nothing"
ok "strings sees the clear item ids in the bank (control)"
for w in $words; do
    n=$(strings "$T/bank.db" | grep -ci "$w")
    [ "$n" -eq 0 ] || fail "stem word '$w' is readable in the bank file ($n hits)"
done
ok "no stem or option word is readable in the bank file"
n=$(strings "$T/bank.db" | grep -c 'kata sandi alur kerja')
same "the passphrase is not in the bank file" "$n" 0

# --- exam-add, seal, verify -----------------------------------------------
must "exam-add known-acad" exam-add "$T/bank.db" --passphrase-file "$T/pass" "$DATA/known-acad.json"
out_has "exam-add reports the form size" "10 items"
must "exam-add latsar-a1" exam-add "$T/bank.db" --passphrase-file "$T/pass" "$DATA/latsar-a1.json"
must "list after exam-add" list "$T/bank.db"
grep -q "$(printf '^exam\tknown-acad$')" "$T/out" || fail "list does not show exam known-acad"
ok "list shows exam known-acad"
must "seal" seal "$T/bank.db" --key "$T/auth.key"
must "verify a freshly sealed bank" verify "$T/bank.db" --pub "$T/auth.pub"
out_has "verify says untampered" "untampered"

# --- session --------------------------------------------------------------
must "session for known-acad" session "$T/bank.db" --passphrase-file "$T/pass" \
    --exam known-acad --roster "$DATA/roster.csv" --out "$T/s1.sess"
same "session prints exactly one stdout line" "$(wc -l <"$T/out")" 1
tok=$(cat "$T/out")
printf '%s\n' "$tok" | grep -Eq '^[ACDEFHJKLMNPRTUVWXY34679]{10}$' || fail "token '$tok' is not 10 chars of ACDEFHJKLMNPRTUVWXY34679"
ok "token $tok is 10 chars of the proctor alphabet"
printf '%s\n' "$tok" >"$T/tok1"
[ -s "$T/s1.sess" ] || fail "session file not written"
ok "session file written"
same "the token is not in the session file" "$(grep -c "$tok" "$T/s1.sess")" 0
same "the token is not in the bank file" "$(grep -c "$tok" "$T/bank.db")" 0
must "verify still passes after the session" verify "$T/bank.db" --pub "$T/auth.pub"

# --- session --token-out: the token also in a file of its own ---------------
must "session with --token-out" session "$T/bank.db" --passphrase-file "$T/pass" \
    --exam known-acad --roster "$DATA/roster.csv" --out "$T/s3.sess" --token-out "$T/tok3"
same "the token file is mode 0600" "$(stat -c %a "$T/tok3")" 600
same "the token file holds the token printed" "$(cat "$T/tok3")" "$(cat "$T/out")"
same "the token file is one line" "$(wc -l <"$T/tok3")" 1
must "the token file opens the session for draw" draw "$T/bank.db" --session "$T/s3.sess" \
    --token-file "$T/tok3" --participant $NIP1
printf 'KEEP\n' >"$T/tok4"
must_fail "an existing token file is refused" session "$T/bank.db" --passphrase-file "$T/pass" \
    --exam known-acad --roster "$DATA/roster.csv" --out "$T/s4.sess" --token-out "$T/tok4"
err_has "the refusal says it never overwrites" "never overwritten"
same "the existing token file is left as it was" "$(cat "$T/tok4")" KEEP
[ ! -e "$T/s4.sess" ] || fail "a session was written although its token file was refused"
ok "no session written when the token file is refused"
ln -s "$T/elsewhere" "$T/tok5"
must_fail "a symbolic link as token file is refused" session "$T/bank.db" \
    --passphrase-file "$T/pass" --exam known-acad --roster "$DATA/roster.csv" \
    --out "$T/s5.sess" --token-out "$T/tok5"
[ ! -e "$T/elsewhere" ] || fail "the token was written through a symbolic link"
ok "nothing written through the link"
must_fail "a failed session leaves no token file" session "$T/bank.db" \
    --passphrase-file "$T/pass" --exam no-such-exam --roster "$DATA/roster.csv" \
    --out "$T/s6.sess" --token-out "$T/tok6"
[ ! -e "$T/tok6" ] || fail "an empty token file was left behind"
ok "no token file left by a failed session"

# --- session --proctor-code-out and --slip: the proctor's own secret --------
must "session with --proctor-code-out and --slip" session "$T/bank.db" --passphrase-file "$T/pass" \
    --exam known-acad --roster "$DATA/roster.csv" --out "$T/s7.sess" --token-out "$T/tok7" \
    --proctor-code-out "$T/pc7" --slip "$T/slip7.html" --room 'Lab <B> & "C"'
same "the proctor code file is mode 0600" "$(stat -c %a "$T/pc7")" 600
same "the slip is mode 0600" "$(stat -c %a "$T/slip7.html")" 600
pc=$(cat "$T/pc7")
echo "$pc" | grep -Eq '^[ACDEFHJKLMNPRTUVWXY34679]{4}-[ACDEFHJKLMNPRTUVWXY34679]{4}-[ACDEFHJKLMNPRTUVWXY34679]{4}$' \
    || fail "proctor code '$pc' is not 3 groups of 4 of the token alphabet"
ok "the proctor code is 12 characters in groups of 4"
[ "$(echo "$pc" | tr -d -)" != "$(cat "$T/tok7")" ] || fail "the proctor code is the token"
ok "the proctor code is not the token"
raw=$(echo "$pc" | tr -d -)
same "the proctor code is not in the session file" "$(grep -c "$raw" "$T/s7.sess")" 0
same "the proctor code is not printed on stdout" "$(grep -c "$raw" "$T/out")" 0
same "nor on stderr" "$(grep -c "$raw" "$T/err")" 0
grep -qF "$pc" "$T/slip7.html" || fail "the slip lacks the proctor code"
grep -qF "$(cat "$T/tok7")" "$T/slip7.html" || fail "the slip lacks the token"
grep -qF "known-acad" "$T/slip7.html" || fail "the slip lacks the exam"
sid=$(sqlite3 "$T/s7.sess" "SELECT value FROM meta WHERE key = 'session_id'")
grep -qF "$sid" "$T/slip7.html" || fail "the slip lacks the session id"
ok "the slip holds exam, session, token and proctor code"
grep -qF 'Lab &lt;B&gt; &amp; &quot;C&quot;' "$T/slip7.html" || fail "the room is not HTML-escaped"
grep -qF '<B>' "$T/slip7.html" && fail "the room's markup reached the slip"
ok "the room is HTML-escaped on the slip"
grep -qF '@media print' "$T/slip7.html" || fail "the slip has no print style"
ok "the slip has a print style"
printf 'KEEP\n' >"$T/slip8.html"
must_fail "an existing slip is refused" session "$T/bank.db" --passphrase-file "$T/pass" \
    --exam known-acad --roster "$DATA/roster.csv" --out "$T/s8.sess" --token-out "$T/tok8" \
    --proctor-code-out "$T/pc8" --slip "$T/slip8.html"
[ ! -e "$T/s8.sess" ] && [ ! -e "$T/tok8" ] && [ ! -e "$T/pc8" ] \
    || fail "a refused slip left a session, token or proctor code file"
same "the existing slip is left as it was" "$(cat "$T/slip8.html")" KEEP
must_fail "--room without --slip is refused" session "$T/bank.db" --passphrase-file "$T/pass" \
    --exam known-acad --roster "$DATA/roster.csv" --out "$T/s9.sess" --room A
must_fail "a proctor code file named as the token file is refused" session "$T/bank.db" \
    --passphrase-file "$T/pass" --exam known-acad --roster "$DATA/roster.csv" \
    --out "$T/s9.sess" --token-out "$T/same" --proctor-code-out "$T/same"
[ ! -e "$T/s9.sess" ] && [ ! -e "$T/same" ] || fail "a refused session left files"
ok "refused sessions leave no file"

# --- draw -----------------------------------------------------------------
must "draw --json for $NIP1" draw "$T/bank.db" --session "$T/s1.sess" --token-file "$T/tok1" --participant $NIP1 --json
cp "$T/out" "$T/form1.json"
python3 - "$T/form1.json" "$DATA/known-acad.json" "$NIP1" "$DATA/known.csv" <<'EOF' || fail "draw --json: the form does not match the exam (see above)"
import csv, json, sys
form = json.load(open(sys.argv[1]))
exam = json.load(open(sys.argv[2]))
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[4], encoding="utf-8"))}
def need(c, msg):
    if not c:
        print("  form check:", msg); sys.exit(1)
need(isinstance(form, dict), "not an object")
for k in ("exam", "participant", "attempt", "items"):
    need(k in form, "no field " + k)
need(form["exam"] == exam["id"], "exam is %r" % form["exam"])
need(form["participant"] == sys.argv[3], "participant is %r" % form["participant"])
need(form["attempt"] == 1, "attempt is %r" % form["attempt"])
items = form["items"]
need(len(items) == sum(exam["quotas"].values()), "%d items, quota sum %d" % (len(items), sum(exam["quotas"].values())))
count = {}
for it in items:
    count[it["topic"]] = count.get(it["topic"], 0) + 1
    r = rows.get(it["id"])
    need(r is not None, "unknown item " + it["id"])
    need(r["topic"] == it["topic"], "item %s has topic %s" % (it["id"], it["topic"]))
    nopt = sum(1 for l in "abcde" if r[l])
    need(sorted(it["options"]) == [chr(65 + i) for i in range(nopt)],
         "options of %s are %r, not a permutation of %d letters" % (it["id"], it["options"], nopt))
need(count == exam["quotas"], "per-topic counts %r, quotas %r" % (count, exam["quotas"]))
need(len({it["id"] for it in items}) == len(items), "an item appears twice")
EOF
ok "form: exam, participant, attempt 1, 10 items, per-topic counts equal the quotas, options are permutations"
must "draw --json again" draw "$T/bank.db" --session "$T/s1.sess" --token-file "$T/tok1" --participant $NIP1 --json
cmp -s "$T/out" "$T/form1.json" || fail "drawing twice gave different forms"
ok "drawing twice gives the identical form"
must "draw --json for $NIP2" draw "$T/bank.db" --session "$T/s1.sess" --token-file "$T/tok1" --participant $NIP2 --json
cp "$T/out" "$T/form2.json"
[ "$(jget "$T/form1.json" '[(i["id"],i["options"]) for i in j["items"]]')" != \
  "$(jget "$T/form2.json" '[(i["id"],i["options"]) for i in j["items"]]')" ] || fail "two participants got the same form"
ok "another participant gets a different form"
must "draw without --json" draw "$T/bank.db" --session "$T/s1.sess" --token-file "$T/tok1" --participant $NIP1
out_has "human-readable form names the attempt" "attempt 1, 10 items"
must "audit draws the session's forms again" audit "$T/bank.db" --session "$T/s1.sess" --token-file "$T/tok1"
out_has "  and finds the stored ones" "stored forms are the ones draw version 2 gives"
printf 'ACDEFHJKLM\n' >"$T/badtok"
must_fail "audit with a wrong token" audit "$T/bank.db" --session "$T/s1.sess" --token-file "$T/badtok"

must "session for latsar-a1" session "$T/bank.db" --passphrase-file "$T/pass" \
    --exam latsar-a1 --roster "$DATA/roster.csv" --out "$T/s2.sess"
cp "$T/out" "$T/tok2"
must "draw a Latsar form" draw "$T/bank.db" --session "$T/s2.sess" --token-file "$T/tok2" --participant $NIP2 --json
cp "$T/out" "$T/form3.json"
got=$(jget "$T/form3.json" 'sorted((t, sum(1 for i in j["items"] if i["topic"] == t)) for t in {i["topic"] for i in j["items"]})')
want=$(jget "$DATA/latsar-a1.json" 'sorted(j["quotas"].items())')
same "Latsar form per-topic counts equal the quotas" "$got" "$want"

# --- score (known keys) ---------------------------------------------------
score() { # NCORRECT -> $T/out holds the score JSON
    answers "$T/form1.json" "$1" >"$T/ans.json" || fail "building answers"
    must "score $1 of 10 correct" score "$T/bank.db" --passphrase-file "$T/pass" \
        --form "$T/form1.json" --answers "$T/ans.json" --json
}
score 10
same "all correct" "$(cat "$T/out")" '{"raw":10000,"ceiling":10000,"awarded":10000,"band":"Sangat memuaskan","passed":true}'
score 0
same "none correct" "$(cat "$T/out")" '{"raw":0,"ceiling":10000,"awarded":0,"band":"Tidak memuaskan","passed":false}'
score 7
same "7 of 10: below the academic pass mark 7001" "$(cat "$T/out")" '{"raw":7000,"ceiling":10000,"awarded":7000,"band":"Kurang memuaskan","passed":false}'
score 8
same "8 of 10" "$(cat "$T/out")" '{"raw":8000,"ceiling":10000,"awarded":8000,"band":"Cukup memuaskan","passed":true}'
score 9
same "9 of 10" "$(cat "$T/out")" '{"raw":9000,"ceiling":10000,"awarded":9000,"band":"Memuaskan","passed":true}'

echo '{}' >"$T/ans.json"
must "score an empty answer sheet" score "$T/bank.db" --passphrase-file "$T/pass" \
    --form "$T/form1.json" --answers "$T/ans.json" --json
same "unanswered scores 0" "$(jget "$T/out" 'j["raw"]')" 0

# Multi-answer keys are sets: letters in reverse order still count.
answers "$T/form1.json" 10 | python3 -c 'import json,sys; a=json.load(sys.stdin); print(json.dumps({k: v[::-1] for k, v in a.items()}))' >"$T/ans.json"
grep -q '"CA"\|"DB"' "$T/ans.json" || fail "the form holds no multi item to reverse"
must "score with multi answers in reverse letter order" score "$T/bank.db" --passphrase-file "$T/pass" \
    --form "$T/form1.json" --answers "$T/ans.json" --json
same "reversed multi letters still score 10000" "$(jget "$T/out" 'j["raw"]')" 10000

answers "$T/form1.json" 10 >"$T/ans.json"
must "score without --json" score "$T/bank.db" --passphrase-file "$T/pass" \
    --form "$T/form1.json" --answers "$T/ans.json"
out_has "human score line" "Sangat memuaskan"
out_has "human score line says passed" "passed"

must "verify after all the sitting commands" verify "$T/bank.db" --pub "$T/auth.pub"
done_ok

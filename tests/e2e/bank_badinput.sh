#!/bin/sh
# bank_badinput.sh -- every command refuses bad input cleanly: non-zero exit
# below 128 (no crash), exactly one line on stderr, input files unchanged and
# no output file (or journal) left behind.
set -u
. "$(dirname "$0")/lib.inc"

command -v sqlite3 >/dev/null || fail "the sqlite3 command-line shell is needed"
NIP1=199001012015031001
prep "$T/a" "$DATA/known-acad.json"

# All inputs live in $W; a refusal must leave $W exactly as it was.
W=$T/w
mkdir "$W"
cp "$T/a/bank.db" "$T/a/pass" "$T/a/auth.key" "$T/a/auth.pub" "$W/"
cp "$DATA/roster.csv" "$W/roster.csv"
B=$W/bank.db
P=$W/pass
run session "$B" --passphrase-file "$P" --exam known-acad --roster "$W/roster.csv" --out "$W/s.sess"
[ "$rc" -eq 0 ] || fail "preparing a session: exit $rc"
cp "$T/out" "$W/tok"
run draw "$B" --session "$W/s.sess" --token-file "$W/tok" --participant $NIP1 --json
[ "$rc" -eq 0 ] || fail "preparing a form: exit $rc"
cp "$T/out" "$W/form.json"
echo '{}' >"$W/ans.json"
printf 'kata sandi yang salah\n' >"$W/wrongpass"
: >"$W/emptypass"
printf '\n' >"$W/newlinepass"
printf 'pendek\n' >"$W/shortpass"
head -c 2000 /dev/zero | tr '\0' 'x' >"$W/longpass"
head -c 1025 /dev/zero | tr '\0' 'x' >"$W/longpass1025"  # one byte over: once wiped past its buffer
printf 'ACDEFHJKLM\n' >"$W/wrongtok"
printf 'ABC\n' >"$W/shorttok"
: >"$W/emptytok"
head -c 1000 "$B" >"$W/trunc1000.db"
head -c $(($(stat -c %s "$B") / 2)) "$B" >"$W/trunchalf.db"
head -c 8192 /dev/urandom >"$W/random.db"
printf 'Ini bukan bank soal.\nHanya teks biasa.\n' >"$W/text.db"
: >"$W/empty.db"
sqlite3 "$W/plain.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);" || fail "sqlite3"
cp "$B" "$W/v99.db"
sqlite3 "$W/v99.db" "PRAGMA user_version = 99" || fail "sqlite3"
head -c 3000 /dev/urandom >"$W/random.bin"
prep "$T/o"
cp "$T/o/bank.db" "$W/other.db"

# Every path under $W with the sha256 of each file (directories show as errors).
snap() { (cd "$W" && find . -exec sha256sum {} + 2>&1); }
BEFORE=$(snap)
list_before=$("$BANK" list "$B")

# bad DESC ARGS... -- refused cleanly and $W untouched.
bad() {
    d=$1; shift
    run "$@"
    refused "$d"
    now=$(snap)
    if [ "$now" != "$BEFORE" ]; then
        echo "$BEFORE" >"$T/snap.before"; echo "$now" >"$T/snap.after"
        fail "$d: input files changed or files left behind: $(diff "$T/snap.before" "$T/snap.after" | grep '^[<>]' | head -5 | tr '\n' ' ')"
    fi
    ok "$d (exit $rc: $(cat "$T/err"))"
}

# --- passphrase files -----------------------------------------------------
for pf in nonexist emptypass newlinepass wrongpass longpass longpass1025; do
    case $pf in
    nonexist) want=nonexist ;; emptypass | newlinepass) want=empty ;;
    wrongpass) want="wrong passphrase" ;; longpass*) want=1024 ;;
    esac
    if [ $pf != wrongpass ]; then
        bad "init with passphrase file $pf" init "$W/new.db" --passphrase-file "$W/$pf"
        err_has "  says $want" "$want"
    fi
    bad "import with passphrase file $pf" import "$B" --passphrase-file "$W/$pf" "$DATA/known.csv"
    err_has "  says $want" "$want"
    bad "exam-add with passphrase file $pf" exam-add "$B" --passphrase-file "$W/$pf" "$DATA/known-quiz.json"
    err_has "  says $want" "$want"
    bad "lint with passphrase file $pf" lint "$B" --passphrase-file "$W/$pf"
    err_has "  says $want" "$want"
    bad "session with passphrase file $pf" session "$B" --passphrase-file "$W/$pf" \
        --exam known-acad --roster "$W/roster.csv" --out "$W/new.sess"
    err_has "  says $want" "$want"
    bad "score with passphrase file $pf" score "$B" --passphrase-file "$W/$pf" \
        --form "$W/form.json" --answers "$W/ans.json"
    err_has "  says $want" "$want"
done
bad "init with a 6-character passphrase" init "$W/new.db" --passphrase-file "$W/shortpass"
err_has "  says at least 8" "at least 8"
bad "score with an empty passphrase on stdin" score "$B" --passphrase-file - \
    --form "$W/form.json" --answers "$W/ans.json"
bad "init over an existing bank" init "$B" --passphrase-file "$P"
err_has "  says it exists" "exists"
bad "init in a folder that does not exist" init "$W/nodir/new.db" --passphrase-file "$P"

# --- tokens and participants ----------------------------------------------
for tf in wrongtok shorttok emptytok nonexist; do
    bad "draw with token file $tf" draw "$B" --session "$W/s.sess" --token-file "$W/$tf" --participant $NIP1
done
run draw "$B" --session "$W/s.sess" --token-file "$W/wrongtok" --participant $NIP1
err_has "a wrong token is called a wrong token" "wrong session token"
bad "draw for a NIP not on the roster" draw "$B" --session "$W/s.sess" --token-file "$W/tok" --participant 198001012005011001
err_has "  names the NIP" "198001012005011001"
bad "draw with a session made for another bank" draw "$W/other.db" --session "$W/s.sess" --token-file "$W/tok" --participant $NIP1
err_has "  says another bank" "another bank"
bad "draw with a bank given as the session" draw "$B" --session "$B" --token-file "$W/tok" --participant $NIP1
bad "draw with random bytes as the session" draw "$B" --session "$W/random.db" --token-file "$W/tok" --participant $NIP1
bad "list a session file as a bank" list "$W/s.sess"

# --- files that are not (good) banks --------------------------------------
for f in trunc1000 trunchalf random text empty plain v99 nonexist; do
    F=$W/$f.db
    bad "list $f.db" list "$F"
    err_has "  names the file" "$f.db"
    case $f in v99) err_has "  says newer version" "newer" ;; esac
    bad "verify $f.db" verify "$F" --pub "$W/auth.pub"
    case $f in v99) err_has "  says newer version" "newer" ;; esac
    bad "lint $f.db" lint "$F" --passphrase-file "$P"
    bad "seal $f.db" seal "$F" --key "$W/auth.key"
    bad "import into $f.db" import "$F" --passphrase-file "$P" "$DATA/known.csv"
    bad "exam-add to $f.db" exam-add "$F" --passphrase-file "$P" "$DATA/known-quiz.json"
    bad "session on $f.db" session "$F" --passphrase-file "$P" --exam known-acad \
        --roster "$W/roster.csv" --out "$W/new.sess"
    bad "draw from $f.db" draw "$F" --session "$W/s.sess" --token-file "$W/tok" --participant $NIP1
    bad "score on $f.db" score "$F" --passphrase-file "$P" --form "$W/form.json" --answers "$W/ans.json"
    bad "stats on $f.db" stats "$F"
done

# --- rosters --------------------------------------------------------------
R=$T/r
mkdir "$R"
: >"$R/empty.csv"
printf 'nip,name,pin\n' >"$R/header.csv"
printf 'nip,name,pin\n%s,Andi,1234567890\n198512312010122002,Siti,2345678901\n%s,Budi,3456789012\n' $NIP1 $NIP1 >"$R/dup.csv"
printf 'nip,nama,pin\n%s,Andi,1234567890\n' $NIP1 >"$R/badheader.csv"
printf 'nip,name,pin\n%s,Andi,12\n' $NIP1 >"$R/shortpin.csv"
printf 'nip,name,pin\n%s,Andi,12ab\n' $NIP1 >"$R/letterpin.csv"
printf 'nip,name,pin\n%s,,1234567890\n' $NIP1 >"$R/noname.csv"
printf 'nip,name,pin\n%s,Andi\n' $NIP1 >"$R/twofields.csv"
cp "$W/random.bin" "$R/random.csv"
snapr() { (cd "$R" && find . -type f -exec sha256sum {} + | LC_ALL=C sort); }
RBEFORE=$(snapr)
sess_bad() { # DESC ROSTER -- session refused, no output, bank and roster unchanged
    bad "$1" session "$B" --passphrase-file "$P" --exam known-acad --roster "$2" --out "$W/new.sess"
}
sess_bad "session with an empty roster" "$R/empty.csv"
err_has "  says empty" "empty"
sess_bad "session with a header-only roster" "$R/header.csv"
err_has "  says no participants" "no participants"
sess_bad "session with a duplicate NIP" "$R/dup.csv"
err_has "  names the NIP" "$NIP1"
err_has "  names the second line" "line 4"
err_has "  names the first line" "line 2"
sess_bad "session with a wrong roster header" "$R/badheader.csv"
err_has "  names the header" "header"
sess_bad "session with a 2-digit PIN" "$R/shortpin.csv"
err_has "  names the PIN rule" "PIN"
sess_bad "session with a PIN holding letters" "$R/letterpin.csv"
sess_bad "session with an empty name" "$R/noname.csv"
sess_bad "session with a 2-field roster line" "$R/twofields.csv"
sess_bad "session with random bytes as roster" "$R/random.csv"
sess_bad "session with a missing roster" "$R/nonexist.csv"
err_has "  names the file" "nonexist.csv"
# Invalid NIPs: too short, non-digit, 30 Feb, 29 Feb of a non-leap year,
# appointed before 15, month 13, gender 3, sequence 000, born 1929 and 2016.
for nip in 19900101201503100 19900101201503100X 199002302015031001 200102292016011001 \
    199001012004031001 199001012015131001 199001012015033001 199001012015031000 \
    192912312015031001 201601012031031001; do
    printf 'nip,name,pin\n%s,Andi,1234567890\n' "$nip" >"$T/nip.csv"
    sess_bad "session refuses NIP '$nip'" "$T/nip.csv"
    err_has "  names the NIP" "$nip"
done
same "the roster files are unchanged" "$(snapr)" "$RBEFORE"
# Valid NIPs at the edges of the rules are accepted.
printf 'nip,name,pin\n193001011945011001,A,1234567890\n201512312030122999,B,1234567890\n200002292015011001,C,1234567890\n199002282005012999,D,123456789012\n' >"$T/edge.csv"
must "session accepts NIPs at the edges (1930, 2015, 29 Feb 2000, birth+15, seq 999, 12-digit PIN)" \
    session "$B" --passphrase-file "$P" --exam known-acad --roster "$T/edge.csv" --out "$T/edge.sess"
bad "session for an unknown exam id" session "$B" --passphrase-file "$P" --exam no-such-exam \
    --roster "$W/roster.csv" --out "$W/new.sess"
err_has "  names the exam" "no-such-exam"
bad "session onto an existing file" session "$B" --passphrase-file "$P" --exam known-acad \
    --roster "$W/roster.csv" --out "$W/tok"
bad "session with random bytes as history" session "$B" --passphrase-file "$P" --exam known-acad \
    --roster "$W/roster.csv" --history "$W/random.bin" --out "$W/new.sess"
printf '{"exam":"known-acad","participant":"%s","attempt":1,"items":[]}\nnot json\n' $NIP1 >"$T/badhist.jsonl"
bad "session with a malformed history line" session "$B" --passphrase-file "$P" --exam known-acad \
    --roster "$W/roster.csv" --history "$T/badhist.jsonl" --out "$W/new.sess"
err_has "  names the history line" "line 2"

# --- exam definitions -----------------------------------------------------
X=$T/x
mkdir "$X"
ex() { printf '%s\n' "$2" >"$X/$1.json"; }
ex big '{"id":"big","title":"t","kind":"quiz","minutes":10,"quotas":{"kk-alpha":13}}'
ex notopic '{"id":"nt","title":"t","kind":"quiz","minutes":10,"quotas":{"kk-nope":1}}'
ex mixshort '{"id":"mx","title":"t","kind":"quiz","minutes":10,"quotas":{"kk-alpha":12},"difficulty":{"easy":50,"medium":30,"hard":20}}'
ex unclosed '{"id":"u","title":"t","kind":"quiz","minutes":10,"quotas":{"kk-alpha":1}'
ex badkind '{"id":"k","title":"t","kind":"exam","minutes":10,"quotas":{"kk-alpha":1}}'
ex quiz6 '{"id":"q6","title":"t","kind":"quiz","minutes":10,"max_attempts":6,"quotas":{"kk-alpha":1}}'
ex rpl2 '{"id":"r2","title":"t","kind":"rpl","minutes":10,"max_attempts":2,"quotas":{"kk-alpha":1}}'
ex noquota '{"id":"nq","title":"t","kind":"quiz","minutes":10}'
ex zero '{"id":"z","title":"t","kind":"quiz","minutes":10,"quotas":{"kk-alpha":0}}'
ex unknownfield '{"id":"uf","title":"t","kind":"quiz","minutes":10,"quotas":{"kk-alpha":1},"colour":"red"}'
ex gap '{"id":"g","title":"t","kind":"academic","minutes":10,"quotas":{"kk-alpha":1},"ceilings":[[1,2,10000],[4,null,7001]]}'
ex passmark '{"id":"pm","title":"t","kind":"academic","minutes":10,"quotas":{"kk-alpha":1},"pass_mark":10001}'
ex array '[]'
cp "$W/random.bin" "$X/random.json"
for f in big notopic mixshort unclosed badkind quiz6 rpl2 noquota zero unknownfield gap passmark array random; do
    bad "exam-add refuses $f.json" exam-add "$B" --passphrase-file "$P" "$X/$f.json"
    case $f in
    big) err_has "  names the topic" "kk-alpha"; err_has "  names the quota" "13"; err_has "  says pool" "pool" ;;
    notopic) err_has "  names the topic" "kk-nope" ;;
    unknownfield) err_has "  names the field" "colour" ;;
    unclosed | badkind | quiz6 | rpl2 | noquota | array) err_has "  names the file" "$f.json" ;;
    esac
done
bad "exam-add with a missing exam file" exam-add "$B" --passphrase-file "$P" "$X/nonexist.json"

# Draft items (no key) are never drawn, so they do not fill a pool.
C=$T/c
mkdir "$C"
cp "$B" "$C/bank.db"
{ printf 'id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key\n'
  for i in 1 2 3; do printf 'dr-%s,kk-draft,single,1,1,Soal draf %s,a,b,c,d,e,\n' $i $i; done
  printf 'dr-4,kk-draft,single,1,1,Soal draf 4,a,b,c,d,e,A\n'; } >"$C/draft.csv"
must "import 3 draft items and 1 keyed item" import "$C/bank.db" --passphrase-file "$P" "$C/draft.csv"
printf '{"id":"dr","title":"t","kind":"quiz","minutes":10,"quotas":{"kk-draft":2}}\n' >"$C/dr.json"
must_fail "exam-add refuses a quota of 2 when the topic holds 1 keyed item and 3 drafts" \
    exam-add "$C/bank.db" --passphrase-file "$P" "$C/dr.json"
err_has "  names the pool" "pool holds 1"

# --- malformed imports: file and line named, bank unchanged ---------------
I=$T/i
mkdir "$I"
H='id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key'
ok1='q-01,qt,single,1,1,Soal pertama,a,b,c,d,e,A'
printf '%s\n%s\nq-02,qt,single,1,1,"Soal tanpa tutup,a,b,c,d,e,B\nq-03,qt,single,1,1,Soal,a,b,c,d,e,C\n' "$H" "$ok1" >"$I/unclosed.csv"
printf '%s\n%s\nq-02,qt,single,1,1,Soal kedua,a,b,c,d,e,F\n' "$H" "$ok1" >"$I/badkey.csv"
printf '%s\n%s\nq-02,qt,single,1,1,Soal kedua,a,b,,,,C\n' "$H" "$ok1" >"$I/emptykey.csv"
printf '%s\n%s\nq-01,qt,single,1,1,Soal kedua,a,b,c,d,e,B\n' "$H" "$ok1" >"$I/dupid.csv"
printf '%s\n%s\nq-02,qt,single,1,1,Soal kedua,a,b,c,d,e\n' "$H" "$ok1" >"$I/fields.csv"
printf '%s\n%s\nq-02,qt,essay,1,1,Soal kedua,a,b,c,d,e,A\n' "$H" "$ok1" >"$I/kind.csv"
printf '%s\n%s\nq-02,qt,single,9,1,Soal kedua,a,b,c,d,e,A\n' "$H" "$ok1" >"$I/difficulty.csv"
printf '%s\n%s\nq-02,qt,single,1,1,Soal \377 kedua,a,b,c,d,e,A\n' "$H" "$ok1" >"$I/utf8.csv"
printf '%s\n' "$H" >"$I/headeronly.csv"
cp "$W/random.bin" "$I/random.csv"
for f in unclosed:3 badkey:3 emptykey:3 dupid:3 fields:3 kind:3 difficulty:3 utf8:3 headeronly:1 random:; do
    name=${f%%:*}; line=${f#*:}
    bad "import refuses $name.csv" import "$B" --passphrase-file "$P" "$I/$name.csv"
    err_has "  names the file" "$name.csv"
    [ -z "$line" ] || err_has "  names line $line" "line $line"
done
same "bank list unchanged after the refused imports" "$("$BANK" list "$B")" "$list_before"
bad "import a file whose format cannot be guessed" import "$B" --passphrase-file "$P" "$W/random.bin"
bad "import with an unknown --format" import "$B" --passphrase-file "$P" "$DATA/known.csv" --format yaml
bad "import a missing file" import "$B" --passphrase-file "$P" "$I/nonexist.csv"

# --- score inputs ---------------------------------------------------------
printf '{"%s":"Z"}\n' "$(jget "$W/form.json" 'j["items"][0]["id"]')" >"$T/ans-z.json"
printf '{"no-such-item":"A"}\n' >"$T/ans-unknown.json"
printf '[]\n' >"$T/ans-array.json"
printf '{"a":1}\n' >"$T/ans-number.json"
printf '{"a":"A","a":"B"}\n' >"$T/ans-dup.json"
printf '{"exam":"known-acad"}\n' >"$T/form-short.json"
sed 's/"known-acad"/"no-such-exam"/' "$W/form.json" >"$T/form-exam.json"
for f in ans-z ans-unknown ans-array ans-number ans-dup; do
    bad "score refuses answers $f.json" score "$B" --passphrase-file "$P" --form "$W/form.json" --answers "$T/$f.json"
done
for f in form-short form-exam; do
    bad "score refuses $f.json" score "$B" --passphrase-file "$P" --form "$T/$f.json" --answers "$W/ans.json"
done
bad "score with random bytes as form" score "$B" --passphrase-file "$P" --form "$W/random.bin" --answers "$W/ans.json"
bad "score with random bytes as answers" score "$B" --passphrase-file "$P" --form "$W/form.json" --answers "$W/random.bin"
bad "stats with random bytes as history" stats "$B" --history "$W/random.bin"

# --- command line ---------------------------------------------------------
bad "unknown command" frobnicate "$B"
err_has "  names the command" "frobnicate"
for c in keygen init import exam-add list lint seal verify session draw score stats; do
    bad "$c with an unknown option" $c "$B" --no-such-option x
    err_has "  names the option" "--no-such-option"
done
bad "init without --passphrase-file" init "$W/new.db"
bad "import without --passphrase-file" import "$B" "$DATA/known.csv"
bad "exam-add without --passphrase-file" exam-add "$B" "$DATA/known-quiz.json"
bad "lint without --passphrase-file" lint "$B"
bad "seal without --key" seal "$B"
err_has "  names --key" "--key"
bad "verify without --pub" verify "$B"
err_has "  names --pub" "--pub"
bad "verify with --pub lacking its value" verify "$B" --pub
bad "session without --out" session "$B" --passphrase-file "$P" --exam known-acad --roster "$W/roster.csv"
err_has "  names --out" "--out"
bad "session without --exam" session "$B" --passphrase-file "$P" --roster "$W/roster.csv" --out "$W/new.sess"
bad "session without --roster" session "$B" --passphrase-file "$P" --exam known-acad --out "$W/new.sess"
bad "draw without --participant" draw "$B" --session "$W/s.sess" --token-file "$W/tok"
bad "draw without --token-file" draw "$B" --session "$W/s.sess" --participant $NIP1
bad "score without --answers" score "$B" --passphrase-file "$P" --form "$W/form.json"
bad "score without --passphrase-file" score "$B" --form "$W/form.json" --answers "$W/ans.json"
bad "list without a bank" list
bad "list with two banks" list "$B" "$B"
bad "import without a file" import "$B" --passphrase-file "$P"
bad "keygen without OUT" keygen
bad "keygen with two OUTs" keygen "$W/k1" "$W/k2"
bad "lint with --remedials abc" lint "$B" --passphrase-file "$P" --remedials abc
(cd "$W" && bad "keygen with an empty OUT" keygen '')

printf 'id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key\nq-01,qt,"ess\nay",1,1,Soal,a,b,c,d,e,A\n' >"$T/nlkind.csv"
bad "import with a newline inside the kind field" import "$B" --passphrase-file "$P" "$T/nlkind.csv"
printf 'nip,name,pin\n"1990\n0101",Andi,1234567890\n' >"$T/nlnip.csv"
sess_bad "session with a newline inside a NIP" "$T/nlnip.csv"
bad "draw for a NIP holding a newline" draw "$B" --session "$W/s.sess" --token-file "$W/tok" --participant "$(printf '1990\n0101')"

same "every input file unchanged and nothing left behind" "$(snap)" "$BEFORE"
same "bank list unchanged after all refusals" "$("$BANK" list "$B")" "$list_before"
must "the bank still verifies" verify "$B" --pub "$W/auth.pub"
done_ok

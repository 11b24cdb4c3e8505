#!/bin/sh
# core_cli.sh -- the `core` command line: one-line errors and exit codes for bad input;
# results carried on a stick (`kiosk --export`) and fed with `core import` twice (stored
# once, a kiosk never seen is enrolled pending until approved, a tampered copy refused);
# `core history` as the FORMS.jsonl that makes the next session's remedial attempt.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; sit_stop; rm -rf "$T"' EXIT
DB=${KISI_E2E_DB:-sqlite:$T/core.db}

# refused_as DESC STATUS -- the last ccore exited STATUS with one line on stderr.
refused_as() {
    [ "$rc" -eq "$2" ] || fail "$1: exit $rc, expected $2 (stderr: $(cat "$T/err"))"
    n=$(wc -l <"$T/err")
    [ "$n" -eq 1 ] || fail "$1: $n lines on stderr, expected one"
    ok "$1 (exit $rc: $(cat "$T/err"))"
}

# -- the command line contract -------------------------------------------------------
ccore --help; same "core --help" "$rc" 0
grep -q '^usage: core' "$T/out" || fail "help text"
ccore --db "$DB" frobnicate; refused_as "an unknown command" 2
ccore --db "$DB" --bogus kiosk list; refused_as "an unknown option" 2
ccore kiosk list --db; refused_as "--db without a value" 2
ccore --db "$DB" --db "$DB" kiosk list; refused_as "--db twice" 2
ccore --db "$DB" kiosk list --listen 127.0.0.1:18080; refused_as "--listen with a command" 2
ccore --db "$DB" recap; refused_as "recap without a cohort" 2
ccore --db "$DB" history; refused_as "history without --exam" 2
ccore --db "$DB" kiosk approve; refused_as "kiosk approve without an ID" 2
ccore --db "$DB" --listen nonsense; refused_as "a listen address without a port" 1
ccore --db "$DB" --listen 192.0.2.1:18080; refused_as "an address this machine does not have" 1
ccore --db "postgres://nowhere/kisi" kiosk list; refused_as "a database the core cannot open" 1
ccore --db "$DB" kiosk approve 12ab; refused_as "a kiosk ID shorter than 8 hex" 1
ccore --db "$DB" kiosk approve deadbeef; refused_as "a kiosk ID that matches no kiosk" 1
ccore --db "$DB" import "$T/nowhere"; refused_as "import of a missing folder" 1
ccore --db "$DB" recap nobody --json; refused_as "recap of an unknown cohort" 1
ccore --db "$DB" aspects import nobody "$ROOT/tests/data/recap/cohort40-aspects.csv"
refused_as "aspects of an unknown cohort" 1
printf '{"id":"c1"' >"$T/def-bad.json"
printf 'nip,name\n199105152024122046,Putri\n' >"$T/roster1.csv"
ccore --db "$DB" cohort add "$T/def-bad.json" "$T/roster1.csv"; refused_as "a definition that is not JSON" 1
printf '{"id":"c1"}' >"$T/def.json"
printf 'nip,name\n199105152024122046,Putri\n12345,Nobody\n' >"$T/roster2.csv"
ccore --db "$DB" cohort add "$T/def.json" "$T/roster2.csv"; refused_as "a roster with a bad NIP" 1
err_has "the bad NIP's line is named" "line 3"
printf 'nip,nama\n199105152024122046,Putri\n' >"$T/roster3.csv"
ccore --db "$DB" cohort add "$T/def.json" "$T/roster3.csv"; refused_as "a roster without a name column" 1
printf 'nip,name\n199105152024122046,"Putri\n' >"$T/roster4.csv"
ccore --db "$DB" cohort add "$T/def.json" "$T/roster4.csv"; refused_as "a quote left open" 1

# -- a bank, a session; two participants sit on a kiosk with no network -------------
BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
printf 'not the passphrase\n' >"$T/wrongpass"
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$T/wrongpass" --pub "$R/authority.pub"
refused_as "bank add with a wrong passphrase" 1
err_has "the passphrase is named" "passphrase"
ccore --db "$DB" session add "$R/demo.session"; refused_as "a session of a bank the core lacks" 1
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase"
refused_as "bank add without the authority's key" 1
err_has "the key is asked for" "--pub AUTHORITY.pub"
"$BANK" keygen "$T/stranger" >/dev/null 2>&1 || fail "a second authority key"
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$T/stranger.pub"
refused_as "bank add with another authority's key" 1
err_has "the seal is named" "seal does not verify"
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add, its seal checked" "$rc" 0
ccore session add "$R/demo.session" --db "$DB"; same "session add" "$rc" 0
# the session option authorise-start: seats wait for the proctor (the lease answer says so)
ccore --db "$DB" session authorise "$R/demo.session" maybe; refused_as "session authorise neither on nor off" 2
ccore --db "$DB" session authorise 0123456789abcdef on; refused_as "session authorise of a session the core lacks" 1
ccore --db "$DB" session authorise "$R/demo.session" on; same "session authorise on" "$rc" 0
grep -q ': seats wait for the proctor to authorise the start$' "$T/out" || fail "authorise on: $(cat "$T/out")"
SID=$(cut -d' ' -f2 "$T/out" | tr -d :)
ccore --db "$DB" session authorise "$SID" off; same "session authorise off, by the session's id" "$rc" 0
grep -q "^session $SID: seats start without the proctor\$" "$T/out" || fail "authorise off: $(cat "$T/out")"
ccore --db "$DB" session add "$R/demo.session" --authorise-start; same "session add --authorise-start" "$rc" 0
grep -q ': seats wait for the proctor to authorise the start$' "$T/out" || fail "add --authorise-start: $(cat "$T/out")"
ccore --db "$DB" session add "$R/demo.session" --authorise; refused_as "session add with an unknown option" 2
ok "core session add --authorise-start and core session authorise SESSION on|off"
[ ! -e "$T/core.db.files" ] || fail "a data folder was made beside the database"
key=${CORE_KEY:-$T/core.db.key}
same "the core key file beside the database, owner only" "$(stat -c %a "$key")" 600
ok "bank and session kept in the database, no folder beside it"
if [ -z "${KISI_E2E_DB:-}" ]; then
    # --data of earlier cores still works: it names the folder of the core key
    "$CORE" --db "sqlite:$T/compat.db" --data "$T/compat" bank add "$R/latsar.bank" \
        --passphrase-file "$R/passphrase" --pub "$R/authority.pub" >"$T/out" 2>"$T/err"
    same "bank add with --data DIR, as earlier cores took it" "$?" 0
    same "its key is DIR/core.key" "$(stat -c %a "$T/compat/core.key")" 600
    ccore --db "sqlite:$T/compat.db" --key-file "$T/other.key" session add "$R/demo.session"
    refused_as "a key other than the database's" 1
    err_has "the key is named" "is not this database's"
fi
"$CORE" --db postgres://127.0.0.1:9/kisi session add "$R/demo.session" </dev/null >"$T/out" 2>"$T/err"
rc=$?; refused_as "PostgreSQL without a key file" 1
err_has "the key file is asked for" "--key-file FILE"

NIP1=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN1=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
NIP2=$(sed -n 3p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN2=$(sed -n 3p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP1" 4 6 >"$T/plan1"
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP2" 2 3 >"$T/plan2"
sit_start "$R/latsar.bank" "$R/demo.session" "$T/k1"
sit "$NIP1" "$PIN1" "$(cat "$R/token")" "$T/plan1"
sit "$NIP2" "$PIN2" "$(cat "$R/token")" "$T/plan2"
sit_stop
"$BIN/kiosk" --export "$T/stick" --state "$T/k1" >"$T/out" 2>"$T/err" || fail "kiosk --export"
same "two bundles on the stick" "$(ls "$T"/stick/*.json | wc -l)" 2
K1=$(pubhex "$T/k1/kiosk.key")
K1ID=$(printf %s "$K1" | cut -c1-16)
same "the stick's names carry the kiosk" "$(ls "$T"/stick/*.kiosk-"$K1ID".json | wc -l)" 2
same "each with its signature" "$(ls "$T"/stick/*.kiosk-"$K1ID".sig | wc -l)" 2
grep -q " export 2 results to $T/stick\$" "$T/k1/kiosk.log" || fail "kiosk.log: no export line"
ok "the export is in the kiosk's log"

# -- import: the kiosk is unknown: its results wait; approved, they are stored -----
ccore --db "$DB" import "$T/stick"; same "import from a kiosk the core never saw" "$rc" 0
same "both wait" "$(grep -c ': waits for the approval of kiosk ' "$T/out")" 2
CODE1=$(sed -n 's/^2 results wait for the approval of kiosk \([A-Z2-7]\{4\}-[A-Z2-7]\{4\}\) .*/\1/p' "$T/out")
grep -q "^2 results wait for the approval of kiosk $CODE1 ($K1ID): .*core kiosk approve $CODE1 stores them\$" "$T/out" \
    || fail "import summary: $(cat "$T/out")"
ok "import says how many results wait, and for which kiosk: its approval code $CODE1"
ccore --db "$DB" kiosk list
grep -q "^$CODE1  pending .*  $K1  imported from stick\$" "$T/out" || fail "kiosk list: $(cat "$T/out")"
ok "the signer is now listed as pending, with its code"
ccore --db "$DB" results
same "core results" "$rc" 0
grep -q "^RECEIVED (UTC) *KIOSK *KIOSK NAME *SESSION *EXAM *NIP *ATT *OUTCOME\$" "$T/out" || fail "results header: $(cat "$T/out")"
same "core results lists both as waiting" "$(grep -c ' waiting: waits at the core until its kiosk is approved$' "$T/out")" 2
ccore --db "$DB" import "$T/stick"; same "import again while pending" "$rc" 0
ccore --db "$DB" results
same "still two waiting, not four" "$(grep -c ' waiting: ' "$T/out")" 2
# keys squatted on the kiosk's first hex digits (rows put in the database directly)
if [ -z "${KISI_E2E_DB:-}" ]; then
    python3 - "$T/core.db" "$K1" <<'PYEOF' || fail "squat"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for i in range(2):
    db.execute("INSERT INTO kiosks (pub, name, state, enrolled_ms) VALUES (?, ?, 'pending', 1)",
               (sys.argv[2][:16] + "%048x" % i, "squat\x1b[2J\u202e%d" % i))
db.commit()
PYEOF
    ccore --db "$DB" kiosk approve "$(printf %s "$K1" | cut -c1-8)"
    same "approving by a prefix three kiosks share is refused" "$rc" 1
    err_has "it says the prefix is ambiguous" "names 3 kiosks:"
    same "every candidate is listed with its code and full key" \
        "$(grep -c "^[A-Z2-7]\{4\}-[A-Z2-7]\{4\}  pending .* $(printf %s "$K1" | cut -c1-16)[0-9a-f]\{48\}  " "$T/err")" 3
    err_has "a squatted name is listed escaped" 'squat\x1b[2J\u{202E}0'
    if grep -q "$(printf '\033')" "$T/err"; then fail "a raw escape reached the terminal"; fi
    ccore --db "$DB" kiosk list
    if grep -q "$(printf '\033')" "$T/out"; then fail "kiosk list printed a raw escape"; fi
fi
ccore --db "$DB" kiosk approve "$(printf %s "$CODE1" | tr 'A-Z' 'a-z' | tr -d -)"
same "approve by the code as typed (lower case, no dash)" "$rc" 0
grep -q "approved; of its waiting results 2 stored, 0 refused" "$T/out" || fail "approve: $(cat "$T/out")"
ok "approving stores the waiting results ($(cat "$T/out"))"
grep -q "info kiosk approved: kiosk=$K1" "$T/err" || fail "approve log: $(cat "$T/err")"
ok "and the approval is logged on stderr"
ccore --db "$DB" results
same "both now stored" "$(grep -c '  stored$' "$T/out")" 2
same "none waits" "$(grep -c ' waiting: ' "$T/out")" 0
grep -q "^2 stored, 0 disputed (kept as evidence), 0 refused, 0 waiting" "$T/out" || fail "results summary: $(cat "$T/out")"
ok "core results sums them up"
ccore import "$T/stick" --db "$DB"; same "import again" "$rc" 0
same "both already stored" "$(grep -c ': already stored$' "$T/out")" 2

# -- a second kiosk's results wait; revoked, they are refused ------------------------
openssl genpkey -algorithm ed25519 -out "$T/k2.key" 2>/dev/null || fail "second kiosk key"
K2=$(pubhex "$T/k2.key")
mkdir "$T/stick3"
f=$(ls "$T"/stick/*.json | head -n 1)
edit "$f" "$T/k2.json" "r['kiosk'] = '$K2'"
resign "$T/k2.key" "$T/k2.json" "$T/stick3/from-k2"
ccore --db "$DB" import "$T/stick3"; same "import from a second unknown kiosk" "$rc" 0
grep -q "^1 result waits for the approval of kiosk" "$T/out" || fail "import: $(cat "$T/out")"
ok "one result waits"
ccore --db "$DB" kiosk revoke "$(printf %s "$K2" | cut -c1-8)"; same "revoke" "$rc" 0
grep -q "revoked; of its waiting results 0 stored, 1 refused" "$T/out" || fail "revoke: $(cat "$T/out")"
ok "revoking refuses the waiting result"
ccore --db "$DB" results
grep -q "^.*$(printf %s "$K2" | cut -c1-12) .* refused (kiosk-revoked): its kiosk was revoked" "$T/out" \
    || fail "results after revoke: $(cat "$T/out")"
ok "core results shows why: the kiosk was revoked"
SID=$(jget "$f" 'j["session"]')
ccore --db "$DB" results --session "$SID"; same "results of one session" "$rc" 0
same "lists its three uploads" "$(grep -c " $(printf %s "$SID" | cut -c1-12) " "$T/out")" 3
ccore --db "$DB" results --session nothing-here
same "results of an unknown session: only the header and the sum" "$(wc -l <"$T/out")" 2
ccore --db "$DB" results --bogus; refused_as "results with an unknown option" 2
mkdir "$T/stick2"
cp "$T"/stick/*.json "$T"/stick/*.sig "$T/stick2/"
f=$(ls "$T"/stick2/*.json | head -n 1)
sed 's/"attempt":1/"attempt":2/' "$f" >"$T/stick2/zz-tampered.json"
cp "${f%.json}.sig" "$T/stick2/zz-tampered.sig"
: >"$T/stick2/zz-nosig.json"
mkfifo "$T/stick2/zz-pipe.json" || fail "mkfifo"
# a pipe on the stick must not hold the import up: bounded by timeout
timeout 60 "$CORE" ${CORE_KEY:+--key-file "$CORE_KEY"} --db "$DB" import "$T/stick2" </dev/null >"$T/out" 2>"$T/err"; rc=$?
refused_as "a folder with a tampered copy, a lone .json and a pipe" 1
grep -q '^zz-tampered.json: refused: .*(bad-signature)$' "$T/out" || fail "tampered: $(cat "$T/out")"
grep -q '^zz-nosig.json: refused: ' "$T/out" || fail "no .sig: $(cat "$T/out")"
grep -q '^zz-pipe.json: refused: .*not a plain file' "$T/out" || fail "pipe: $(cat "$T/out")"
same "the genuine two: already stored" "$(grep -c ': already stored$' "$T/out")" 2
ccore --db "$DB" results
grep -q " refused (bad-signature): the signature does not match the result\$" "$T/out" \
    || fail "results after a tampered copy: $(cat "$T/out")"
ok "core results shows the tampered copy as refused, and why"

# -- history: FORMS.jsonl for the next session --------------------------------------
# a stick's file named with an escape sequence (clear screen, set the title)
mkdir "$T/stick5"
EVIL=$(printf 'evil\033[2J\033]0;owned\007')
f=$(ls "$T"/stick/*.json | head -n 1)
cp "$f" "$T/stick5/$EVIL.json"; cp "${f%.json}.sig" "$T/stick5/$EVIL.sig"
ccore --db "$DB" import "$T/stick5"; same "import of a file named with escapes" "$rc" 0
grep -q '^evil\\x1b\[2J\\x1b\]0;owned\\x07.json: already stored$' "$T/out" \
    || fail "escaped name: $(od -c "$T/out" | head)"
if grep -q "$(printf '\033')" "$T/out" "$T/err"; then fail "import printed a raw escape"; fi
ok "import shows a stick's file name escaped"

ccore --db "$DB" history --exam latsar-akademik; same "history" "$rc" 0
cp "$T/out" "$T/hist.jsonl"
python3 - "$T/hist.jsonl" "$NIP1" "$NIP2" "$T/stick" <<'PYEOF' || fail "history content"
import glob, json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [(f["participant"], f["attempt"]) for f in lines] == sorted(
    [(sys.argv[2], 1), (sys.argv[3], 1)]), lines
forms = [json.load(open(p))["form"] for p in glob.glob(sys.argv[4] + "/*.json")]
assert sorted(map(json.dumps, lines)) == sorted(map(json.dumps, forms))
PYEOF
ok "history lists both stored forms, one a line, by NIP"
ccore --db "$DB" history --exam nothing-here; same "history of an exam without results" "$rc" 0
same "prints nothing" "$(wc -c <"$T/out")" 0
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam latsar-akademik \
    --roster "$ASSETS/roster.csv" --history "$T/hist.jsonl" --out "$T/next.session" \
    >"$T/next.token" 2>"$T/err" || fail "bank session --history: $(cat "$T/err")"
"$BANK" draw "$R/latsar.bank" --session "$T/next.session" --token-file "$T/next.token" \
    --participant "$NIP1" --json >"$T/next.json" 2>"$T/err" || fail "bank draw"
same "the next session gives attempt 2" "$(jget "$T/next.json" 'j["attempt"]')" 2
done_ok

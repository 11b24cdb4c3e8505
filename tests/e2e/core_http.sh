#!/bin/sh
# core_http.sh -- the grading core over HTTP with results signed by the real kiosk (under
# Xvfb): enrolment and approval, stored once, tampering, unknown/pending/revoked kiosks,
# unknown session, roster, re-derived form, re-scoring, attempt limit, conflicts, history,
# refusals as JSON, body limit, ten uploads at once, clean stop on SIGTERM.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; sit_stop; rm -rf "$T"' EXIT

# -- a sealed sample bank; an academic session and an RPL session (max 1 attempt) ------
BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
NIP=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam latsar-rpl \
    --roster "$ASSETS/roster-small.csv" --out "$R/rpl.session" >"$R/rpl.token" 2>"$T/err" \
    || fail "RPL session"
ok "sample bank sealed; academic and RPL sessions made"

# -- one participant sits both on the kiosk ----------------------------------------
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP" 20 >"$T/plan1"
plan "$R/latsar.bank" "$R/rpl.session" "$R/rpl.token" "$NIP" 3 >"$T/plan2"
sit_start "$R/latsar.bank" "$R/demo.session" "$T/k1"
sit "$NIP" "$PIN" "$(cat "$R/token")" "$T/plan1"
kd_kill9
sit_start "$R/latsar.bank" "$R/rpl.session" "$T/k1"
sit "$NIP" "$PIN" "$(cat "$R/rpl.token")" "$T/plan2"
sit_stop
for f in "$T"/k1/outbox/*.json; do
    case $(jget "$f" 'j["exam"]') in
        latsar-akademik) ACAD=$f ;;
        latsar-rpl) RPL=$f ;;
    esac
done
[ -n "${ACAD:-}" ] && [ -n "${RPL:-}" ] || fail "the kiosk outbox lacks a result: $(ls "$T/k1/outbox")"
K1=$(pubhex "$T/k1/kiosk.key")
same "the results name the kiosk's own key" "$(jget "$ACAD" 'j["kiosk"]')" "$K1"

# -- the core knows the bank and both sessions --------------------------------------
DB=${KISI_E2E_DB:-sqlite:$T/core.db}
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
[ "$rc" -eq 0 ] || fail "core bank add: exit $rc"
ccore session add "$R/demo.session" --db "$DB"
[ "$rc" -eq 0 ] || fail "core session add: exit $rc"
ccore --db "$DB" session add "$R/rpl.session"
[ "$rc" -eq 0 ] || fail "core session add rpl: exit $rc"
ok "core bank add and session add (--db before or after the command)"
core_start "$DB" || fail "core start: $(cat "$T/core.err")"
grep -q "^core listening on $URL (db $DB)\$" "$T/core.out" || fail "start line: $(cat "$T/core.out")"
ok "core listens on $URL and says so in one line"

# -- plain routes and refusals --------------------------------------------------------
get /v1/health; status_is "health" 200
same "health body" "$(bodyget 'j["ok"]')" "True"
get /v1/nowhere; status_is "unknown route" 404 not-found
get /v2/results; status_is "a route of a newer protocol" 404 unsupported-version
get /v1/results; status_is "GET on an upload route" 405 method-not-allowed
printf 'not json' >"$T/junk"; post /v1/results "$T/junk"
status_is "a result without its signature headers" 400 malformed
cp "$ACAD" "$T/junk.json"; printf 'not json' >>"$T/junk.json"; cp "${ACAD%.json}.sig" "$T/junk.sig"
upload "$T/junk.json"; status_is "a record with bytes after it (signature no longer fits)" 401 bad-signature
head -c 5000000 /dev/zero | tr '\0' ' ' >"$T/big"; post /v1/results "$T/big"
status_is "a 5 MB body" 413 too-large
get /v1/history; status_is "history without an exam" 400 malformed

# -- kiosk enrolment ---------------------------------------------------------------
printf '{"pub":"%s","name":"ruang-1"}' "$K1" >"$T/enrol"
printf '{"pub":"XYZ","name":"x"}' >"$T/badenrol"
post /v1/kiosks "$T/badenrol"; status_is "enrolling a key that is not 64 hex" 400 malformed
post /v1/kiosks "$T/enrol"; status_is "enrolling a key without proof of owning it" 401 proof-required
get "/v1/kiosks/$K1"; status_is "a kiosk never seen" 404 unknown-kiosk
upload "$ACAD"; status_is "a result from a kiosk never enrolled" 403 unknown-kiosk
enrol "$T/k1/kiosk.key" ruang-1; status_is "kiosk enrols, signed over the core's challenge" 202
same "it is pending" "$(bodyget 'j["state"]')" pending
CODE1=$(bodyget 'j["approval"]')
ccore --db "$DB" kiosk core-key
CORE_PUB=$(cat "$T/out")
same "the answer carries the core's key (core kiosk core-key)" "$(bodyget 'j["core"]')" "$CORE_PUB"
post /v1/kiosks "$T/enrol.json"; status_is "the same request again reads the state only" 200
same "still pending" "$(bodyget 'j["state"]')" pending
enrol "$T/k1/kiosk.key" "ruang-1$(printf '\033')[2J"
status_is "a name with an escape sequence" 400 bad-name
upload "$ACAD"; status_is "a result from a kiosk enrolled but not approved" 403 kiosk-not-approved
ccore --db "$DB" kiosk list
grep -q "^$CODE1  pending .*  $K1  ruang-1\$" "$T/out" || fail "kiosk list: $(cat "$T/out")"
ok "kiosk list shows the approval code $CODE1"
ccore --db "$DB" kiosk approve "$CODE1"
[ "$rc" -eq 0 ] || fail "kiosk approve by its code: $(cat "$T/err")"
grep -q "^kiosk $CODE1 (.*) approved\$" "$T/out" || fail "approve line: $(cat "$T/out")"
get "/v1/kiosks/$K1"; status_is "state after approval" 200
same "approved" "$(bodyget 'j["state"]')" approved

# -- the real result, exactly once --------------------------------------------------
upload "$ACAD"; status_is "the kiosk's result is stored" 201 stored
same "with a receipt for it, signed by the core's key" \
    "$(bodyget '(j["receipt"]["status"], j["receipt"]["core"], j["receipt"]["kiosk"])')" \
    "('stored', '$CORE_PUB', '$K1')"
same "the receipt names the record's SHA-256" "$(bodyget 'j["receipt"]["result"]')" "$(sha "$ACAD")"
upload "$ACAD"; status_is "the same result again" 200 duplicate
same "receipted as already stored" "$(bodyget 'j["receipt"]["status"]')" duplicate

# -- tampering ------------------------------------------------------------------------
python3 - "$ACAD" "$T/flip.json" <<'PYEOF' || fail "flip"
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b'"raw":') + 6
b[i] = ord("9") if b[i] != ord("9") else ord("8")
open(sys.argv[2], "wb").write(bytes(b))
PYEOF
cp "${ACAD%.json}.sig" "$T/flip.sig"
upload "$T/flip.json"; status_is "one byte of the score changed" 401 bad-signature
printf 'signed, but not a record' >"$T/prose.json"; resign "$T/k1/kiosk.key" "$T/prose.json" "$T/prose"
upload "$T/prose.json"; status_is "a signed body that is not a result record" 400 malformed

openssl genpkey -algorithm ed25519 -out "$T/k2.key" 2>/dev/null || fail "second kiosk key"
K2=$(pubhex "$T/k2.key")
resign "$T/k2.key" "$ACAD" "$T/other"
upload "$T/other.json"; status_is "re-signed by a key never enrolled" 403 unknown-kiosk
enrol "$T/k2.key" ruang-2; status_is "a second kiosk enrols" 202
upload "$T/other.json"; status_is "re-signed by an enrolled, unapproved kiosk" 403 kiosk-not-approved

edit "$ACAD" "$T/nosess.json" 'r["session"] = "0" * 32'
resign "$T/k1/kiosk.key" "$T/nosess.json" "$T/nosess"
upload "$T/nosess.json"; status_is "a session the core does not know" 404 unknown-session

edit "$ACAD" "$T/stranger.json" 'r["participant"] = "199001012015031001"'
resign "$T/k1/kiosk.key" "$T/stranger.json" "$T/stranger"
upload "$T/stranger.json"; status_is "a NIP that is not on the session's roster" 403 not-on-roster

edit "$ACAD" "$T/form.json" 'it = r["form"]["items"]; it[0], it[1] = it[1], it[0]'
resign "$T/k1/kiosk.key" "$T/form.json" "$T/form"
upload "$T/form.json"; status_is "a form the session does not derive (re-signed)" 422 form-mismatch

edit "$ACAD" "$T/opts.json" 'o = r["form"]["items"][0]["options"]; o.reverse()'
resign "$T/k1/kiosk.key" "$T/opts.json" "$T/opts"
upload "$T/opts.json"; status_is "options shown in another order (re-signed)" 422 form-mismatch

edit "$ACAD" "$T/score.json" 'r["score"].update(raw=10000, awarded=10000, passed=True, band="Sangat memuaskan")'
resign "$T/k1/kiosk.key" "$T/score.json" "$T/score"
upload "$T/score.json"; status_is "an inflated score (re-signed)" 422 score-mismatch

# -- ten uploads of one new result at once: one stored, nine duplicates ---------------
i=0; pids=
while [ $i -lt 10 ]; do
    (T="$T/p$i"; mkdir -p "$T"; upload "$RPL"; echo "$code" >"$T/../par.$i") &
    pids="$pids $!"; i=$((i + 1))
done
for p in $pids; do wait "$p"; done
same "ten uploads at once of a new result" \
    "$(cat "$T"/par.* | sort | uniq -c | tr -s ' ' | tr '\n' ';')" " 9 200; 1 201;"

# -- attempts and conflicts ---------------------------------------------------------
edit "$RPL" "$T/again.json" 'r["attempt"] = 2; r["form"]["attempt"] = 2'
resign "$T/k1/kiosk.key" "$T/again.json" "$T/again"
upload "$T/again.json"; status_is "a second RPL attempt (the exam allows 1)" 409
case $(bodyget 'j["code"]') in
    too-many-attempts | attempt-mismatch) ok "refused as $(bodyget 'j["code"]')" ;;
    *) fail "second RPL attempt refused as $(bodyget 'j["code"]')" ;;
esac
ccore --db "$DB" kiosk approve "$(printf %s "$K2" | cut -c1-8)"
[ "$rc" -eq 0 ] || fail "approve the second kiosk: $(cat "$T/err")"
edit "$ACAD" "$T/twin.json" "r['kiosk'] = '$K2'"
resign "$T/k2.key" "$T/twin.json" "$T/twin"
upload "$T/twin.json"; status_is "another record for an attempt already stored" 409 conflict
upload "$ACAD"; status_is "the first record still stands" 200 duplicate

# -- revocation ---------------------------------------------------------------------
ccore --db "$DB" kiosk revoke "$(printf %s "$K1" | cut -c1-12)"
[ "$rc" -eq 0 ] || fail "kiosk revoke: $(cat "$T/err")"
get "/v1/kiosks/$K1"; same "state after revocation" "$(bodyget 'j["state"]')" revoked
upload "$ACAD"; status_is "a result from a revoked kiosk" 403 kiosk-not-approved

# -- history: the stored forms as FORMS.jsonl -----------------------------------------
get_anon "/v1/history?exam=latsar-akademik"
status_is "history without the operator's token" 401 unauthorized
printf 'Authorization: Bearer not-the-token-at-all\n' >"$T/wrong.hdr"
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -H "@$T/wrong.hdr" \
    "$URL/v1/history?exam=latsar-akademik")
status_is "history with another token" 401 unauthorized
code=$(curl -s --max-time 20 -o "$T/hist" -D "$T/hdr" -w '%{http_code}' -H "@$T/operator.hdr" \
    "$URL/v1/history?exam=latsar-akademik")
same "history status" "$code" 200
grep -qi '^content-type: text/plain' "$T/hdr" || fail "history is not text/plain"
python3 - "$T/hist" "$ACAD" <<'PYEOF' || fail "history content"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
assert json.loads(lines[0]) == json.load(open(sys.argv[2]))["form"]
PYEOF
ok "history lists the one stored form of latsar-akademik"
get "/v1/history?exam=nothing-here"; status_is "history of an exam without results" 200
same "it is empty" "$(wc -c <"$T/body")" 0

# -- a clean stop -------------------------------------------------------------------
core_stop
same "SIGTERM stops the core cleanly" "$core_rc" 0
grep -q '^core stopped' "$T/core.out" || fail "no stop line"
# the log: one line per event on stderr, each "TIME LEVEL EVENT", never a secret
bad=$(grep -cv '^[0-9-]*T[0-9:]*Z \(info\|warning\|error\) [a-z]' "$T/core.err")
same "every stderr line of the server is a log line" "$bad" 0
grep -q " info kiosk enrolled: kiosk=$K1 state=pending name=\"ruang-1\"\$" "$T/core.err" \
    || fail "no enrolment line: $(head -c 600 "$T/core.err")"
grep -q " info result stored: kiosk=$(printf %s "$K1" | cut -c1-16) session=.* attempt=1 awarded=" "$T/core.err" \
    || fail "no stored line"
grep -q " warning result refused: code=bad-signature .* reason=\"the signature does not match the result\"\$" "$T/core.err" \
    || fail "no refusal line with its reason"
grep -q " warning result disputed, kept as evidence: " "$T/core.err" || fail "no conflict line"
grep -q " warning request: GET /v1/history status=401 code=-" "$T/core.err" || fail "no refused request line"
grep -q " info request: POST /v1/results status=201 code=stored bytes=" "$T/core.err" || fail "no upload request line"
ok "the server logged enrolment, stored, refused and disputed results and requests"
grep -qF "$(cat "$T/operator.token")" "$T/core.err" && fail "the operator token is in the log"
grep -qF "not-the-token-at-all" "$T/core.err" && fail "a wrong token is in the log"
grep -qF "$(jget "${ACAD%.json}.sig" 'j["sig"]')" "$T/core.err" && fail "a signature is in the log"
grep -qF "$(cat "$R/passphrase")" "$T/core.err" && fail "the passphrase is in the log"
ok "no token, passphrase or signature in the log"

# -- the operator routes of a core started without a token ---------------------------
# (under systemd, JOURNAL_STREAM is set: each line then starts with its syslog priority)
JOURNAL_STREAM=8:12345 NO_OPERATOR_TOKEN=1 core_start "$DB" || fail "core start without a token: $(cat "$T/core.err")"
get "/v1/history?exam=latsar-akademik"; status_is "history on a core without a token" 403 operator-routes-off
get "/v1/health"; status_is "the other routes still answer" 200
core_stop
same "under journald the log line carries its priority" "$(cat "$T/core.err")" \
    "<4>request: GET /v1/history status=403 code=operator-routes-off bytes=0"
printf 'qwzxv\n' >"$T/five.token"
ccore --db "$DB" --listen 127.0.0.1:18079 --operator-token-file "$T/five.token"
[ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q 'printable characters' "$T/err" ||
    fail "a short token: exit $rc, $(cat "$T/err")"
grep -q qwzxv "$T/err" && fail "the token itself is in the message: $(cat "$T/err")"
ok "a token of five characters is refused in one line that does not show it"
done_ok

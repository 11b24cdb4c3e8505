#!/bin/sh
# core_stats.sh -- item analysis: 30 participants x 10 items with known answers (a too easy item, a
# negatively discriminating one, one nobody gets right, an option nobody chooses; remedial attempts
# that must not count) stored at the core through signed results; `core stats --json|--csv`
# compared with an independent computation (tests/data/stats/fixture.py), `bank stats --results`
# on the export giving the same figures, the operator's JSON route, and bad input refused.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; rm -rf "$T"' EXIT
FX=$ROOT/tests/data/stats/fixture.py
DB=${KISI_E2E_DB:-sqlite:$T/core.db}
F=$T/fx
mkdir -p "$F"

# -- the bank, two sessions (first attempts of all, remedials of four), signed results ---------
python3 "$FX" bank "$F" || fail "fixture"
od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$F/pass"
run keygen "$F/auth"; [ "$rc" -eq 0 ] || fail "keygen"
run init "$F/s.bank" --passphrase-file "$F/pass"; [ "$rc" -eq 0 ] || fail "init"
sed -n 's/.*(id \([0-9a-f]*\)).*/\1/p' "$T/out" >"$F/bank.id"
run import "$F/s.bank" --passphrase-file "$F/pass" "$F/items.csv"; [ "$rc" -eq 0 ] || fail "import"
run exam-add "$F/s.bank" --passphrase-file "$F/pass" "$F/exam.json"; [ "$rc" -eq 0 ] || fail "exam"
run seal "$F/s.bank" --key "$F/auth.key"; [ "$rc" -eq 0 ] || fail "seal"
run session "$F/s.bank" --passphrase-file "$F/pass" --exam stat-kuis --roster "$F/roster.csv" \
    --out "$F/s1.session"
[ "$rc" -eq 0 ] || fail "session 1"
cp "$T/out" "$F/token1"
openssl genpkey -algorithm ed25519 -out "$F/kiosk.pem" 2>/dev/null || fail "kiosk key"
pubhex "$F/kiosk.pem" >"$F/kiosk.pubhex"

# forms FILE SESSION TOKEN NIP... -- the stored forms of NIP... as FORMS.jsonl
forms() {
    out=$1 ses=$2 tok=$3; shift 3
    : >"$out"
    for n in "$@"; do
        "$BANK" draw "$F/s.bank" --session "$ses" --token-file "$tok" --participant "$n" --json \
            >>"$out" 2>"$T/err" || fail "draw $n"
    done
}
# sign DIR -- a .sig beside every NAME.json of DIR, by the fixture's kiosk
sign() { for r in "$1"/*.json; do resign "$F/kiosk.pem" "$r" "${r%.json}"; done; }

NIPS=$(tail -n +2 "$F/roster.csv" | cut -d, -f1)
# shellcheck disable=SC2086
forms "$F/forms1.jsonl" "$F/s1.session" "$F/token1" $NIPS
python3 "$FX" results "$F" "$F/forms1.jsonl" "$F/out1" 1 || fail "results 1"
sign "$F/out1"
ccore --db "$DB" bank add "$F/s.bank" --passphrase-file "$F/pass" --pub "$F/auth.pub"
[ "$rc" -eq 0 ] || fail "core bank add: $(cat "$T/err")"
ccore --db "$DB" session add "$F/s1.session"; [ "$rc" -eq 0 ] || fail "core session add"
ccore --db "$DB" stats --exam stat-kuis --json
[ "$rc" -eq 1 ] && grep -q "no stored result of exam stat-kuis" "$T/err" ||
    fail "stats before any result: exit $rc, $(cat "$T/err")"
ok "an exam without results: one line, exit 1"
ccore --db "$DB" import "$F/out1"; [ "$rc" -eq 0 ] || fail "core import: $(cat "$T/err")"
ccore --db "$DB" kiosk approve "$(cut -c1-12 "$F/kiosk.pubhex")"
[ "$rc" -eq 0 ] || fail "approve: $(cat "$T/err")"
ccore --db "$DB" results
grep -q "^30 stored, 0 disputed" "$T/out" || fail "results stored: $(tail -n 2 "$T/out")"
ok "30 first attempts signed, imported and stored"

# the remedial of participants 0..3: a session over their history, every answer right
ccore --db "$DB" history --exam stat-kuis; cp "$T/out" "$F/history.jsonl"
head -n 5 "$F/roster.csv" >"$F/roster2.csv"
run session "$F/s.bank" --passphrase-file "$F/pass" --exam stat-kuis --roster "$F/roster2.csv" \
    --history "$F/history.jsonl" --out "$F/s2.session"
[ "$rc" -eq 0 ] || fail "session 2"
cp "$T/out" "$F/token2"
# shellcheck disable=SC2086
forms "$F/forms2.jsonl" "$F/s2.session" "$F/token2" $(tail -n +2 "$F/roster2.csv" | cut -d, -f1)
same "the remedial forms are attempt 2" "$(sed -n 1p "$F/forms2.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["attempt"])')" 2
python3 "$FX" results "$F" "$F/forms2.jsonl" "$F/out2" 2 || fail "results 2"
sign "$F/out2"
ccore --db "$DB" session add "$F/s2.session"; [ "$rc" -eq 0 ] || fail "core session add 2"
ccore --db "$DB" import "$F/out2"; [ "$rc" -eq 0 ] || fail "core import 2: $(cat "$T/err")"
ccore --db "$DB" results
grep -q "^34 stored" "$T/out" || fail "remedials stored: $(tail -n 1 "$T/out")"
ok "4 remedial attempts stored"

# -- core stats against the independent computation -----------------------------------------
ccore --db "$DB" stats --exam stat-kuis --json
[ "$rc" -eq 0 ] || fail "core stats --json: exit $rc: $(cat "$T/err")"
[ ! -s "$T/err" ] || fail "core stats said: $(cat "$T/err")"
cp "$T/out" "$F/stats.json"
python3 "$FX" check "$F/stats.json" >"$T/check" || fail "core stats differs: $(head -n 8 "$T/check")"
ok "core stats --json: every figure as the independent computation ($(tail -n 1 "$T/check"))"
same "the export names no participant" \
    "$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(sorted({r["participant"] for r in j["responses"]})[:3], "1990" in json.dumps(j))' "$F/stats.json")" \
    "[1, 2, 3] False"
ccore --db "$DB" stats --exam stat-kuis --csv
[ "$rc" -eq 0 ] || fail "core stats --csv: exit $rc"
cp "$T/out" "$F/stats.csv"
python3 - "$F/stats.csv" "$F/stats.json" <<'PYEOF' || fail "CSV differs from JSON"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
j = json.load(open(sys.argv[2]))
assert len(rows) == len(j["items"]) == 10, len(rows)
for r, it in zip(rows, j["items"]):
    assert r["item"] == it["id"] and r["exam"] == "stat-kuis", r
    assert int(r["participants"]) == 30 and abs(float(r["kr20"]) - j["kr20"]) < 6e-5
    for f in ("p", "rpb", "d27"):
        assert (r[f] == "") == (it[f] is None), (it["id"], f)
        assert r[f] == "" or abs(float(r[f]) - it[f]) < 6e-5, (it["id"], f, r[f], it[f])
    for L in "abcdefgh":
        want = it["chosen"].get(L.upper())
        assert r[L] == ("" if want is None else str(want)), (it["id"], L, r[L])
    assert r["flags"].split() == it["flags"], (it["id"], r["flags"])
    for f in ("n", "omitted", "forms", "seen_by"):
        assert int(r[f]) == it[f], (it["id"], f)
PYEOF
ok "core stats --csv: the same figures, one row per item"

# -- bank stats on the export: the same computation, without the core -------------------------
run stats --results "$F/stats.json" --json
[ "$rc" -eq 0 ] || fail "bank stats --results: exit $rc"
python3 - "$T/out" "$F/stats.json" <<'PYEOF' || fail "bank stats differs from core stats"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert "responses" not in a
b.pop("responses")
assert a == b, "differs"
PYEOF
python3 "$FX" check "$T/out" >"$T/check" || fail "bank stats: $(head -n 5 "$T/check")"
ok "bank stats --results EXPORT --json: the same figures as core stats"
run stats --results "$F/stats.json"
cmp -s "$T/out" "$F/stats.csv" || fail "bank stats --results (CSV) differs from core stats --csv"
ok "bank stats --results EXPORT: the same CSV as core stats --csv"

# -- bad input: one line, non-zero, no crash ----------------------------------------------------
printf '{"kind":"kisi-item-stats","version":1,"exam":"x","items":[],"responses":[{"participant":1}]}' >"$T/bad1.json"
must_fail "bank stats on an export with a broken response" stats --results "$T/bad1.json"
err_has "it names the response" "response 1"
printf '{"kind":"kisi-item-stats","version":9,"exam":"x","items":[],"responses":[]}' >"$T/bad2.json"
must_fail "bank stats on an export of a newer version" stats --results "$T/bad2.json"
err_has "it names the version" "version 9"
must_fail "bank stats on a results file that is not JSON" stats --results "$F/stats.csv"
must_fail "bank stats on a missing export" stats --results "$T/none.json"
python3 - "$F/stats.json" "$T/bad3.json" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
j["responses"][0]["answers"][0]["v"] = "Z"
json.dump(j, open(sys.argv[2], "w"))
PYEOF
must_fail "bank stats on an answer that is no option" stats --results "$T/bad3.json"
run stats --results "$F/stats.json" "$F/s.bank"
[ "$rc" -eq 2 ] || fail "bank stats --results with a BANK too: exit $rc"
ok "bank stats --results with a BANK too is a usage error"
ccore --db "$DB" stats --exam stat-kuis
[ "$rc" -eq 2 ] || fail "core stats without --csv or --json: exit $rc"
ok "core stats without a format is a usage error"

# -- the operator's JSON route and the page for authors ------------------------------------------
core_start "$DB" --web-dir "$ROOT/assets/web" || fail "core start: $(cat "$T/core.err")"
get_anon "/v1/stats?exam=stat-kuis"; status_is "stats without the operator's token" 401 unauthorized
get "/v1/stats?exam=stat-kuis"; status_is "stats with the operator's token" 200
python3 - "$T/body" "$F/stats.json" <<'PYEOF' || fail "the route differs from core stats"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
b.pop("responses")
assert a == b and "responses" not in a
PYEOF
ok "the route answers the figures of core stats, without the responses"
get "/v1/stats?exam=nothing-sat"; status_is "stats of an exam without results" 404 no-results
get "/v1/stats?exam=../x"; status_is "stats of a malformed exam id" 400 malformed
get_anon /web/stats.html; status_is "the page needs no token (it holds no data)" 200
curl -s -D "$T/head" -o /dev/null "$URL/web/stats.js"
grep -qi '^content-type: text/javascript' "$T/head" && grep -qi "^content-security-policy: default-src 'self'" "$T/head" ||
    fail "page headers: $(cat "$T/head")"
ok "scripts served as JavaScript, only from the core (Content-Security-Policy)"
get_anon /web/nothing.html; status_is "a page that is not there" 404 not-found
get_anon /web/.hidden.html; status_is "a hidden file" 404 not-found
get_anon /web/core.db; status_is "a file of another kind" 404 not-found
code=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$URL/web/../util/proto.h")
same "a path out of the folder" "$code" 404
SHOTS=${KISI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
sh "$ROOT/tests/browser/run.sh" stats_page.mjs "$URL" "$T/operator.token" stat-kuis "$SHOTS" >"$T/browser" 2>&1
brc=$?
sed 's/^/     /' "$T/browser"
[ "$brc" -eq 0 ] || fail "the page in Chromium (exit $brc)"
ok "the page in Chromium: $(tail -n 1 "$T/browser")"
core_stop
[ "$core_rc" -eq 0 ] && ! grep -q Sanitizer "$T/core.err" || fail "the core's stop: $core_rc, $(tail -n 5 "$T/core.err")"
ok "the core stops cleanly"

done_ok

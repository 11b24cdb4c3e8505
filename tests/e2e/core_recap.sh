#!/bin/sh
# core_recap.sh -- cohort recaps at the core: the hand-worked 40-participant fixture through
# `core cohort add`, `core aspects import` and `core recap` (CSV and JSON; a preview computed
# fresh, never stored; runs recorded with --record and kept side by side; the HTTP route serves
# the preview or a recorded run); then a kiosk delivering over the network with --core (enrols
# itself, waits for approval), whose results become the academic score and the RPL exemption;
# a second, different result of one attempt: disputed, left out of the recap, resolved with
# `core dispute resolve` (who kept which and why), then counted.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; sit_stop; rm -rf "$T"' EXIT
DB=sqlite:$T/core.db
FIX=$ROOT/tests/data/recap
A=latsar-2026-angkatan-1
B=latsar-2026-kelas-b

# refused_as DESC STATUS -- the last ccore exited STATUS with one line on stderr.
refused_as() {
    [ "$rc" -eq "$2" ] || fail "$1: exit $rc, expected $2 (stderr: $(cat "$T/err"))"
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$1: not one line on stderr"
    ok "$1 (exit $rc: $(cat "$T/err"))"
}

# -- the 40-participant fixture ------------------------------------------------------
python3 - "$FIX/cohort40-aspects.csv" "$T/roster40.csv" <<'PYEOF' || fail "roster"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
w = csv.writer(open(sys.argv[2], "w", encoding="utf-8"), lineterminator="\r\n")
w.writerow(["nip", "name"])
for r in rows:
    w.writerow([r["nip"], r["name"]])
PYEOF
ccore --db "$DB" cohort add "$CDATA/cohort-a.json" "$T/roster40.csv"
same "cohort add" "$rc" 0
out_has "it counts the roster" "with 40 participants"
printf 'nip,pktbt\n199105152024122046,80\n' >"$T/stranger.csv"
ccore --db "$DB" aspects import "$A" "$T/stranger.csv"
refused_as "aspects of a NIP not on the cohort's roster" 1
printf 'nip,pktbt\n199503122021031001,101\n' >"$T/over.csv"
ccore --db "$DB" aspects import "$A" "$T/over.csv"; refused_as "a score above 100" 1
err_has "the line is named" "line 2"
ccore --db "$DB" aspects import "$A" "$FIX/cohort40-aspects.csv"
same "aspects import" "$rc" 0

ccore --db "$DB" recap "$A" --csv; same "recap --csv" "$rc" 0
cp "$T/out" "$T/recap1.csv"
python3 - "$T/recap1.csv" "$FIX/cohort40-expected.csv" "$A" <<'PYEOF' || fail "recap differs"
import csv, sys
got = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
exp = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert len(got) == len(exp) == 40, (len(got), len(exp))
for g, e in zip(got, exp):
    assert g["cohort"] == sys.argv[3] and g["run"] == "preview", (g["cohort"], g["run"])
    for k in e:
        assert g[k] == e[k], (e["nip"], k, g[k], e[k])
PYEOF
ok "the recap (a preview) equals the hand-worked expected file, field by field, for all 40"
ccore --db "$DB" recap "$A" --json; cp "$T/out" "$T/preview.json"
same "a recap without --record is a preview" "$(jget "$T/preview.json" '(j["run"], j["preview"])')" "(None, True)"
ccore --db "$DB" recap "$A" --json --run 1; refused_as "no run is recorded by looking" 1
err_has "the message says how to record one" "has no run 1"
ccore --db "$DB" recap "$A" --json --record; cp "$T/out" "$T/run1.json"
same "--record records run 1" "$(jget "$T/run1.json" '(j["run"], j["preview"])')" "(1, False)"
grep -q " info recap recorded: cohort=$A run=1 participants=40\$" "$T/err" || fail "record log: $(cat "$T/err")"
ok "recording is logged on stderr"
python3 - "$T/preview.json" "$T/run1.json" <<'PYEOF' || fail "run 1 is not the preview"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for j in (a, b):
    del j["run"], j["preview"]
assert a == b
PYEOF
ok "the recorded run holds what the preview showed"
ccore --db "$DB" recap "$A" --json --record; cp "$T/out" "$T/run2.json"
same "the next --record is run 2" "$(jget "$T/run2.json" 'j["run"]')" 2
ccore --db "$DB" recap --csv "$A" --run 1
same "--run 1 --csv prints run 1" "$(sed -n 2p "$T/out" | cut -d, -f2)" 1
ccore --db "$DB" recap "$A" --json --run 2
cmp -s "$T/out" "$T/run2.json" || fail "--run 2 is not what --record printed"
ok "--run 2 prints run 2 as recorded"
ccore --db "$DB" recap "$A"; refused_as "recap without --csv or --json" 2
ccore --db "$DB" recap "$A" --json --record --run 1; refused_as "--record with --run" 2
ccore --db "$DB" recap "$A" --json --run 0; refused_as "--run 0" 1
# aspects imported after a run was recorded: the preview has them, run 2 stays as it was
printf 'nip,pktbt\n199503122021031001,55\n' >"$T/late.csv"
ccore --db "$DB" aspects import "$A" "$T/late.csv"; same "aspects imported later" "$rc" 0
ccore --db "$DB" recap "$A" --json
same "the preview shows the new score" \
    "$(jget "$T/out" '[p["pktbt"] for p in j["participants"] if p["nip"] == "199503122021031001"][0]')" 5500
ccore --db "$DB" recap "$A" --json --run 2
cmp -s "$T/out" "$T/run2.json" || fail "run 2 changed"
ok "recorded run 2 is unchanged"
ccore --db "$DB" aspects import "$A" "$FIX/cohort40-aspects.csv"; same "aspects again as they were" "$rc" 0

# -- a kiosk on the network: results become academic scores and the RPL exemption ----
BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam latsar-rpl \
    --roster "$ASSETS/roster-small.csv" --out "$R/rpl.session" >"$R/rpl.token" 2>"$T/err" \
    || fail "RPL session"
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add" "$rc" 0
ccore --db "$DB" session add "$R/demo.session"; same "session add (academic)" "$rc" 0
ccore --db "$DB" session add "$R/rpl.session"; same "session add (RPL)" "$rc" 0
core_start "$DB" || fail "core start: $(cat "$T/core.err")"
get_anon "/v1/cohorts/$A/recap"; status_is "the recap route without the operator's token" 401 unauthorized
get "/v1/cohorts/$A/recap"; status_is "the recap route" 200
cmp -s "$T/body" "$T/preview.json" || fail "the route does not serve the preview"
ok "the route serves the preview, byte for byte as core recap --json"
get "/v1/cohorts/$A/recap?run=2"; status_is "the route with ?run=2" 200
cmp -s "$T/body" "$T/run2.json" || fail "the route does not serve run 2"
ok "?run=2 serves run 2, byte for byte as core recap --json --run 2"
get "/v1/cohorts/$A/recap?run=3"; status_is "a run not recorded" 404 unknown-run
get "/v1/cohorts/$A/recap?run=x"; status_is "a run that is no number" 400 malformed
get "/v1/cohorts/nobody/recap"; status_is "the recap of an unknown cohort" 404 unknown-cohort

NIP1=$(sed -n 2p "$ASSETS/roster-small.csv" | tr -d '\r' | cut -d, -f1)
PIN1=$(sed -n 2p "$ASSETS/roster-small.csv" | tr -d '\r' | cut -d, -f3)
NIP2=$(sed -n 3p "$ASSETS/roster-small.csv" | tr -d '\r' | cut -d, -f1)
PIN2=$(sed -n 3p "$ASSETS/roster-small.csv" | tr -d '\r' | cut -d, -f3)
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP1" 40 >"$T/plan1"
plan "$R/latsar.bank" "$R/rpl.session" "$R/rpl.token" "$NIP2" 999 >"$T/plan2"

# wait_for DESC CMD... -- up to 120 s until CMD succeeds.
wait_for() {
    d=$1; shift
    i=0
    until "$@"; do
        i=$((i + 1)); [ $i -gt 600 ] && fail "$d: not within 120 s"
        sleep 0.2
    done
    ok "$d"
}
listed() { "$CORE" --db "$DB" kiosk list 2>/dev/null | grep -q "pending"; }
delivered() { [ "$(ls "$T/k1/sent/" 2>/dev/null | grep -c '\.json$')" -ge "$1" ]; }

sit_start "$R/latsar.bank" "$R/demo.session" "$T/k1" --core "$URL"
wait_for "the kiosk enrols itself and waits (pending)" listed
K1=$(pubhex "$T/k1/kiosk.key")
ccore --db "$DB" kiosk approve "$(printf %s "$K1" | cut -c1-8)"; same "operator approves" "$rc" 0
sit "$NIP1" "$PIN1" "$(cat "$R/token")" "$T/plan1"
wait_for "the academic result reaches the core" delivered 1
kd_kill9
sit_start "$R/latsar.bank" "$R/rpl.session" "$T/k1" --core "$URL"
sit "$NIP2" "$PIN2" "$(cat "$R/rpl.token")" "$T/plan2"
wait_for "the RPL result reaches the core" delivered 2
sit_stop
[ -z "$(ls "$T/k1/refused" 2>/dev/null)" ] || fail "refused by the core: $(cat "$T"/k1/refused/*.reason)"
get "/v1/history?exam=latsar-akademik"
same "the core holds the academic form" "$(wc -l <"$T/body")" 1

ccore --db "$DB" cohort add "$CDATA/cohort-b.json" "$ASSETS/roster-small.csv"
same "cohort add over a nip,name,pin roster" "$rc" 0
ccore --db "$DB" aspects import "$B" "$CDATA/kelas-b-aspects.csv"; same "aspects import" "$rc" 0
get "/v1/cohorts/$B/recap"; status_is "the route computes the recap" 200
cp "$T/body" "$T/b1.json"
python3 - "$T/b1.json" "$T/k1/sent" "$NIP1" "$NIP2" "$B" <<'PYEOF' || fail "kelas B recap"
import glob, json, sys
j = json.load(open(sys.argv[1]))
assert j["cohort"] == sys.argv[5] and j["run"] is None and j["preview"], (j["cohort"], j["run"])
res = {}
for p in glob.glob(sys.argv[2] + "/*.json"):
    r = json.load(open(p))
    res[r["exam"]] = r
awarded = res["latsar-akademik"]["score"]["awarded"]
assert res["latsar-rpl"]["score"]["passed"], res["latsar-rpl"]["score"]
by = {p["nip"]: p for p in j["participants"]}
assert len(by) == 5
# academic = (10 x self-paced from the kiosk + 10 x distance 80.00) / 20, half-up
want = (10 * awarded + 10 * 8000 + 10) // 20
assert by[sys.argv[3]]["academic"] == want, (by[sys.argv[3]]["academic"], want, awarded)
assert by[sys.argv[4]]["outcome"] == "dibebaskan (RPL)", by[sys.argv[4]]
assert by["199706142025102305"]["outcome"] == "lulus", by["199706142025102305"]
assert by["199706142025102305"]["behaviour_institution"] == 9667, by["199706142025102305"]
for nip in ("199103302025011981", "199811222025012007"):
    assert by[nip]["outcome"] == "belum lengkap", by[nip]
assert j["summary"]["dibebaskan (RPL)"] == 1 and j["summary"]["belum lengkap"] == 2, j["summary"]
PYEOF
ok "kiosk score replaces the imported self-paced score; RPL pass exempts; trophies give behaviour"
ccore --db "$DB" recap "$B" --json
cmp -s "$T/out" "$T/b1.json" || fail "core recap --json differs from the route's preview"
ok "core recap --json prints the recap the route computed"
ccore --db "$DB" recap "$B" --json --run 1; refused_as "the route recorded no run" 1
same "each exam's score is shown" \
    "$(jget "$T/b1.json" '[p["academic_distance"] for p in j["participants"] if p["nip"] == "'"$NIP1"'"][0]')" 8000
same "no attempt is disputed" "$(jget "$T/b1.json" 'j["summary"]["disputed"]')" 0

# -- a second, different result of the same attempt: disputed, left out, resolved ----
ACAD=$(grep -l '"exam":"latsar-akademik"' "$T"/k1/sent/*.json | head -n 1)
openssl genpkey -algorithm ed25519 -out "$T/k2.key" 2>/dev/null || fail "second kiosk key"
K2=$(pubhex "$T/k2.key")
enrol "$T/k2.key" lab-b08; status_is "a second kiosk enrols" 202
ccore --db "$DB" kiosk approve "$(printf %s "$K2" | cut -c1-8)"; same "approved" "$rc" 0
edit "$ACAD" "$T/twin.json" "r['kiosk'] = '$K2'"
resign "$T/k2.key" "$T/twin.json" "$T/twin"
upload "$T/twin.json"; status_is "the same attempt from a second seat" 409 conflict
ccore --db "$DB" dispute list; same "core dispute list" "$rc" 0
grep -q "^latsar-akademik  *$NIP1  *1  open " "$T/out" || fail "dispute list: $(cat "$T/out")"
same "both records listed under it" "$(grep -c '^    \(stored\|evidence\) ' "$T/out")" 2
grep -q "^1 disputed attempts, 1 open: the recap leaves them out" "$T/out" || fail "list summary: $(cat "$T/out")"
ccore --db "$DB" results; same "core results" "$rc" 0
grep -q " $NIP1  *1  stored\$" "$T/out" || fail "core results, first record: $(cat "$T/out")"
grep -q " $NIP1  *1  disputed: " "$T/out" || fail "core results, second record: $(cat "$T/out")"
ok "core results shows both records of the attempt"
ccore --db "$DB" recap "$B" --json; cp "$T/out" "$T/b2.json"
python3 - "$T/b2.json" "$NIP1" <<'PYEOF' || fail "recap of a disputed attempt"
import json, sys
j = json.load(open(sys.argv[1]))
p = [p for p in j["participants"] if p["nip"] == sys.argv[2]][0]
assert p["academic_self_paced"] is None and p["disputed"] == ["self_paced"], p
assert p["outcome"] == "belum lengkap" and "disputed self_paced" in p["rule"], p
assert "core dispute resolve" in p["rule"], p["rule"]
assert j["summary"]["disputed"] == 1, j["summary"]
PYEOF
ok "the recap leaves the disputed attempt out and says why"
TWIN=$(sha "$T/twin.json")
ccore --db "$DB" dispute resolve latsar-akademik "$NIP1" 1 --keep 00000000 --by Rina --reason x
refused_as "resolve with a digest of neither record" 1
ccore --db "$DB" dispute resolve latsar-akademik "$NIP1" 2 --keep "$(printf %s "$TWIN" | cut -c1-12)" \
    --by Rina --reason x
refused_as "resolve an attempt that is not disputed" 1
ccore --db "$DB" dispute resolve latsar-akademik "$NIP1" 1 --keep "$TWIN"
refused_as "resolve without --by and --reason" 2
ccore --db "$DB" dispute resolve latsar-akademik "$NIP1" 1 --keep "$(printf %s "$TWIN" | cut -c1-12)" \
    --by "Rina (operator)" --reason "seat B08's journal is complete"
same "core dispute resolve" "$rc" 0
grep -q "^attempt 1 of latsar-akademik for $NIP1: kept $TWIN (by Rina (operator))" "$T/out" \
    || fail "resolve: $(cat "$T/out")"
ccore --db "$DB" dispute list --exam latsar-akademik
grep -q "^latsar-akademik  *$NIP1  *1  resolved " "$T/out" || fail "resolved: $(cat "$T/out")"
grep -q "^    kept $(printf %s "$TWIN" | cut -c1-16) by Rina (operator) at .*: seat B08's journal is complete\$" "$T/out" \
    || fail "the choice: $(cat "$T/out")"
ok "the list records who kept which record and why"
ccore --db "$DB" recap "$B" --json
python3 - "$T/out" "$T/b1.json" "$NIP1" <<'PYEOF' || fail "recap after the resolution"
import json, sys
j, before = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
p = [p for p in j["participants"] if p["nip"] == sys.argv[3]][0]
q = [p for p in before["participants"] if p["nip"] == sys.argv[3]][0]
assert p["disputed"] == [] and p["academic"] == q["academic"] and p["outcome"] == q["outcome"], (p, q)
assert j["summary"]["disputed"] == 0, j["summary"]
PYEOF
ok "resolved, the recap counts the record kept"

core_stop
same "SIGTERM stops the core cleanly" "$core_rc" 0
done_ok

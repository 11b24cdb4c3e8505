#!/bin/sh
# core_postgres.sh -- the grading core on PostgreSQL, in a private throw-away cluster (run as
# the postgres user, listening on 127.0.0.1 only, always stopped at the end): the store
# contract and room log unit tests against it; core_http.sh and core_cli.sh with their core on it; two
# core servers on one database and no folder shared (the bank and session reach the second
# through the database) receiving the same new result at once store it exactly once, of two
# rival records of one attempt keep the first and the other as evidence, and give the same
# history and recap.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || fail "no PostgreSQL server: install the postgresql package (make deps)"
UNIT=${KISI_UNIT_DIR:-$BIN/../tests}/test_store_core
[ -x "$UNIT" ] || fail "no $UNIT: build it with make unit (KISI_UNIT_DIR names its folder)"
# PostgreSQL refuses to run as root: root runs it as the postgres system user
AS=
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || fail "no postgres system user (the postgresql package makes it)"
    AS="runuser -u postgres --"
fi
PGT=$(mktemp -d "${TMPDIR:-/tmp}/kisi-pg.XXXXXX") || fail "mktemp"
[ -z "$AS" ] || chown postgres: "$PGT" || fail "chown $PGT"
PGPID=
B_PID=

# pg_stop -- stops the cluster started here (fast shutdown, bounded), else kills its postmaster.
pg_stop() {
    [ -n "$PGPID" ] || return 0
    $AS "$PGBIN/pg_ctl" -D "$PGT/data" -m fast -t 20 stop >/dev/null 2>&1
    i=0
    while kill -0 "$PGPID" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$PGPID" 2>/dev/null && kill -9 "$PGPID" 2>/dev/null
    PGPID=
}
# b_stop -- stops the second core server (SIGTERM, bounded), as core_stop does the first.
b_stop() {
    [ -n "$B_PID" ] || return 0
    a=$CPID; CPID=$B_PID; core_stop; B_PID=; b_rc=$core_rc; CPID=$a
}
trap 'core_stop; b_stop; pg_stop; rm -rf "$T" "$PGT"' EXIT

# -- the cluster: initdb, start on the first free port from 15432 ---------------------
$AS "$PGBIN/initdb" -A trust -U kisi -E UTF8 --no-locale --no-sync -D "$PGT/data" \
    >"$PGT/initdb.log" 2>&1 || fail "initdb: $(tail -n 3 "$PGT/initdb.log")"
PORT=15432
while :; do
    [ $PORT -lt 15532 ] || fail "no free port for PostgreSQL from 15432 to 15531"
    $AS "$PGBIN/pg_ctl" -D "$PGT/data" -l "$PGT/log.$PORT" -w -t 120 -o \
        "-c listen_addresses=127.0.0.1 -p $PORT -k $PGT -c fsync=off" start >/dev/null 2>&1 && break
    if [ -f "$PGT/data/postmaster.pid" ]; then
        PGPID=$(head -n 1 "$PGT/data/postmaster.pid"); pg_stop
    fi
    grep -q 'could not bind\|already in use' "$PGT/log.$PORT" 2>/dev/null \
        || fail "PostgreSQL did not start: $(tail -n 3 "$PGT/log.$PORT" 2>/dev/null)"
    PORT=$((PORT + 1))
done
PGPID=$(head -n 1 "$PGT/data/postmaster.pid")
ok "a private PostgreSQL cluster listens on 127.0.0.1:$PORT (postmaster $PGPID)"
PG=postgres://kisi@127.0.0.1:$PORT
# newdb NAME -- a new database with an ICU en-US collation, whose order is not byte order
newdb() {
    "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U kisi -T template0 --locale-provider=icu \
        --icu-locale=en-US "$1" 2>"$T/err" || fail "createdb $1: $(cat "$T/err")"
}
psql1() { "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U kisi -d "$1" -Atc "$2" 2>"$T/err"; }

# -- (1) the store contract unit tests on PostgreSQL -----------------------------------
newdb kisi_unit
KISI_TEST_STORE_URL=$PG/kisi_unit "$UNIT" >"$T/unit.out" 2>&1 || {
    grep -v '^\[ \(RUN\|      OK\) ' "$T/unit.out" | tail -n 30; fail "store unit tests on PostgreSQL"; }
passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$T/unit.out" | awk '{s += $1} END {print s + 0}')
[ "$passed" -ge 26 ] || fail "only $passed store unit tests passed on PostgreSQL"
ok "store contract and PostgreSQL's own checks: $passed unit tests passed"
FWD=${KISI_UNIT_DIR:-$BIN/../tests}/test_forward
[ -x "$FWD" ] || fail "no $FWD: build it with make unit"
newdb kisi_forward
KISI_TEST_STORE_URL=$PG/kisi_forward "$FWD" >"$T/fwd.out" 2>&1 || {
    grep -v '^\[ \(RUN\|      OK\) ' "$T/fwd.out" | tail -n 30; fail "forward unit tests on PostgreSQL"; }
ok "the forwards table and its schema-4 upgrade on PostgreSQL (test_forward)"

# -- (1b) the exam room kept on PostgreSQL: seats, waiting commands and the room log
# written and read back, a restart that keeps the room, the sitting report -------------
ROOMUNIT=${KISI_UNIT_DIR:-$BIN/../tests}/test_roomlog
[ -x "$ROOMUNIT" ] || fail "no $ROOMUNIT: build it with make unit (KISI_UNIT_DIR names its folder)"
newdb kisi_room
KISI_TEST_STORE_URL=$PG/kisi_room "$ROOMUNIT" >"$T/room.out" 2>&1 || {
    grep -v '^\[ \(RUN\|      OK\) ' "$T/room.out" | tail -n 30; fail "room log unit tests on PostgreSQL"; }
same "the room tables round trip on PostgreSQL: room_seats, room_commands, room_log rows" \
    "$(psql1 kisi_room 'SELECT (SELECT COUNT(*) FROM room_seats) > 0 AND (SELECT COUNT(*) FROM room_log) > 0')" t
ok "room log unit tests on PostgreSQL: $(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$T/room.out") passed"

# -- (2) core_http.sh and core_cli.sh with their core on PostgreSQL --------------------
for s in core_http core_cli; do
    newdb "kisi_$s"
    KISI_E2E_DB=$PG/kisi_$s sh "$(dirname "$0")/$s.sh" >"$T/$s.out" 2>&1 \
        || { tail -n 20 "$T/$s.out"; fail "$s.sh on PostgreSQL"; }
    ok "$s.sh on PostgreSQL: $(tail -n 1 "$T/$s.out")"
done

# -- (3) two core servers on one database, no folder shared -----------------------------
# Each core has a working folder of its own (its current folder, its output) and the same
# key file, copied; the bank and session are added through the first core's command line
# and reach the second through the database alone.
newdb kisi_two
DB=$PG/kisi_two
mkdir -p "$T/a" "$T/b" "$T/c" || fail "mkdir"
BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
CORE_KEY=$T/a/core.key
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add through the first core" "$rc" 0
same "the first core made its key, owner only" "$(stat -c %a "$T/a/core.key")" 600
ccore --db "$DB" session add "$R/demo.session"; same "session add through the first core" "$rc" 0
BANKID=$(sed -n 's/.*, bank \([0-9a-f]*\))$/\1/p' "$T/out")
[ -n "$BANKID" ] || fail "no bank id in: $(cat "$T/out")"
same "the database holds the bank's and the session's bytes" \
    "$(psql1 kisi_two 'SELECT (SELECT COUNT(*) FROM banks WHERE length(file) > 0) + (SELECT COUNT(*) FROM sessions WHERE length(file) > 0)')" 2
pass=$(tr -d '\n' <"$R/passphrase")
same "and no passphrase in clear" \
    "$(psql1 kisi_two "SELECT COUNT(*) FROM banks WHERE position(convert_to('$pass', 'UTF8') in pass_box) > 0")" 0
cp "$T/a/core.key" "$T/b/core.key" || fail "copy of the key"
# a core with a key of its own (not a copy) is refused at start, in one line
(cd "$T/c" && "$CORE" --db "$DB" --key-file "$T/c/core.key" --listen 127.0.0.1:9 >"$T/c/out" 2>"$T/c/err")
same "a core with another key does not start" "$?" 1
grep -q "is not this database's" "$T/c/err" || fail "another key: $(cat "$T/c/err")"
ok "and says why: $(cat "$T/c/err")"
CORE_KEY=$T/a/core.key
cd "$T/a" && core_start "$DB" || fail "first core: $(cat "$T/core.err")"
A_URL=$URL; A_PID=$CPID; CPID=
# the first core keeps writing to its files under their new names
mv "$T/core.out" "$T/a.out"; mv "$T/core.err" "$T/a.err"
CORE_KEY=$T/b/core.key
cd "$T/b" && core_start "$DB" || fail "second core: $(cat "$T/core.err")"
cd "$T" || fail "cd"
B_URL=$URL; B_PID=$CPID; CPID=$A_PID
ok "two core servers on one database, each in its own folder: $A_URL and $B_URL"

openssl genpkey -algorithm ed25519 -out "$T/k.key" 2>/dev/null || fail "kiosk key"
K=$(pubhex "$T/k.key")
URL=$A_URL; enrol "$T/k.key" pg-kiosk; status_is "the kiosk enrols at the first core" 202
ccore --db "$DB" kiosk approve "$(printf %s "$K" | cut -c1-8)"; same "kiosk approve" "$rc" 0
URL=$B_URL; get "/v1/kiosks/$K"; same "the second core sees it approved" "$(bodyget 'j["state"]')" approved

# result NIP FINISHED OUT -- OUT.json and OUT.sig: NIP's first attempt at the demo session,
# no item answered, signed by the kiosk; another FINISHED makes a rival record.
result() {
    "$BANK" draw "$R/latsar.bank" --session "$R/demo.session" --token-file "$R/token" \
        --participant "$1" --json >"$T/form.json" 2>"$T/err" || fail "bank draw for $1"
    echo '{}' >"$T/answers.json"
    "$BANK" score "$R/latsar.bank" --passphrase-file "$R/passphrase" --form "$T/form.json" \
        --answers "$T/answers.json" --json >"$T/score.json" 2>"$T/err" || fail "bank score for $1"
    python3 - "$T/form.json" "$T/score.json" "$BANKID" "$K" "$2" "$3.json" <<'PYEOF' || fail "result of $1"
import json, sys
form, score = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
r = {"kind": "kisi-result", "version": 1, "bank": sys.argv[3], "session": form["session"],
     "exam": form["exam"], "participant": form["participant"], "name": "", "attempt": form["attempt"],
     "form": form, "answers": [], "score": score, "submitted": "participant", "used_ms": 60000,
     "down_ms": 0, "incidents": [], "journal": "0" * 64, "kiosk": sys.argv[4],
     "finished_ms": int(sys.argv[5])}
open(sys.argv[6], "w").write(json.dumps(r, sort_keys=True, separators=(",", ":")))
PYEOF
    resign "$T/k.key" "$3.json" "$3"
}

# race A.json B.json -- four uploads of A to the first core and four of B to the second, all
# at once; prints how many got each HTTP status (" 7 200; 1 201;").
race() {
    rm -rf "$T"/p*; i=0; pids=
    while [ $i -lt 8 ]; do
        if [ $((i % 2)) = 0 ]; then u=$A_URL; f=$1; else u=$B_URL; f=$2; fi
        (URL=$u; T=$T/p$i; mkdir -p "$T"; upload "$f"; echo "$code" >"$T/code") &
        pids="$pids $!"; i=$((i + 1))
    done
    for p in $pids; do wait "$p"; done
    cat "$T"/p*/code | sort | uniq -c | tr -s ' ' | tr '\n' ';'
}

n=0
for line in 2 3 4 5 6 7; do
    NIP=$(sed -n "${line}p" "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
    result "$NIP" 1000 "$T/r$line"
    same "8 uploads of $NIP's new result to two cores at once" "$(race "$T/r$line.json" "$T/r$line.json")" " 7 200; 1 201;"
    n=$((n + 1))
done
NIP=$(sed -n 8p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
result "$NIP" 1000 "$T/x"; result "$NIP" 2000 "$T/y"
same "two rival records of one attempt, each 4 times to its own core at once" \
    "$(race "$T/x.json" "$T/y.json")" " 3 200; 1 201; 4 409;"
same "the database holds each attempt once" "$(psql1 kisi_two 'SELECT COUNT(*) FROM results')" $((n + 1))
same "and the rival as evidence, once" "$(psql1 kisi_two 'SELECT COUNT(*) FROM evidence')" 1
same "the attempt is disputed, once" "$(psql1 kisi_two "SELECT COUNT(*) FROM disputes WHERE keep_digest = ''")" 1
ccore --db "$DB" dispute list; same "core dispute list" "$rc" 0
grep -q "^latsar-akademik  *$NIP  *1  open " "$T/out" || fail "dispute list: $(cat "$T/out")"
ccore --db "$DB" history --exam latsar-akademik
same "history lists every stored form once" "$(grep -c . "$T/out")" $((n + 1))
ccore --db "$DB" cohort add "$CDATA/cohort-b.json" "$ASSETS/roster.csv"; same "cohort add" "$rc" 0
for c in A B; do
    eval "URL=\$${c}_URL"
    get "/v1/history?exam=latsar-akademik"; status_is "history from core $c" 200
    cp "$T/body" "$T/history.$c"
    get "/v1/cohorts/latsar-2026-kelas-b/recap"; status_is "recap from core $c" 200
    cp "$T/body" "$T/recap.$c"
done
same "the history has every stored form" "$(grep -c . "$T/history.A")" $((n + 1))
cmp -s "$T/history.A" "$T/history.B" || fail "the two cores' histories differ"
ok "both cores give the same history, byte for byte"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["cohort"] == "latsar-2026-kelas-b"' \
    "$T/recap.A" || fail "recap: $(head -c 300 "$T/recap.A")"
cmp -s "$T/recap.A" "$T/recap.B" || fail "the two cores' recaps differ"
ok "both cores give the same recap, byte for byte"
same "the recap leaves the disputed attempt out" \
    "$(jget "$T/recap.A" '[p["disputed"] for p in j["participants"] if p["nip"] == "'"$NIP"'"][0]')" "['self_paced']"
ccore --db "$DB" dispute resolve latsar-akademik "$NIP" 1 --keep "$(sha "$T/y.json" | cut -c1-10)" \
    --by "operator on core A" --reason "the later record is the true sitting"
same "core dispute resolve keeps the rival" "$rc" 0
same "the choice is in the database" \
    "$(psql1 kisi_two "SELECT keep_digest || ' ' || resolved_by FROM disputes")" "$(sha "$T/y.json") operator on core A"
URL=$B_URL; get "/v1/cohorts/latsar-2026-kelas-b/recap"; status_is "recap from core B" 200
same "core B counts the record kept" \
    "$(bodyget '[p["disputed"] for p in j["participants"] if p["nip"] == "'"$NIP"'"][0]')" "[]"

# lease ASKER_KEY URL SEAT NIP -- the lease of NIP's first attempt asked of the core at URL
lease() {
    printf '{"attempt":1,"nip":"%s","seat":"%s","seq":%s,"session":"%s","version":1}' "$4" "$3" \
        "$(date +%s%3N)" "$(jget "$T/r2.json" 'j["session"]')" >"$T/lease.json"
    sig=$(openssl pkeyutl -sign -rawin -inkey "$1" -in "$T/lease.json" | od -An -tx1 | tr -d ' \n')
    code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' -H "Kisi-Kiosk: $(pubhex "$1")" \
        -H "Kisi-Signature: $sig" --data-binary "@$T/lease.json" "$2/v1/room/lease")
}
openssl genpkey -algorithm ed25519 -out "$T/k2.key" 2>/dev/null || fail "second kiosk key"
URL=$B_URL; enrol "$T/k2.key" pg-kiosk-2; status_is "a second kiosk enrols at the second core" 202
ccore --db "$DB" kiosk approve "$(pubhex "$T/k2.key" | cut -c1-8)"; same "approved" "$rc" 0
lease "$T/k.key" "$A_URL" A03 "$NIP"; status_is "seat A03 asks the first core for the lease" 200
same "  granted" "$(bodyget 'j["status"] + " " + j["holder"]')" "granted A03"
lease "$T/k2.key" "$B_URL" B07 "$NIP"; status_is "seat B07 asks the second core for the same attempt" 200
same "  refused, naming A03" "$(bodyget 'j["status"] + " " + j["holder"]')" "refused A03"
same "neither core wrote a file beside it but its key" "$(find "$T/a" "$T/b" -type f | sort | tr '\n' ' ')" \
    "$T/a/core.key $T/b/core.key "

core_stop; same "the first core stops cleanly" "$core_rc" 0
b_stop; same "the second core stops cleanly" "$b_rc" 0
for e in "$T/a.err" "$T/core.err"; do
    grep -v '^[0-9-]*T[0-9:]*Z \(info\|warning\) [a-z]' "$e" | grep . && fail "stderr of a core: $(cat "$e")"
done
ok "no error from either core: their stderr holds only info and warning log lines"
same "the six results stored are logged once, by one core or the other" \
    "$(cat "$T/a.err" "$T/core.err" | grep -c ' info result stored: ')" $((n + 1))
pid=$PGPID
pg_stop
kill -0 "$pid" 2>/dev/null && fail "the PostgreSQL cluster is still running"
ok "the cluster is stopped"
done_ok

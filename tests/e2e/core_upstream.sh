#!/bin/sh
# core_upstream.sh -- results travel on from a room core: two cores on loopback, the room
# one started with --upstream; each stored result reaches the central core once (marked on
# its signed receipt), waits there until its kiosk is approved, catches up after the
# central core was down, is never stored twice; a forged result is refused upstream; a
# receipt of another key marks nothing; `core export` carries them on a stick instead;
# `core kiosk approve --all [--name-prefix P]` approves pending kiosks in one step.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; sit_stop; rm -rf "$T"' EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve NAME PORT DB [ARGS...] -- a core on 127.0.0.1:PORT, its output in $T/NAME.out and
# $T/NAME.err (appended: a restart keeps what came before); sets NAME_PID. Each core has
# its own SQLite store and so its own key ($T/NAME.db.key).
serve() {
    n=$1; p=$2; d=$3; shift 3
    before=0
    [ ! -f "$T/$n.out" ] || before=$(grep -c '^core listening on ' "$T/$n.out")
    "$CORE" --db "$d" --listen "127.0.0.1:$p" "$@" >>"$T/$n.out" 2>>"$T/$n.err" &
    pid=$!
    eval "${n}_PID=$pid"
    PIDS="$PIDS $pid"
    i=0
    until [ "$(grep -c '^core listening on ' "$T/$n.out")" -gt "$before" ]; do
        kill -0 "$pid" 2>/dev/null || fail "core $n: $(tail -n 2 "$T/$n.err")"
        i=$((i + 1)); [ $i -gt 1200 ] && fail "core $n does not start"
        sleep 0.05
    done
}

# halt NAME -- SIGTERM to that core, waits for it.
halt() {
    pid=$(eval echo "\$${1}_PID")
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null; halt_rc=$?
}

# tool NAME ARGS... -- the core command (NAME says which core's store ARGS name).
tool() {
    shift
    "$CORE" "$@" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
}

# forwarded NAME -- rows of the forwards table of that core's SQLite store.
forwarded() { sqlite3 "$T/$1.db" 'SELECT COUNT(*) FROM forwards'; }

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
for c in central room third; do
    tool $c --db "sqlite:$T/$c.db" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" \
        --pub "$R/authority.pub"
    [ "$rc" -eq 0 ] || fail "$c: bank add: $(cat "$T/err")"
    tool $c --db "sqlite:$T/$c.db" session add "$R/demo.session"
    [ "$rc" -eq 0 ] || fail "$c: session add: $(cat "$T/err")"
done
ok "three cores know the bank and the session (central, room, third)"
tool central --db "sqlite:$T/central.db" kiosk core-key; cp "$T/out" "$T/central.pub"
tool room --db "sqlite:$T/room.db" kiosk core-key; cp "$T/out" "$T/room.pub"

# -- two results signed by a real kiosk that had no network ---------------------------
NIP1=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN1=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
NIP2=$(sed -n 3p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN2=$(sed -n 3p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP1" 30 >"$T/plan1"
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP2" 20 >"$T/plan2"
sit_start "$R/latsar.bank" "$R/demo.session" "$T/k"
sit "$NIP1" "$PIN1" "$(cat "$R/token")" "$T/plan1"
sit "$NIP2" "$PIN2" "$(cat "$R/token")" "$T/plan2"
sit_stop
mkdir -p "$T/a" "$T/b"
for f in "$T"/k/outbox/*.json; do
    case $f in *-"$NIP1"-*) cp "$f" "${f%.json}.sig" "$T/a/" ;; *) cp "$f" "${f%.json}.sig" "$T/b/" ;; esac
done
[ "$(ls "$T/a" | grep -c json)" = 1 ] && [ "$(ls "$T/b" | grep -c json)" = 1 ] || fail "results: $(ls "$T/k/outbox")"
ok "two results signed by the kiosk"

# -- approve --all: the room core takes the first result by stick --------------------
tool room --db "sqlite:$T/room.db" import "$T/a"; same "the stick's result waits for its kiosk" "$rc" 0
tool room --db "sqlite:$T/room.db" kiosk approve --all --name-prefix nobody
same "approve --all with a prefix no kiosk has" "$rc" 0
out_has "approves none" "0 kiosks approved (name starting with nobody)"
tool room --db "sqlite:$T/room.db" kiosk approve --all --name-prefix
same "--name-prefix without its value is a usage error" "$rc" 2
tool room --db "sqlite:$T/room.db" kiosk approve --all
same "core kiosk approve --all" "$rc" 0
grep -q '^kiosk [0-9A-Z]*-[0-9A-Z]* ([0-9a-f]*) approved; of its waiting results 1 stored, 0 refused$' \
    "$T/out" || fail "approve --all lists each kiosk: $(cat "$T/out")"
out_has "and says how many" "1 kiosk approved; waiting results 1 stored, 0 refused"

# -- flags ---------------------------------------------------------------------------------
"$CORE" --db "sqlite:$T/room.db" --upstream http://127.0.0.1:9 >"$T/out" 2>"$T/err" </dev/null; rc=$?
refused "--upstream without --upstream-key"
err_has "it says they go together" "go together"
printf 'not a key\n' >"$T/bad.pub"
"$CORE" --db "sqlite:$T/room.db" --upstream http://127.0.0.1:9 --upstream-key "$T/bad.pub" \
    >"$T/out" 2>"$T/err" </dev/null; rc=$?
refused "an upstream key file that holds no key"
printf 'upstream = http://127.0.0.1:9\n' >"$T/room.conf"
"$CORE" --config "$T/room.conf" --db "sqlite:$T/room.db" >"$T/out" 2>"$T/err" </dev/null; rc=$?
refused "upstream in the configuration file without upstream-key"
err_has "the configuration file's keys are read" "go together"
tool room --db "sqlite:$T/room.db" results --upstream http://x
[ "$rc" -ne 0 ] || fail "--upstream with a command is refused"
ok "--upstream is for the server only"

# -- the room core forwards; the central core keeps it until its kiosk is approved -------
CPORT=$(free_port); RPORT=$(free_port)
CURL_=http://127.0.0.1:$CPORT
serve central "$CPORT" "sqlite:$T/central.db"
serve room "$RPORT" "sqlite:$T/room.db" --upstream "$CURL_" --upstream-key "$T/central.pub"
grep -q "^forwarding the results to $CURL_\$" "$T/room.out" || fail "start lines: $(cat "$T/room.out")"
ok "the room core says where its results go"
waits() { tool central --db "sqlite:$T/central.db" results; grep -q ' waiting: ' "$T/out"; }
wait_for "the forwarded result waits at the central core (its kiosk unknown there)" waits
tool central --db "sqlite:$T/central.db" kiosk list
grep -q ' pending .*  forwarded: imported from a$' "$T/out" || fail "kiosk list: $(cat "$T/out")"
ok "the kiosk is pending there, named as forwarded"
same "nothing is marked forwarded without a receipt" "$(forwarded room)" 0
tool central --db "sqlite:$T/central.db" kiosk approve --all --name-prefix "forwarded: "
same "the central operator approves the forwarded kiosks" "$rc" 0
out_has "the waiting result is stored" "1 stored, 0 refused"
one() { [ "$(forwarded room)" = 1 ]; }
wait_for "the room core marks it forwarded on the central core's receipt" one
same "the receipt kept is signed by the central key" \
    "$(sqlite3 "$T/room.db" "SELECT upstream = '$(cat "$T/central.pub")' AND receipt LIKE '%\"core\":\"$(cat "$T/central.pub")\"%' FROM forwards")" 1

# -- the central core down: the second result catches up later -------------------------
halt central
tool room --db "sqlite:$T/room.db" import "$T/b"; same "a second result at the room core" "$rc" 0
out_has "stored there (its kiosk is approved)" "stored"
down() { grep -q 'forwarding: upstream .*Could' "$T/room.err"; }
wait_for "the room core finds the central core down, and logs it" down
same "the second result is not marked" "$(forwarded room)" 1
tool room --db "sqlite:$T/room.db" forwarded "$T/central.pub"
out_has "core forwarded says what has not left yet" "1 of 2 results forwarded to the core of key"
out_has "and how many" "; 1 not yet"
serve central "$CPORT" "sqlite:$T/central.db"
two() { [ "$(forwarded room)" = 2 ]; }
wait_for "back up, the central core gets the second result" two
grep -q 'forwarding: the upstream answers again' "$T/room.err" || fail "no line for the way back"
ok "the room core logs the way back"
tool central --db "sqlite:$T/central.db" history --exam latsar-akademik
same "the central core holds each result once" "$(grep -c . "$T/out")" 2
tool central --db "sqlite:$T/central.db" results
out_has "two stored there, nothing else (no duplicate, no evidence)" \
    "2 stored, 0 disputed (kept as evidence), 0 refused, 0 waiting"
same "each result was forwarded once" "$(grep -c 'result forwarded: ' "$T/room.err")" 2
tool room --db "sqlite:$T/room.db" forwarded "$T/central.pub"
out_has "core forwarded: all of them" "2 of 2 results forwarded"
tool room --db "sqlite:$T/room.db" forwarded "$T/bad.pub"
[ "$rc" -eq 1 ] || fail "core forwarded with a file that holds no key: exit $rc"
ok "core forwarded refuses a file that holds no key"

# -- the same result forwarded again is only receipted; forgeries are refused ----------
F1=$(ls "$T"/a/*.json)
# fwd_body NAME.json OUT -- the body of POST /v1/forward for NAME.json with its NAME.sig
fwd_body() {
    python3 - "$1" "$2" <<'PYEOF' || fail "forward body"
import json, sys
rec = open(sys.argv[1], "rb").read().decode("utf-8")
sig = json.load(open(sys.argv[1][:-5] + ".sig"))
json.dump({"version": 1, "record": rec, "kiosk": sig["kiosk"], "sig": sig["sig"], "name": "x"},
          open(sys.argv[2], "w"))
PYEOF
}
fwd_body "$F1" "$T/fwd.json"
URL=$CURL_
post /v1/forward "$T/fwd.json"; status_is "a result forwarded twice" 200 duplicate
python3 - "$T/fwd.json" "$T/forged.json" <<'PYEOF' || fail "forge"
import json, sys
j = json.load(open(sys.argv[1]))
i = j["record"].index('"raw":') + 6
j["record"] = j["record"][:i] + ("9" if j["record"][i] != "9" else "8") + j["record"][i + 1:]
json.dump(j, open(sys.argv[2], "w"))
PYEOF
post /v1/forward "$T/forged.json"; status_is "a forwarded result with its score changed" 401 bad-signature
printf '{"version":1,"record":"{}","kiosk":"zz","sig":"zz"}' >"$T/junk.json"
post /v1/forward "$T/junk.json"; status_is "a forward that is not one" 400 malformed
printf '{"version":2,"record":"{}","kiosk":"zz","sig":"zz"}' >"$T/v2.json"
post /v1/forward "$T/v2.json"; status_is "a forward of a newer version" 400 unsupported-version
# keys never seen, each proven by its signature: admitted within the enrolment's limits
codes=
for i in 1 2 3 4 5 6; do
    openssl genpkey -algorithm ed25519 -out "$T/x$i.key" 2>/dev/null || fail "genpkey"
    resign "$T/x$i.key" "$F1" "$T/x$i"; fwd_body "$T/x$i.json" "$T/x$i.fwd"
    post /v1/forward "$T/x$i.fwd"; codes="$codes $code"
done
case "$codes" in *429*) ;; *) fail "six new keys from one address, all admitted:$codes" ;; esac
ok "new keys forwarded from one address are rate-limited as enrolments are ($codes)"
tool central --db "sqlite:$T/central.db" history --exam latsar-akademik
same "still two results at the central core" "$(grep -c . "$T/out")" 2

# -- core export: the same results on a stick, for a core with no route -----------------
tool room --db "sqlite:$T/room.db" export "$T/stick"; same "core export DIR" "$rc" 0
out_has "two results written" "2 results written to"
same "as NAME.json with NAME.sig" "$(ls "$T/stick" | grep -c '\.kiosk-[0-9a-f]*\.json$') $(ls "$T/stick" | grep -c '\.sig$')" "2 2"
same "the files are 0600" "$(stat -c %a "$T"/stick/* | sort -u)" 600
cmp -s "$F1" "$(ls "$T"/stick/*-"$NIP1"-*.json)" || fail "the exported record differs from the kiosk's"
ok "the record exported is the kiosk's, byte for byte"
tool room --db "sqlite:$T/room.db" export "$T/stick"; same "exporting again" "$rc" 0
out_has "finds them there already" "0 results written to $T/stick, 2 there already"
tool third --db "sqlite:$T/third.db" import "$T/stick"; same "core import of the exported stick" "$rc" 0
tool third --db "sqlite:$T/third.db" kiosk approve --all; same "approve its kiosk" "$rc" 0
tool third --db "sqlite:$T/third.db" history --exam latsar-akademik
same "the third core holds both results" "$(grep -c . "$T/out")" 2
printf 'other bytes' >"$(ls "$T"/stick/*-"$NIP1"-*.json)"
tool room --db "sqlite:$T/room.db" export "$T/stick"
[ "$rc" -eq 1 ] || fail "export over a changed file: exit $rc"
err_has "a file of other bytes is never replaced" "not replaced"

# -- a receipt signed by another key marks nothing ------------------------------------
TPORT=$(free_port)
serve third "$TPORT" "sqlite:$T/third.db" --upstream "$CURL_" --upstream-key "$T/room.pub"
wrongkey() { grep -q 'not signed by the upstream key' "$T/third.err"; }
wait_for "the central core's receipts do not carry the key the third core pinned" wrongkey
same "so nothing is marked forwarded" "$(forwarded third)" 0
halt third; a=$halt_rc
halt room; b=$halt_rc
halt central; c=$halt_rc
same "the three cores stop cleanly on SIGTERM, the forwarders with them" "$a $b $c" "0 0 0"
! grep -q 'Sanitizer\|runtime error' "$T"/*.err || fail "a sanitizer report: $(grep -h -A3 'Sanitizer\|runtime error' "$T"/*.err | head -n 8)"
ok "no sanitizer report in the cores' output"
done_ok

#!/bin/sh
# bank_schema.sh -- a bank or session file whose schema was edited (a partial items_pool
# index, a view in place of a table, an extra trigger, a recursive view meant to burn CPU)
# is refused, fast and with one clear line, by `bank verify`, `bank draw`, `core bank add`
# and `core session add`; the seal covers the schema; files of the earlier formats are
# refused; `bank pins` makes 10-digit PINs and a shorter PIN is refused.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; rm -rf "$T"' EXIT
command -v sqlite3 >/dev/null || fail "the sqlite3 command-line shell is needed"
command -v timeout >/dev/null || fail "timeout (coreutils) is needed"
DB=sqlite:$T/core.db

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
must "the untouched bank verifies" verify "$R/latsar.bank" --pub "$R/authority.pub"
NIP=$(sed -n 2p "$ASSETS/roster.csv" | cut -d, -f1)

# the seal's manifest holds the schema, row by row
sqlite3 "$R/latsar.bank" "SELECT CAST(manifest AS TEXT) FROM seal" >"$T/manifest"
for row in "schema table:items " "schema index:items_pool " "schema table:seal "; do
    grep -q "^$row" "$T/manifest" || fail "the manifest lacks '$row'"
done
ok "the seal's manifest covers every table and index of the schema"

RUNAWAY="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

# edited FILE SQL -- a copy of FILE in $T/e.FILE's-extension with SQL applied
edited() {
    f=$T/e.${1##*.}
    cp "$1" "$f"
    sqlite3 "$f" "$2" || fail "sqlite3 could not apply: $2"
}

# watchdog DESC ARGS... -- runs ARGS with a generous limit: a hang fails the test
watchdog() {
    d=$1; shift
    timeout 120 "$@" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    [ "$rc" -ne 124 ] || fail "$d: still running after 120 s"
}

# bank_refused DESC SQL TEXT -- the bank with SQL applied is refused by bank verify and
# core bank add, each with one line naming TEXT
bank_refused() {
    edited "$R/latsar.bank" "$2"
    watchdog "verify: $1" "$BANK" verify "$f" --pub "$R/authority.pub"
    refused "verify: $1"
    err_has "  verify names it" "$3"
    ok "bank verify refuses $1 ($(cat "$T/err"))"
    watchdog "core bank add: $1" "$CORE" --db "$DB" bank add "$f" --passphrase-file \
        "$R/passphrase" --pub "$R/authority.pub"
    [ "$rc" -eq 1 ] || fail "core bank add of $1: exit $rc (stderr: $(cat "$T/err"))"
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "core bank add of $1: not one line on stderr"
    err_has "  core bank add names it" "$3"
    ok "core bank add refuses $1"
}
bank_refused "items_pool rebuilt as a partial index (difficulty <= 2)" \
    "DROP INDEX items_pool; CREATE INDEX items_pool ON items(topic, draft, rank) WHERE difficulty <= 2" \
    "index items_pool changed"
bank_refused "a view in place of the items table" \
    "ALTER TABLE items RENAME TO items_t; CREATE VIEW items AS SELECT * FROM items_t" \
    "table items missing"
bank_refused "an extra trigger" \
    "CREATE TRIGGER t AFTER UPDATE ON items BEGIN SELECT 1; END" "trigger t not one Kisi writes"
bank_refused "a recursive view in place of meta, meant to burn CPU" \
    "ALTER TABLE meta RENAME TO meta_t; CREATE VIEW meta AS SELECT key, value FROM meta_t WHERE ($RUNAWAY) > 0" \
    "table meta missing"
bank_refused "a deep recursive view beside the tables" \
    "CREATE VIEW burn AS $RUNAWAY" "view burn not one Kisi writes"

# A bank of the earlier format (its seal without the schema) is refused, saying what to do.
edited "$R/latsar.bank" "PRAGMA user_version = 1"
must_fail "verify a bank of format 1" verify "$f" --pub "$R/authority.pub"
err_has "  message says: make the bank again" "make the bank again"

# The sessions: the same kinds of edit, refused by bank draw and by core session add.
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "core bank add of the untouched bank" "$rc" 0
session_refused() {
    edited "$R/demo.session" "$2"
    watchdog "draw: $1" "$BANK" draw "$R/latsar.bank" --session "$f" --token-file "$R/token" \
        --participant "$NIP" --json
    refused "draw: $1"
    err_has "  draw names it" "$3"
    ok "bank draw refuses a session with $1 ($(cat "$T/err"))"
    watchdog "core session add: $1" "$CORE" --db "$DB" session add "$f"
    [ "$rc" -eq 1 ] || fail "core session add of $1: exit $rc (stderr: $(cat "$T/err"))"
    err_has "  core session add names it" "$3"
    ok "core session add refuses a session with $1"
}
session_refused "a view in place of the roster" \
    "ALTER TABLE roster RENAME TO roster_t; CREATE VIEW roster AS SELECT * FROM roster_t" \
    "table roster missing"
session_refused "an extra trigger" \
    "CREATE TRIGGER t AFTER DELETE ON forms BEGIN SELECT 1; END" "trigger t not one Kisi writes"
session_refused "a partial index" \
    "CREATE INDEX few ON forms(pos) WHERE pos < 2" "index few not one Kisi writes"
session_refused "a recursive view in place of meta" \
    "ALTER TABLE meta RENAME TO meta_t; CREATE VIEW meta AS SELECT key, value FROM meta_t WHERE ($RUNAWAY) > 0" \
    "table meta missing"
for v in "2:make the session again with \`bank session\`" \
         "5:make the session again with \`bank session\`" "7:upgrade Kisi"; do
    edited "$R/demo.session" "PRAGMA user_version = ${v%%:*}"
    must_fail "draw with a session of format ${v%%:*}" draw "$R/latsar.bank" --session "$f" \
        --token-file "$R/token" --participant "$NIP" --json
    err_has "  message says: ${v#*:}" "${v#*:}"
done
must "the untouched session still draws" draw "$R/latsar.bank" --session "$R/demo.session" \
    --token-file "$R/token" --participant "$NIP" --json

# PINs: bank pins fills in 10-digit PINs; a shorter PIN is refused by bank session.
printf 'nip,name,pin\n%s,Putri,\n199805202025091012,"Budi, S.E.",5555555555\n' "$NIP" >"$T/r.csv"
must "bank pins fills in the missing PIN" pins "$T/r.csv" --out "$T/r-pins.csv"
[ "$(stat -c %a "$T/r-pins.csv")" = 600 ] || fail "the PIN file is not 0600"
sed -n 2p "$T/r-pins.csv" | grep -Eq "^$NIP,Putri,[0-9]{10}\$" || fail "no 10-digit PIN made"
sed -n 3p "$T/r-pins.csv" | grep -q '^199805202025091012,"Budi, S.E.",5555555555$' ||
    fail "the PIN given was not kept"
ok "the PIN made has 10 digits, the one given is kept"
must_fail "bank pins never overwrites" pins "$T/r.csv" --out "$T/r-pins.csv"
must "a session of the roster with PINs" session "$R/latsar.bank" --passphrase-file "$R/passphrase" \
    --exam latsar-akademik --roster "$T/r-pins.csv" --out "$T/p.session"
printf 'nip,name,pin\n%s,Putri,123456789\n' "$NIP" >"$T/short.csv"
must_fail "a session of a roster with a 9-digit PIN" session "$R/latsar.bank" \
    --passphrase-file "$R/passphrase" --exam latsar-akademik --roster "$T/short.csv" \
    --out "$T/q.session"
err_has "  the line and the rule are named" "line 2: PIN must be 10 to 16 digits"
must_fail "bank pins refuses a 6-digit PIN given" pins "$T/short.csv" --out "$T/x.csv"
[ ! -e "$T/x.csv" ] || fail "a refused bank pins left its file"
done_ok

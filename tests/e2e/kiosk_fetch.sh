#!/bin/sh
# kiosk_fetch.sh -- a kiosk given only the core's URL, the authority's key and a seat label
# fetches the offered session and its bank, checks them and caches them (whole, 0600);
# with the core stopped it sits from its cache; several sessions offered need
# --session-id; a tampered download is refused and leaves the cache as it was.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
FPID=
trap 'core_stop; sit_stop; [ -z "$FPID" ] || kill "$FPID" 2>/dev/null; rm -rf "$T"' EXIT
DB=${KISI_E2E_DB:-sqlite:$T/core.db}

# fetch_only CORE_URL STATE [ARGS...] -- the kiosk with no bank and session, where it
# stops before any window: stdout $T/out, stderr $T/err, status $rc.
fetch_only() {
    u=$1; st=$2; shift 2
    "$BIN/kiosk" --core "$u" --authority "$R/authority.pub" --state "$st" "$@" \
        >"$T/out" 2>"$T/err" </dev/null
    rc=$?
}
# fetch_gui DESC STATE [ARGS...] -- Xvfb and the kiosk of the core at $URL with no bank
# and session, up to its identify screen.
fetch_gui() {
    d=$1; st=$2; shift 2
    kd_start_x 1024x768 || fail "Xvfb"
    kd_start_kiosk --core "$URL" --authority "$R/authority.pub" --state "$st" \
        --strings "$ROOT/assets/strings" "$@" || fail "$d: $(tail -n 3 "$KD_LOG")"
    kd_wait screen=identify || fail "$d: $(tail -n 3 "$KD_LOG")"
}

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
NIP=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
"$BANK" session "$R/latsar.bank" --passphrase-file "$R/passphrase" --exam latsar-rpl \
    --roster "$ASSETS/roster-small.csv" --out "$R/rpl.session" >"$R/rpl.token" 2>"$T/err" \
    || fail "RPL session"
ccore --db "$DB" bank add "$R/latsar.bank" --passphrase-file "$R/passphrase" --pub "$R/authority.pub"
same "bank add" "$rc" 0
ccore --db "$DB" session add "$R/demo.session"; same "session add" "$rc" 0
SID=$(sed -n 's/^session \([0-9a-f]*\) added.*/\1/p' "$T/out")
BID=$(sed -n 's/.*bank \([0-9a-f]*\))$/\1/p' "$T/out")
[ ${#SID} -eq 32 ] && [ ${#BID} -eq 32 ] || fail "session and bank ids: $(cat "$T/out")"
core_start "$DB" || fail "core start: $(cat "$T/core.err")"

# -- the offer and the files, as the core serves them --------------------------------
get_anon /v1/room/offer; status_is "the core offers its sessions to anyone" 200
same "one session, with its bank and exam, and the SHA-256 of both files" \
    "$(bodyget '[(s["session"], s["bank"], s["exam"], s["session_sha256"], s["bank_sha256"]) for s in j["sessions"]]')" \
    "[('$SID', '$BID', 'latsar-akademik', '$(sha "$R/demo.session")', '$(sha "$R/latsar.bank")')]"
code=$(curl -s --max-time 20 -o "$T/got.bank" -w '%{http_code}' "$URL/v1/room/bank/$BID")
same "GET /v1/room/bank/ID: 200" "$code" 200
cmp -s "$T/got.bank" "$R/latsar.bank" || fail "the bank served differs from the one added"
ok "the bank's bytes are those added (sealed; never its passphrase)"
get_anon /v1/room/bank/00000000000000000000000000000000; status_is "an unknown bank" 404 not-found
get_anon /v1/room/session/zz; status_is "a session id that is no id" 404 not-found

# -- a kiosk from the core alone -------------------------------------------------------
S=$T/k
plan "$R/latsar.bank" "$R/demo.session" "$R/token" "$NIP" 20 >"$T/plan1"
fetch_gui "the kiosk that fetched its files" "$S" --seat A03
ok "kiosk --core URL --authority AUTH.pub --seat A03 starts with no --bank or --session"
cmp -s "$S/cache/$BID.bank" "$R/latsar.bank" || fail "cached bank differs"
cmp -s "$S/cache/$SID.session" "$R/demo.session" || fail "cached session differs"
same "the cache names the session it holds" "$(cat "$S/cache/current")" "$SID"
same "the cache folder is 0700" "$(stat -c %a "$S/cache")" 700
same "the cached files are 0600" "$(stat -c %a "$S/cache/$BID.bank" "$S/cache/$SID.session" | sort -u)" 600
[ -z "$(ls -A "$S/cache" | grep '^\.')" ] || fail "a temporary file was left: $(ls -A "$S/cache")"
ok "bank and session cached whole (no temporary file left)"
sit "$NIP" "$PIN" "$(cat "$R/token")" "$T/plan1"
[ -n "$(ls "$S"/outbox/*.json "$S"/sent/*.json 2>/dev/null)" ] || fail "no result after the sitting"
ok "a participant sits the fetched session to the end"
kd_stop
KD_XPID=
inodes() { stat -c %i "$S/cache/$BID.bank" "$S/cache/$SID.session" | tr '\n' ' '; }
before=$(inodes)
fetch_gui "the kiosk started again with its core up" "$S" --seat A03
same "files cached with the bytes offered are not fetched and written again" "$(inodes)" "$before"
kd_stop
KD_XPID=

# -- the core stopped: the cache stands in ---------------------------------------------
core_stop
fetch_gui "the kiosk without its core" "$S" --seat A03
grep -q "the core cannot be reached .*: session $SID from the cache" "$KD_LOG" \
    || fail "the kiosk does not say it uses its cache: $(tail -n 3 "$KD_LOG")"
ok "with the core stopped the kiosk sits from its cache, and says so"
kd_stop
KD_XPID=
fetch_only "$URL" "$T/empty"
refused "no core and no cache"
err_has "it says why, in one line" "no session is cached"

# -- several sessions: --session-id picks -------------------------------------------------
core_start "$DB" || fail "core restart: $(cat "$T/core.err")"
ccore --db "$DB" session add "$R/rpl.session"; same "a second session added" "$rc" 0
RID=$(sed -n 's/^session \([0-9a-f]*\) added.*/\1/p' "$T/out")
fetch_only "$URL" "$T/k2"
refused "two sessions offered, none picked"
err_has "it names them and --session-id" "offers 2 sessions"
fetch_only "$URL" "$T/k2" --session-id 0123456789abcdef0123456789abcdef
refused "a session the core does not offer"
err_has "it says so" "does not offer session"
"$BIN/kiosk" --bank "$R/latsar.bank" --session "$R/demo.session" --authority "$R/authority.pub" \
    --session-id "$RID" >"$T/out" 2>"$T/err" </dev/null; rc=$?
refused "--session-id beside --bank and --session"
fetch_gui "kiosk --session-id" "$T/k2" --session-id "$RID"
same "--session-id picks the session fetched" "$(cat "$T/k2/cache/current")" "$RID"
kd_stop
KD_XPID=
fetch_gui "a kiosk restarted during its sitting" "$S" --seat A03
grep -q "kiosk: the core offers several sessions: session $SID, the one this kiosk sat last" \
    "$KD_LOG" || fail "no note of the session taken: $(tail -n 3 "$KD_LOG")"
ok "of several sessions, a kiosk restarted takes the one it sat last, and says so"
kd_stop
KD_XPID=
core_stop

# -- a tampered download, from a core that serves other bytes ---------------------------
mkdir -p "$T/fake/v1/room/bank" "$T/fake/v1/room/session"
printf '{"version":1,"sessions":[{"session":"%s","bank":"%s","exam":"latsar-akademik"}]}' \
    "$SID" "$BID" >"$T/fake/v1/room/offer"
cp "$R/demo.session" "$T/fake/v1/room/session/$SID"
# the bank of another authority, same id: sealed, but not by the pinned key
cp "$R/latsar.bank" "$T/other.bank"
"$BANK" keygen "$T/other" >/dev/null 2>&1 || fail "keygen"
"$BANK" seal "$T/other.bank" --key "$T/other.key" >/dev/null 2>&1 || fail "reseal"
cp "$T/other.bank" "$T/fake/v1/room/bank/$BID"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$T/fake" >/dev/null 2>&1 &
FPID=$!
up() { curl -s -o /dev/null "http://127.0.0.1:$PORT/v1/room/offer"; }
wait_for "a core serving a bank resealed by another key" up
cp "$S/cache/$BID.bank" "$T/cache-before.bank"
fetch_only "http://127.0.0.1:$PORT" "$S"
refused "a bank sealed by another key"
err_has "it names the failed seal" "does not verify"
cmp -s "$S/cache/$BID.bank" "$T/cache-before.bank" || fail "the refused download reached the cache"
ok "the cache keeps the good bank"
# an offer larger than a kiosk reads
head -c 300000 /dev/zero | tr '\0' ' ' >"$T/fake/v1/room/offer.big"
mv "$T/fake/v1/room/offer" "$T/fake/v1/room/offer.small"; mv "$T/fake/v1/room/offer.big" "$T/fake/v1/room/offer"
fetch_only "http://127.0.0.1:$PORT" "$S"
refused "an offer of 300 kB"
err_has "the download is bounded" "is larger than 262144 bytes"
mv "$T/fake/v1/room/offer.small" "$T/fake/v1/room/offer"
# the right bank, and another session's file served under this session's id
cp "$R/rpl.session" "$T/fake/v1/room/session/$SID"
cp "$R/latsar.bank" "$T/fake/v1/room/bank/$BID"
fetch_only "http://127.0.0.1:$PORT" "$S"
refused "another session's file served for this one"
err_has "it names both ids" "is session $RID, not $SID"
cmp -s "$S/cache/$SID.session" "$R/demo.session" || fail "the refused session reached the cache"
ok "the cache keeps the good session"
done_ok

#!/bin/sh
# install_units.sh -- what `make install` lays down, without a running systemd: the files
# in their places, both units clean under `systemd-analyze verify`, the core reading
# /etc/kisi/core.conf through --config (the command line winning, bad lines refused with
# one line), and the kiosk session script reading /etc/kisi/kiosk.conf.
set -u
. "$(dirname "$0")/lib.inc"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORE=$BIN/core
CPID=
trap '[ -n "$CPID" ] && kill "$CPID" 2>/dev/null; rm -rf "$T"' EXIT

# -- make install into a staging root (the default PREFIX: nothing is rebuilt) --------
D=$T/root
case "$BIN" in */build/san/bin) MK=SAN=1 ;; *) MK= ;; esac
# shellcheck disable=SC2086 # MK is one word or none
make -s -C "$ROOT" $MK install DESTDIR="$D" >"$T/out" 2>"$T/err" || fail "make install: $(tail -n 3 "$T/err")"
P=$D/usr/local
for f in bin/bank bin/core bin/kiosk libexec/kisi/kisi-kiosk-session; do
    [ -x "$P/$f" ] || fail "make install: no executable $f"
done
for f in share/kisi/strings/id.txt share/kisi/strings/en.txt share/kisi/sample/latsar.csv \
    share/man/man1/bank.1 share/man/man1/core.1 share/man/man1/kiosk.1 \
    share/man/man5/kisi-core.conf.5 share/man/man5/kisi-kiosk.conf.5 \
    lib/systemd/system/kisi-core.service lib/systemd/system/kisi-kiosk.service; do
    [ -f "$P/$f" ] || fail "make install: no $f"
done
[ -f "$D/etc/kisi/core.conf" ] && [ -f "$D/etc/kisi/kiosk.conf" ] || fail "make install: no /etc/kisi/*.conf"
grep -q '^ExecStart=/usr/local/bin/core --config /etc/kisi/core.conf$' "$P/lib/systemd/system/kisi-core.service" \
    || fail "kisi-core.service does not run the installed core with /etc/kisi/core.conf"
strings "$P/bin/kiosk" | grep -qx '/usr/local/share/kisi/strings' || fail "the kiosk does not know its installed texts"
ok "make install lays down programs, texts, sample content, man pages, units and configuration"

# -- man pages: no groff warnings ------------------------------------------------------
for m in "$P"/share/man/man*/*; do
    w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$m" 2>&1)
    [ -z "$w" ] || fail "man page ${m##*/}: $w"
done
ok "the five man pages format without a warning"

# -- the units: systemd-analyze verify, paths moved under the staging root -------------
# (verify checks that ExecStart's program exists; the host has no /usr/local/bin/core)
mkdir -p "$T/units"
for u in kisi-core kisi-kiosk; do
    sed "s|^ExecStart=/usr/local/|ExecStart=$P/|" "$P/lib/systemd/system/$u.service" >"$T/units/$u.service"
done
systemd-analyze verify --man=no "$T/units/kisi-core.service" "$T/units/kisi-kiosk.service" >"$T/out" 2>&1 \
    || fail "systemd-analyze verify: $(cat "$T/out")"
[ ! -s "$T/out" ] || fail "systemd-analyze verify is not silent: $(head -c 600 "$T/out")"
# a broken unit is noticed by the same check (the check can fail)
printf '[Service]\nExecStart=%s\nRestartt=always\n' "$P/bin/core" >"$T/units/broken.service"
systemd-analyze verify --man=no "$T/units/broken.service" >"$T/out" 2>&1
grep -q "Restartt" "$T/out" || fail "systemd-analyze verify missed an unknown key"
ok "systemd-analyze verify: both units clean (and a misspelt key is caught)"
u=$P/lib/systemd/system/kisi-core.service
for want in 'User=kisi-core' 'StateDirectory=kisi-core' 'Restart=on-failure' 'ProtectSystem=strict' \
    'ProtectHome=yes' 'NoNewPrivileges=yes' 'PrivateTmp=yes' 'PrivateDevices=yes' \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service'; do
    grep -qx "$want" "$u" || fail "kisi-core.service lacks $want"
done
u=$P/lib/systemd/system/kisi-kiosk.service
for want in 'User=kisi-kiosk' 'Restart=always' 'RestartSec=1' 'StartLimitIntervalSec=0' \
    'TTYPath=/dev/tty1' 'Conflicts=getty@tty1.service display-manager.service' \
    'ExecStart=/usr/local/libexec/kisi/kisi-kiosk-session'; do
    grep -qx "$want" "$u" || fail "kisi-kiosk.service lacks $want"
done
ok "the core's unit has its user, state folder, restart and sandbox; the kiosk's restarts at once on tty1"
# systemd's own measure of the core's sandbox: 0 (locked) .. 10 (exposed); 2.0 at most
systemd-analyze security --offline=yes --threshold=20 "$T/units/kisi-core.service" >"$T/out" 2>&1 \
    || fail "the core's sandbox: $(tail -n 1 "$T/out")"
ok "systemd-analyze security: $(sed -n 's/.*Overall exposure level for //p' "$T/out")"

# -- core --config ---------------------------------------------------------------------
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/operator.token"
chmod 600 "$T/operator.token"
# serve_with CONF [ARGS]: the core on the first free port from 18300, the port written
# into CONF's listen line (unless ARGS give --listen); sets URL, CPID
serve_with() {
    conf=$1; shift
    port=18300
    while [ $port -lt 18400 ]; do
        sed "s|@PORT@|$port|g" "$conf" >"$T/core.conf"
        : >"$T/core.out"
        "$CORE" --config "$T/core.conf" "$@" >"$T/core.out" 2>"$T/core.err" &
        CPID=$!
        i=0
        while [ $i -lt 1200 ]; do
            if grep -q '^core listening on ' "$T/core.out"; then return 0; fi
            kill -0 "$CPID" 2>/dev/null || break
            sleep 0.05; i=$((i + 1))
        done
        wait "$CPID" 2>/dev/null; CPID=
        grep -qi 'in use' "$T/core.err" || return 1
        port=$((port + 1))
    done
    return 1
}
stop_core() { kill -TERM "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null; CPID=; }

cat >"$T/conf.in" <<CONF
# the room server
db = sqlite:$T/state/core.db
data = $T/state/files
listen = 127.0.0.1:@PORT@
operator-token-file = $T/operator.token
web-dir = $ROOT/assets/web
CONF
mkdir -p "$T/state"
serve_with "$T/conf.in" || fail "core --config: $(cat "$T/core.err")"
grep -q "^core listening on http://127.0.0.1:$port (db sqlite:$T/state/core.db)" "$T/core.out" \
    || fail "core --config: $(cat "$T/core.out")"
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$port/v1/health")
same "GET /v1/health of a core configured by file" "$code" 200
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$port/web/stats.css")
same "the page folder of web-dir in the file" "$code" 200
printf 'Authorization: Bearer %s\n' "$(cat "$T/operator.token")" >"$T/operator.hdr"
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' -H "@$T/operator.hdr" \
    "http://127.0.0.1:$port/v1/history?exam=latsar-akademik")
same "the operator token named in the file opens the history route" "$code" 200
stop_core
[ -f "$T/state/core.db" ] || fail "the configured db was not used"

# the command line wins: --listen on another port than the file's
other=$((port + 1))
serve_with "$T/conf.in" --listen "127.0.0.1:$other" || fail "core --config --listen: $(cat "$T/core.err")"
grep -q "^core listening on http://127.0.0.1:$other " "$T/core.out" || fail "--listen did not win: $(cat "$T/core.out")"
stop_core
ok "--listen on the command line wins over the file's listen"

# a subcommand takes db from the file and leaves the server's settings alone
sed "s|@PORT@|1|" "$T/conf.in" >"$T/sub.conf"
"$CORE" --config "$T/sub.conf" kiosk list >"$T/out" 2>"$T/err"; rc=$?
same "core --config FILE kiosk list (listen in the file is for the server only)" "$rc" 0
"$CORE" --config "$T/sub.conf" --db "sqlite:$T/other.db" kiosk list >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" -eq 0 ] && [ -f "$T/other.db" ] || fail "--db did not win over the file's db"
ok "--db on the command line wins over the file's db"

# bad files: one line naming the file and the line, exit 2, no server
bad() {
    printf "$2" >"$T/bad.conf"
    "$CORE" --config "$T/bad.conf" >"$T/out" 2>"$T/err" </dev/null; rc=$?
    same "$1: exit status" "$rc" 2
    [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$1: $(wc -l <"$T/err") lines on stderr"
    grep -qF -- "$3" "$T/err" || fail "$1: stderr '$(cat "$T/err")' lacks '$3'"
    ok "$1 refused: $(cat "$T/err")"
}
bad "an unknown key" 'db = sqlite:x.db\nport = 80\n' "bad.conf:2: unknown key 'port'"
bad "a key twice" 'db = sqlite:x.db\ndb = sqlite:y.db\n' "bad.conf:2: db given twice"
bad "a line without =" '\n\nlisten 127.0.0.1:80\n' "bad.conf:3: expected KEY = VALUE"
bad "an empty value" 'data =\n' "bad.conf:1: data has no value"
"$CORE" --config "$T/nowhere.conf" kiosk list >"$T/out" 2>"$T/err"; rc=$?
same "a missing configuration file: exit status" "$rc" 2
grep -q "nowhere.conf" "$T/err" || fail "a missing file: $(cat "$T/err")"

# -- the kiosk session script's configuration ------------------------------------------
S=$P/libexec/kisi/kisi-kiosk-session
KISI_KIOSK_CONF=$D/etc/kisi/kiosk.conf sh "$S" --check >"$T/out" 2>"$T/err" \
    || fail "the shipped kiosk.conf: $(cat "$T/err")"
grep -q -- '--core http://10.0.0.5:8080 ' "$T/out" || fail "the shipped kiosk.conf: $(cat "$T/out")"
"$CORE" --config "$D/etc/kisi/core.conf" --db "sqlite:$T/shipped.db" kiosk list >"$T/out" 2>"$T/err" \
    || fail "the shipped core.conf: $(cat "$T/err")"
ok "the shipped core.conf and kiosk.conf are read without a complaint"
cat >"$T/kiosk.conf" <<CONF
# a lab PC
core = http://10.0.0.5:8080
bank = /srv/kisi/latsar.bank
session = /srv/kisi/room 1.session
authority = /srv/kisi/authority.pub
seat = lab-07
state = /var/lib/kisi-kiosk
lang = en
CONF
KISI_KIOSK_CONF=$T/kiosk.conf sh "$S" --check >"$T/out" 2>"$T/err" || fail "session --check: $(cat "$T/err")"
same "session --check prints the kiosk's command line" "$(cat "$T/out")" \
    "/usr/local/bin/kiosk --core http://10.0.0.5:8080 --bank /srv/kisi/latsar.bank --session /srv/kisi/room 1.session --authority /srv/kisi/authority.pub --seat lab-07 --state /var/lib/kisi-kiosk --lang en"
sbad() {
    KISI_KIOSK_CONF=$T/kbad.conf sh "$S" --check >"$T/out" 2>"$T/err"; rc=$?
    [ "$rc" -ne 0 ] || fail "$1: accepted"
    [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$2" "$T/err" || fail "$1: $(cat "$T/err")"
    ok "session: $1 refused: $(cat "$T/err")"
}
{ cat "$T/kiosk.conf"; echo "windowed = yes"; } >"$T/kbad.conf"; sbad "an unknown key" "unknown key 'windowed'"
grep -v '^bank' "$T/kiosk.conf" >"$T/kbad.conf"; sbad "a missing bank" "bank is missing"
grep -v '^bank\|^session\|^core' "$T/kiosk.conf" >"$T/kbad.conf"; sbad "no bank, session or core" "bank is missing"
{ cat "$T/kiosk.conf"; echo "session-id = 0123456789abcdef0123456789abcdef"; } >"$T/kbad.conf"
sbad "session-id beside bank and session" "session-id is for a kiosk that fetches"
{ grep -v '^bank\|^session' "$T/kiosk.conf"; echo "session-id = 0123456789abcdef0123456789abcdef"; } >"$T/kfetch.conf"
KISI_KIOSK_CONF=$T/kfetch.conf sh "$S" --check >"$T/out" 2>"$T/err" || fail "a fetching kiosk: $(cat "$T/err")"
same "without bank and session the kiosk fetches them from the core" "$(cat "$T/out")" \
    "/usr/local/bin/kiosk --core http://10.0.0.5:8080 --authority /srv/kisi/authority.pub --seat lab-07 --state /var/lib/kisi-kiosk --lang en --session-id 0123456789abcdef0123456789abcdef"
{ cat "$T/kiosk.conf"; echo "lang = id"; } >"$T/kbad.conf"; sbad "a key twice" "lang given twice"
done_ok

#!/bin/sh
# install_deb.sh -- the Debian packages: `make deb` builds kisi-bank, kisi-core and
# kisi-kiosk with Debian's tools and lintian passes; apt installs them into a clean
# Debian 12 root made by debootstrap (from Debian's mirror), and inside it (chroot) the
# installed bank seals the packaged sample content, the installed core serves
# /v1/health from /etc/kisi/core.conf as the kisi-core user, the units verify, and the
# installed kiosk starts under Xvfb with its installed texts and no --strings.
# Caches under build/debroot/ (a second run downloads nothing): debootstrap's tarball,
# the root it unpacks to (as a tar, laid anew for every run), apt's downloaded packages.
set -u
. "$(dirname "$0")/lib.inc"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$ROOT/build/debroot
MIRROR=${KISI_DEBIAN_MIRROR:-http://deb.debian.org/debian}
XPID=
cleanup() {
    [ -n "$XPID" ] && kill "$XPID" 2>/dev/null
    [ -n "${CPID:-}" ] && kill "$CPID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || fail "this test needs root (debootstrap, chroot)"
for p in dpkg-buildpackage lintian debootstrap Xvfb flock; do
    command -v "$p" >/dev/null || fail "$p is missing (tools/deps.sh test installs it)"
done
mkdir -p "$CACHE/archives"
# one run at a time uses the cache (two `make test` at once wait for each other)
exec 9>"$CACHE/.lock"
flock -w 600 9 || fail "build/debroot is busy for 10 minutes"

# -- make deb ------------------------------------------------------------------------------
t0=$(date +%s)
make -s -C "$ROOT" deb >"$T/deb.out" 2>&1 || { cat "$T/deb.out"; fail "make deb"; }
for p in kisi-bank kisi-core kisi-kiosk; do
    ls "$ROOT"/build/deb/${p}_*.deb >/dev/null 2>&1 || fail "make deb made no $p package"
done
grep -E '^[EW]:' "$ROOT/build/deb/lintian.txt" && fail "lintian reports errors or warnings"
ok "make deb: three packages, lintian passes ($(( $(date +%s) - t0 )) s; $(grep -c '^[IP]:' "$ROOT/build/deb/lintian.txt") info/pedantic notes)"
dpkg-deb -f "$ROOT"/build/deb/kisi-kiosk_*.deb Depends | grep -q 'cage' || fail "kisi-kiosk does not depend on cage"
dpkg-deb -f "$ROOT"/build/deb/kisi-kiosk_*.deb Depends | grep -q 'fonts-dejavu-core' || fail "kisi-kiosk lacks its font"
dpkg-deb -c "$ROOT"/build/deb/kisi-core_*.deb | grep ' ./lib/systemd/system/kisi-core.service$' >/dev/null || fail "kisi-core has no unit"
ok "kisi-kiosk depends on cage and its font; kisi-core carries its unit"

# -- a clean Debian 12 root --------------------------------------------------------------
t0=$(date +%s)
if [ ! -s "$CACHE/root.tar" ]; then
    if [ ! -s "$CACHE/bookworm-minbase.tgz" ]; then
        debootstrap --variant=minbase --make-tarball="$CACHE/bookworm-minbase.tgz.part" \
            bookworm "$T/mk" "$MIRROR" >"$T/dbs.log" 2>&1 || { tail -n 5 "$T/dbs.log"; fail "debootstrap --make-tarball"; }
        mv "$CACHE/bookworm-minbase.tgz.part" "$CACHE/bookworm-minbase.tgz"
    fi
    debootstrap --variant=minbase --unpack-tarball="$CACHE/bookworm-minbase.tgz" \
        bookworm "$T/fresh" "$MIRROR" >"$T/dbs.log" 2>&1 || { tail -n 5 "$T/dbs.log"; fail "debootstrap"; }
    tar -C "$T/fresh" -cf "$CACHE/root.tar.part" . && mv "$CACHE/root.tar.part" "$CACHE/root.tar" \
        || fail "cannot keep the debootstrapped root"
    rm -rf "$T/fresh"
fi
C=$T/root
mkdir -p "$C"
tar -C "$C" -xf "$CACHE/root.tar" || fail "cannot lay the clean root"
[ -f "$C/etc/debian_version" ] && grep -q '^12' "$C/etc/debian_version" || fail "the root is not Debian 12"
ok "a clean Debian $(cat "$C/etc/debian_version") root from debootstrap ($(( $(date +%s) - t0 )) s)"

# -- apt installs the packages -------------------------------------------------------------
t0=$(date +%s)
cp /etc/resolv.conf "$C/etc/resolv.conf" 2>/dev/null
# no service starts inside the chroot
printf '#!/bin/sh\nexit 101\n' >"$C/usr/sbin/policy-rc.d"; chmod 755 "$C/usr/sbin/policy-rc.d"
mkdir -p "$C/tmp/debs"
cp "$ROOT"/build/deb/kisi-bank_*.deb "$ROOT"/build/deb/kisi-core_*.deb "$ROOT"/build/deb/kisi-kiosk_*.deb "$C/tmp/debs/"
cp "$CACHE"/archives/*.deb "$C/var/cache/apt/archives/" 2>/dev/null
in_root() { chroot "$C" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 "$@"; }
in_root apt-get update -qq >"$T/apt.log" 2>&1 || { tail -n 5 "$T/apt.log"; fail "apt-get update in the root"; }
debs=$(cd "$C" && ls tmp/debs/*.deb | sed 's|^|/|')
# shellcheck disable=SC2086 # the package files, no blanks in their names
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    $debs >>"$T/apt.log" 2>&1 \
    || { tail -n 15 "$T/apt.log"; fail "apt-get install of the three packages"; }
cp -n "$C"/var/cache/apt/archives/*.deb "$CACHE/archives/" 2>/dev/null
n=$(grep -c '^Setting up ' "$T/apt.log")
for p in kisi-bank kisi-core kisi-kiosk cage xwayland fonts-dejavu-core; do
    in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || fail "$p is not installed"
done
in_root getent passwd kisi-core >/dev/null || fail "no kisi-core user"
in_root getent passwd kisi-kiosk >/dev/null || fail "no kisi-kiosk user"
ok "apt installs the three packages and their $n dependencies; users kisi-core and kisi-kiosk made ($(( $(date +%s) - t0 )) s)"

# -- the installed bank ---------------------------------------------------------------------
cat >"$C/tmp/bank.sh" <<'SH'
set -e
mkdir -p /tmp/room && cd /tmp/room
S=/usr/share/kisi/sample
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >pass
bank keygen authority >/dev/null
bank init latsar.bank --passphrase-file pass >/dev/null
bank import latsar.bank --passphrase-file pass $S/latsar.csv >/dev/null
bank exam-add latsar.bank --passphrase-file pass $S/exams/latsar-akademik.json >/dev/null
bank seal latsar.bank --key authority.key >/dev/null
bank verify latsar.bank --pub authority.pub >/dev/null
bank session latsar.bank --passphrase-file pass --exam latsar-akademik --roster $S/roster.csv \
    --out room.session >token 2>/dev/null
chmod -R a+rX /tmp/room
SH
in_root sh /tmp/bank.sh >"$T/out" 2>"$T/err" || fail "the installed bank: $(cat "$T/err")"
[ -s "$C/tmp/room/room.session" ] && [ -s "$C/tmp/room/token" ] || fail "the installed bank made no session"
ok "/usr/bin/bank seals the packaged sample content and opens a session"

# -- the installed core, as the service runs it --------------------------------------------
in_root sh -c 'mkdir -p /var/lib/kisi-core && chown kisi-core:kisi-core /var/lib/kisi-core' || fail "state folder"
CPID=
port=18400
while [ $port -lt 18500 ]; do
    sed "s|^listen = .*|listen = 127.0.0.1:$port|" "$C/etc/kisi/core.conf" >"$C/tmp/core.conf"
    grep -q "^listen = 127.0.0.1:$port" "$C/tmp/core.conf" || fail "core.conf has no listen line"
    : >"$T/core.out"
    chroot --userspec=kisi-core:kisi-core "$C" env -i PATH=/usr/bin:/bin /usr/bin/core --config /tmp/core.conf \
        >"$T/core.out" 2>"$T/core.err" &
    CPID=$!
    i=0
    while [ $i -lt 1200 ] && ! grep -q '^core listening' "$T/core.out" && kill -0 "$CPID" 2>/dev/null; do
        sleep 0.05; i=$((i + 1))
    done
    grep -q '^core listening' "$T/core.out" && break
    kill "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null; CPID=
    grep -qi 'in use' "$T/core.err" || fail "the installed core: $(cat "$T/core.err")"
    port=$((port + 1))
done
[ -n "$CPID" ] || fail "no free port for the core"
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$port/v1/health")
same "GET /v1/health of /usr/bin/core --config (a copy of /etc/kisi/core.conf), as kisi-core" "$code" 200
code=$(curl -s --max-time 20 -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$port/web/stats.html")
same "the installed core serves the authors' page from /usr/share/kisi/web" "$code" 200
kill -TERM "$CPID"; wait "$CPID" 2>/dev/null; CPID=
[ -f "$C/var/lib/kisi-core/core.db" ] || fail "the core kept no store in /var/lib/kisi-core"
in_root systemd-analyze verify --man=no /lib/systemd/system/kisi-core.service \
    /lib/systemd/system/kisi-kiosk.service >"$T/out" 2>&1 || fail "systemd-analyze verify: $(cat "$T/out")"
[ ! -s "$T/out" ] || fail "systemd-analyze verify in the root: $(head -c 600 "$T/out")"
ok "the installed units verify in the root, with their users and programs"

# -- the installed kiosk under Xvfb (the host's display, reached over its abstract socket) --
f=$(mktemp "$T/display.XXXXXX")
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$f" >/dev/null 2>&1 &
XPID=$!
i=0
while ! grep -q '^[0-9]' "$f"; do
    i=$((i + 1)); [ $i -lt 1200 ] && kill -0 "$XPID" 2>/dev/null || fail "Xvfb did not start"; sleep 0.05
done
DISP=:$(head -n 1 "$f")
in_root sh -c 'mkdir -p /var/lib/kisi-kiosk && chown kisi-kiosk:kisi-kiosk /var/lib/kisi-kiosk' || fail "kiosk state"
cat >"$C/tmp/kiosk.conf" <<CONF
bank = /tmp/room/latsar.bank
session = /tmp/room/room.session
authority = /tmp/room/authority.pub
state = /var/lib/kisi-kiosk
trace = /var/lib/kisi-kiosk/trace
CONF
args=$(in_root env KISI_KIOSK_CONF=/tmp/kiosk.conf /usr/libexec/kisi/kisi-kiosk-session --check) \
    || fail "kisi-kiosk-session --check"
# shellcheck disable=SC2086 # the checked command line, no blanks in its words
chroot --userspec=kisi-kiosk:kisi-kiosk "$C" env -i PATH=/usr/bin:/bin HOME=/var/lib/kisi-kiosk \
    DISPLAY="$DISP" $args >"$T/kiosk.log" 2>&1 &
KPID=$!
i=0
while [ $i -lt 2400 ] && ! grep -q 'screen=identify' "$C/var/lib/kisi-kiosk/trace" 2>/dev/null; do
    kill -0 "$KPID" 2>/dev/null || fail "the installed kiosk ended: $(cat "$T/kiosk.log")"
    sleep 0.05; i=$((i + 1))
done
grep -q 'screen=identify' "$C/var/lib/kisi-kiosk/trace" 2>/dev/null || fail "the installed kiosk shows nothing"
DISPLAY=$DISP import -window root "$T/shot.png" || fail "no picture of the display"
dev=$(convert "$T/shot.png" -format '%[fx:standard_deviation>0.05]' info:)
same "the installed kiosk drew its identify screen, texts from /usr/share/kisi" "$dev" 1
kill "$KPID"; wait "$KPID" 2>/dev/null
done_ok

#!/bin/sh
# deps.sh -- installs the Debian packages a make target needs, when missing.
# Usage: sh tools/deps.sh test|fuzz|demo|deb   (no-op when everything is there)
set -eu
what=${1:-test}
base="make gcc pkg-config libssl-dev libsqlite3-dev libjansson-dev libxml2-dev libcmocka-dev sqlite3"
kiosk="libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-dejavu-core xvfb xdotool imagemagick"
# read aloud: the espeak-ng library and its voices (id, en); sox measures the audio in tests
speech="libespeak-ng-dev espeak-ng-data"
soxtest="sox"
core="libcurl4-openssl-dev libmicrohttpd-dev libpq-dev curl"
# the PostgreSQL server: tests/e2e/core_postgres.sh runs a throw-away cluster of it
pgserver="postgresql"
# Debian packaging, the clean Debian 12 root of the install test, the kiosk session
# (cage, with Xwayland for the SDL kiosk) and its screenshots, the units' checker
deb="dpkg-dev debhelper fakeroot lintian debootstrap cage xwayland grim x11-utils systemd"
# clang with libFuzzer: make fuzz, and tests/e2e/fuzz_make.sh, which runs it
fuzzer="clang libclang-rt-14-dev"
# the core's pages in a real browser (tests/browser/run.sh: Chromium driven by playwright-core
# from npm); Node and npm from Debian unless a node and an npm are already there
browser="chromium"
command -v node >/dev/null 2>&1 || browser="$browser nodejs"
command -v npm >/dev/null 2>&1 || browser="$browser npm"
case "$what" in
  test) pkgs="$base $kiosk $speech $soxtest $core $pgserver $deb $fuzzer $browser" ;;
  demo) pkgs="$base $kiosk $speech $core" ;;
  fuzz) pkgs="$base $fuzzer" ;;
  deb) pkgs="$base $kiosk $speech $core $deb" ;;
  *) echo "deps.sh: unknown set '$what' (test, demo, fuzz, deb)" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps.sh: missing Debian packages:$missing (run as root, or install them)" >&2
  exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null

#!/bin/sh
# make-deb.sh -- builds the Debian packages from a copy of the tree, with Debian's own
# tools (dpkg-buildpackage, debhelper), and checks them with lintian.
# Usage: sh tools/make-deb.sh      (run by `make deb`; needs tools/deps.sh deb)
# Leaves build/deb/kisi-{bank,core,kiosk}_VERSION_ARCH.deb and build/deb/lintian.txt;
# fails when lintian reports an error or a warning that no override explains.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build/deb
src=$out/src
rm -rf "$out"
mkdir -p "$src"
# the tree without build output, git data or earlier packages
(cd "$here" && tar -cf - --exclude=./build --exclude=./bin --exclude=./.git \
    --exclude=./demo-out --exclude=./tests/out --exclude=./tests/browser/node_modules .) | (cd "$src" && tar -xf -)
cd "$src"
# the packages are always the release build: a `make test SAN=1` around this must not
# hand its sanitizers (or any other variable) down through make's environment
unset MAKEFLAGS MFLAGS MAKELEVEL SAN BUILD CFLAGS LDFLAGS CPPFLAGS
dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1 || {
    tail -n 40 "$out/build.log" >&2
    echo "make-deb: dpkg-buildpackage failed (whole log: build/deb/build.log)" >&2
    exit 1
}
# dpkg-buildpackage leaves its output beside the source folder: build/deb/
cd "$out"
ls kisi-bank_*.deb kisi-core_*.deb kisi-kiosk_*.deb >/dev/null
# errors and warnings fail; info tags are listed; overrides carry their reason
lintian --fail-on error,warning --display-info --pedantic kisi_*.changes >lintian.txt 2>&1 || {
    cat lintian.txt >&2
    echo "make-deb: lintian is not satisfied (build/deb/lintian.txt)" >&2
    exit 1
}
for d in kisi-*.deb; do
    printf '%-40s %6s KiB\n' "$d" "$(( $(stat -c %s "$d") / 1024 ))"
done
[ -s lintian.txt ] && { echo "lintian notes:"; sed 's/^/  /' lintian.txt; }
echo "make-deb: packages in build/deb/"

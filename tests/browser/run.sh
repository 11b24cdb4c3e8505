#!/bin/sh
# run.sh -- runs one browser test (a Node script of this folder) in Debian's Chromium through
# playwright-core, installed once from package-lock.json (npm ci) into tests/browser/node_modules.
#
# Usage: sh tests/browser/run.sh SCRIPT.mjs [ARGS...]
# The script imports ./lib.mjs (start Chromium, watch a page, screenshots). Exit status: the
# script's; 1 with one line on stderr when Chromium, Node or the packages are missing.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=${KISI_CHROMIUM:-/usr/bin/chromium}
[ $# -ge 1 ] || { echo "usage: sh tests/browser/run.sh SCRIPT.mjs [ARGS...]" >&2; exit 2; }
[ -x "$CHROMIUM" ] || { echo "browser: no $CHROMIUM (sh tools/deps.sh test installs Debian's chromium)" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null ||
    { echo "browser: node and npm are needed (sh tools/deps.sh test)" >&2; exit 1; }
# one installation at a time, and only when the lock file changed since the last one
(
    flock 9
    if ! cmp -s "$HERE/package-lock.json" "$HERE/node_modules/.kisi-lock" 2>/dev/null; then
        (cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >"$HERE/.npm-ci.log" 2>&1 ||
            { echo "browser: npm ci failed: $(tail -n 3 "$HERE/.npm-ci.log")" >&2; exit 1; }
        cp "$HERE/package-lock.json" "$HERE/node_modules/.kisi-lock"
    fi
) 9>"$HERE/.npm-ci.lock" || exit 1
script=$1; shift
case $script in /*) ;; *) script=$HERE/$script ;; esac
KISI_CHROMIUM=$CHROMIUM exec node "$script" "$@"

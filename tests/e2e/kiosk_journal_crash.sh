#!/bin/sh
# kiosk_journal_crash.sh -- the kiosk journal loses no acknowledged answer when the
# process is killed (SIGKILL) at random moments: a writer appends events and prints
# each seq once journal_append has returned; after every kill the journal reopens,
# its hash chain verifies and it holds every acknowledged seq.
# The writer is the unit-test binary test_journal in its --writer mode (built when
# missing); BIN tells a sanitizer build (.../build/san/bin) from a normal one;
# TEST_JOURNAL may name another test_journal binary.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd) || { echo "FAIL: no project root"; exit 1; }
case "${BIN:-}" in
*/build/san/bin) TJ=$ROOT/build/san/tests/test_journal; MK="SAN=1" ;;
*) TJ=$ROOT/build/tests/test_journal; MK="" ;;
esac
TJ=${TEST_JOURNAL:-$TJ}
if [ ! -x "$TJ" ]; then
    make -s -C "$ROOT" $MK "${TJ#"$ROOT"/}" >/dev/null 2>&1 || { echo "FAIL: cannot build $TJ"; exit 1; }
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/kisi-e2e.XXXXXX") || { echo "FAIL: mktemp"; exit 1; }
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP

ROUNDS=15
rnd() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }
i=1
while [ $i -le $ROUNDS ]; do
    "$TJ" --writer "$T" 1000000 >>"$T/acked" 2>>"$T/err" &
    pid=$!
    # 30..229 ms, then the power "fails" for this process
    ms=$((30 + $(rnd) % 200))
    sleep "$(printf '0.%03d' "$ms")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    [ "$rc" -eq 137 ] || { echo "FAIL round $i: writer ended with $rc before the kill"; cat "$T/err"; exit 1; }
    out=$("$TJ" --check "$T" "$T/acked" 2>&1) || { echo "FAIL round $i (killed after ${ms} ms): $out"; exit 1; }
    echo "ok   round $i: killed after ${ms} ms; $out"
    i=$((i + 1))
done
n=$(grep -c . "$T/acked")
[ "$n" -gt 0 ] || { echo "FAIL: no event was ever acknowledged"; exit 1; }
echo "all $ROUNDS rounds passed: $n acknowledged events, none lost (${0##*/})"

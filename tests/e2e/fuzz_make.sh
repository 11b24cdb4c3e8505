#!/bin/sh
# fuzz_make.sh -- `make fuzz` shows the last lines of each fuzzer and stops with its status
# when one crashes (its output goes to a file, not through a pipe that would hide it).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# make fuzz checks its packages first: `make test` has installed them (tools/deps.sh test)
T=$(mktemp -d "${TMPDIR:-/tmp}/kisi-fuzzmake.XXXXXX") || { echo "FAIL: mktemp"; exit 1; }
name=e2e$$
trap 'rm -rf "$T" "$ROOT/tests/fuzz/corpus/$name" "$ROOT/tests/fuzz/corpus/${name}b" \
    "$ROOT/build/fuzz/$name.log" "$ROOT/build/fuzz/${name}b.log"' EXIT
# stand-in fuzzers (existing files, so make builds nothing): one passes, one crashes
printf '#!/bin/sh\necho first; echo second; echo last\nexit 0\n' >"$T/fuzz_$name"
printf '#!/bin/sh\necho early; echo "==1==ERROR: AddressSanitizer" >&2; echo crash-line\nexit 77\n' \
    >"$T/fuzz_${name}b"
chmod +x "$T/fuzz_$name" "$T/fuzz_${name}b"
fuzz() { make -s --no-print-directory -C "$ROOT" fuzz FUZZSECS=1 FUZZ_BIN="$*" >"$T/out" 2>&1; }

fuzz "$T/fuzz_$name" || { echo "FAIL: a passing fuzzer failed make fuzz: $(cat "$T/out")"; exit 1; }
grep -q '^last$' "$T/out" && ! grep -q '^first$' "$T/out" ||
    { echo "FAIL: make fuzz does not show only the last lines: $(cat "$T/out")"; exit 1; }
echo "ok   a passing fuzzer: make fuzz succeeds, showing its last lines"

fuzz "$T/fuzz_${name}b" "$T/fuzz_$name"
rc=$?
[ "$rc" -ne 0 ] || { echo "FAIL: a crashing fuzzer did not fail make fuzz: $(cat "$T/out")"; exit 1; }
grep -q crash-line "$T/out" && grep -q "fuzz ${name}b failed (77)" "$T/out" ||
    { echo "FAIL: the crash is not shown: $(cat "$T/out")"; exit 1; }
! grep -q "fuzz $name for" "$T/out" || { echo "FAIL: make fuzz went on after a crash"; exit 1; }
echo "ok   a crashing fuzzer: make fuzz fails with its status and shows its last lines"
echo "all 2 checks passed (fuzz_make.sh)"

#!/bin/sh
# build_boundary.sh -- a client compiles with the public headers only: including a private one fails.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/kisi-boundary.XXXXXX") || { echo "FAIL: mktemp"; exit 1; }
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}
N=0
flags() { make -s --no-print-directory -C "$ROOT" "print-$1"; }
BANK_INC=$(flags BANK_INC) && CORE_INC=$(flags CORE_INC) && PUB_HDR=$(flags PUB_HDR) ||
    { echo "FAIL: make print-BANK_INC"; exit 1; }
(cd "$ROOT" && make -s --no-print-directory $PUB_HDR) || { echo "FAIL: public headers"; exit 1; }

# compiles CLIENT HEADER: 0 when a client with CLIENT's include paths may include HEADER
compiles() {
    printf '#include "%s"\nint main(void) { return 0; }\n' "$2" >"$T/client.c"
    (cd "$ROOT" && $CC -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $1 -fsyntax-only \
        "$T/client.c" 2>"$T/err")
}
public() {
    compiles "$2" "$3" || { echo "FAIL $1 client cannot include $3: $(head -c 300 "$T/err")"; exit 1; }
    N=$((N + 1)); echo "ok   $1 client includes $3"
}
private() {
    ! compiles "$2" "$3" || { echo "FAIL $1 client could include private $3"; exit 1; }
    grep -q "$3" "$T/err" || { echo "FAIL $1 client: $(head -c 300 "$T/err")"; exit 1; }
    N=$((N + 1)); echo "ok   $1 client cannot include $3"
}

for h in bank.h richtext.h sbuf.h hex.h secret.h text.h clk.h why.h csv.h proto.h; do public bank "$BANK_INC" $h; done
for h in internal.h crypto.h import.h html.h exam.h keyfile.h session.h; do private bank "$BANK_INC" $h; done
for h in http.h ingest.h store.h recap.h itemstat.h analysis.h signer.h bank.h proto.h; do public core "$CORE_INC" $h; done
for h in store_int.h ingest_int.h itemstat_int.h internal.h; do private core "$CORE_INC" $h; done
# no project header takes the name of a system header: with -Ikiosk a
# kiosk/strings.h once stood in for <strings.h> inside <string.h>
DIRS=$(echo | $CC -E -Wp,-v - 2>&1 | sed -n 's/^ \(\/.*\)/\1/p')
for h in "$ROOT"/bank/*.h "$ROOT"/kiosk/*.h "$ROOT"/core/*.h "$ROOT"/util/*.h; do
    for d in $DIRS; do
        [ ! -e "$d/${h##*/}" ] || { echo "FAIL ${h#"$ROOT"/} shadows $d/${h##*/}"; exit 1; }
    done
done
N=$((N + 1)); echo "ok   no header of bank/, kiosk/, core/ or util/ shadows a system header"
# no two project headers share a name: tests see bank/, kiosk/, core/ and util/
# together, and the first folder on the path would win (kiosk's and the core's
# throttle.h once met that way)
SAME=$(for h in "$ROOT"/bank/*.h "$ROOT"/kiosk/*.h "$ROOT"/core/*.h "$ROOT"/util/*.h; do
    echo "${h##*/}"; done | sort | uniq -d)
[ -z "$SAME" ] || { echo "FAIL headers of the same name in two folders: $SAME"; exit 1; }
N=$((N + 1)); echo "ok   no two headers of bank/, kiosk/, core/ and util/ share a name"
echo "all $N checks passed (${0##*/})"

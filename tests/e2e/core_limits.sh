#!/bin/sh
# core_limits.sh -- the server's limits read from core.conf: a wrong value is refused in one
# line; max-connections-per-address (503 for the address over it, others served) and
# request-timeout (a request trickling header lines is cut) are applied; wrong operator
# tokens are throttled (429 with Retry-After) while the right one from elsewhere still works.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/../data/core/core-e2e.inc"
trap 'core_stop; rm -rf "$T"' EXIT
DB=${KISI_E2E_DB:-sqlite:$T/core.db}

for bad in 'max-connections = 0' 'max-connections-per-address = many' \
           'request-timeout = 99999999999999999999' 'listen-backlog = -1' 'idle-timeout = 1.5'; do
    printf '%s\n' "$bad" >"$T/bad.conf"
    ccore --config "$T/bad.conf" --db "$DB" --listen 127.0.0.1:0
    refused "core with '$bad'"
    grep -q "must be a whole number from 1 to" "$T/err" || fail "'$bad': $(cat "$T/err")"
done
ok "a limit that is no whole number in its range is refused in one line"

printf 'max-connections = 16\nmax-connections-per-address = 2\nrequest-timeout = 2\n' >"$T/core.conf"
core_start "$DB" --config "$T/core.conf" || fail "core start: $(cat "$T/core.err")"
PORT=${URL##*:}
python3 - "$PORT" <<'PYEOF' || fail "limits"
import socket, sys, time
port = int(sys.argv[1])
def dial(src):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(60)
    s.connect(("127.0.0.1", port))
    return s
held = [dial("127.0.0.2"), dial("127.0.0.2")]
over = dial("127.0.0.2")
head = over.recv(200).decode()
assert head.startswith("HTTP/1.1 503"), head
assert "Retry-After:" in head, head
other = dial("127.0.0.3")
other.sendall(b"GET /v1/health HTTP/1.1\r\nHost: core\r\nConnection: close\r\n\r\n")
assert other.recv(200).startswith(b"HTTP/1.1 200"), "another address is not served"
# a header line every 250 ms keeps the connection busy; the deadline of 2 s ends it
slow = held[0]
slow.sendall(b"POST /v1/results HTTP/1.1\r\nHost: core\r\n")
for lines in range(240):
    time.sleep(0.25)
    try:
        slow.sendall(b"X-Slow: 1\r\n")
    except OSError:
        break
    slow.setblocking(False)
    try:
        if slow.recv(100) == b"":
            break
    except BlockingIOError:
        pass
    except OSError:
        break
    slow.setblocking(True)
else:
    sys.exit("a trickling request was never cut")
PYEOF
ok "one address gets 503 over its 2 connections, another is served, a trickling request is cut"

# wrong tokens, as fast as the core answers on one connection
printf 'Authorization: Bearer not-the-token-at-all\n' >"$T/wrong.hdr"
i=0; : >"$T/codes"
while [ $i -lt 40 ]; do
    printf 'url = "%s/v1/history?exam=x"\noutput = "/dev/null"\n' "$URL" >>"$T/many.cfg"
    i=$((i + 1))
done
curl -s -H "@$T/wrong.hdr" -K "$T/many.cfg" -w '%{http_code}\n' -D "$T/hdrs" >"$T/codes"
same "40 tries answered" "$(wc -l <"$T/codes" | tr -d ' ')" 40
checked=$(grep -c '^401$' "$T/codes")
[ "$checked" -le 13 ] || fail "$checked of 40 wrong tokens were checked"
same "the rest are 429" "$(grep -c '^429$' "$T/codes")" $((40 - checked))
grep -qi '^retry-after: [0-9]' "$T/hdrs" || fail "no Retry-After"
ok "40 wrong tokens in a burst: $checked checked, the rest 429 with Retry-After"
code=$(curl -s --max-time 20 --interface 127.0.0.4 -o "$T/body" -w '%{http_code}' \
    -H "@$T/operator.hdr" "$URL/v1/history?exam=x")
same "the operator's token from another address still opens history" "$code" 200
core_stop
same "the core stops cleanly" "$core_rc" 0
done_ok

#!/bin/sh
# kiosk_commands.sh -- the kiosk under Xvfb obeys the proctor's commands of version 2,
# signed by the core key it pins: pause (clock stopped, answers refused), resume,
# extend, lock (unlocked by the proctor code typed at the seat), move-out (the
# participant signs in again and goes on with the same answers), end (the attempt
# submitted by the proctor, the seat closed); a forged, a misdirected and a replayed
# command are refused; the state carries version 2's fields. The core here is a stand-in
# of a few lines of Python that answers each state with the commands this script signed
# with openssl, so that the signed text is checked against a second implementation.
# With KISI_E2E_SHOTS=DIR the paused and moved screens are saved there.
set -u
. "$(dirname "$0")/lib.inc"
. "$(dirname "$0")/kiosk.inc"
trap 'kd_stop; [ -n "${FPID:-}" ] && kill "$FPID" 2>/dev/null; rm -rf "$T"' EXIT
S=$T/state
Q=$T/queue
mkdir -p "$Q"

# -- the stand-in core: its key, its answers -----------------------------------------
openssl genpkey -algorithm ED25519 -out "$T/core.pem" 2>/dev/null || fail "openssl genpkey"
openssl genpkey -algorithm ED25519 -out "$T/other.pem" 2>/dev/null || fail "openssl genpkey"
pubhex() { openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | tail -c 32 | od -An -tx1 | tr -d ' \n'; }
pubhex "$T/core.pem" > "$T/core.pub"
[ "$(wc -c < "$T/core.pub")" -eq 64 ] || fail "core key"
cat > "$T/fake.py" <<'PYEOF'
import http.server, json, os, sys
queue, out, core = sys.argv[1], sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def answer(self, code, body):
        b = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def do_GET(self):
        if self.path == "/v1/challenge":  # enrolled and approved at once: the footer stays calm
            return self.answer(200, {"version": 1, "challenge": "stand-in", "core": core})
        self.answer(404, {"error": "not-found", "reason": "a stand-in core"})
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/challenge": return self.do_GET()
        if self.path == "/v1/kiosks":
            return self.answer(200, {"state": "approved", "core": core})
        if self.path == "/v1/results":  # busy: a result stays in the outbox, where it is read
            return self.answer(503, {"error": "busy", "reason": "a stand-in core"})
        if self.path != "/v1/room/state":
            return self.answer(404, {"error": "not-found", "reason": "a stand-in core"})
        st = json.loads(body)
        with open(out + "/state.tmp", "wb") as f: f.write(body)
        os.replace(out + "/state.tmp", out + "/state.json")
        with open(out + "/kiosk.tmp", "w") as f: f.write(self.headers.get("Kisi-Kiosk", ""))
        os.replace(out + "/kiosk.tmp", out + "/kiosk.hex")
        cmds = []
        for n in sorted(os.listdir(queue)):
            if n.endswith(".json"):
                c = json.load(open(os.path.join(queue, n)))
                if c["seq"] > st["ack"] or c.get("again"):
                    c.pop("again", None)
                    cmds.append(c)
        self.answer(200, {"commands": cmds, "seq": st["seq"]})
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(out + "/port.tmp", "w") as f: f.write(str(s.server_address[1]))
os.replace(out + "/port.tmp", out + "/port")
s.serve_forever()
PYEOF
python3 "$T/fake.py" "$Q" "$T" "$(cat "$T/core.pub")" 2>"$T/fake.err" &
FPID=$!
i=0; while [ ! -s "$T/port" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/port" ] || fail "the stand-in core did not start: $(cat "$T/fake.err")"
URL=http://127.0.0.1:$(cat "$T/port")

# state_is PY -- the Python expression PY over the last state `s` is true
state_is() {
    [ -s "$T/state.json" ] &&
        [ "$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
            "$T/state.json" "$1" 2>/dev/null)" = True ]
}
# until DESC CMD... -- waits (up to 60 s) until CMD succeeds, then ok DESC
until_ok() {
    d=$1; shift; i=0
    while ! "$@"; do
        i=$((i + 1)); [ $i -gt 1200 ] && fail "$d (kiosk shows: $(kd_state))"
        sleep 0.05
    done
    ok "$d"
}

# cmd NAME KEY KIOSK SEQ KIND NIP MINUTES SEAT TEXT -- a command signed by KEY (PEM) into
# the queue as NAME.json
SEQ=1000
cmd_as() {
    printf 'kisi-command\nversion=2\nkiosk=%s\nseq=%s\nkind=%s\ntime=%s\nnip=%s\nminutes=%s\nseat=%s\ntext=%s\n' \
        "$3" "$4" "$5" 1800000000000 "$6" "$7" "$8" "$9" > "$T/cmd.txt"
    sig=$(openssl pkeyutl -sign -rawin -inkey "$2" -in "$T/cmd.txt" | od -An -tx1 | tr -d ' \n')
    [ ${#sig} -eq 128 ] || fail "openssl gave no Ed25519 signature"
    python3 -c 'import json, sys; a = sys.argv[1:]
print(json.dumps({"version": 2, "kiosk": a[0], "seq": int(a[1]), "kind": a[2], "time": 1800000000000,
 "nip": a[3], "minutes": int(a[4]), "seat": a[5], "text": a[6], "sig": a[7]}))' \
        "$3" "$4" "$5" "$6" "$7" "$8" "$9" "$sig" > "$Q/$1.tmp" && mv "$Q/$1.tmp" "$Q/$1.json"
}
# cmd KIND [MINUTES [SEAT [TEXT [NIP]]]] -- the next command for this kiosk, signed by the core
cmd() {
    SEQ=$((SEQ + 1))
    cmd_as "$SEQ-$1" "$T/core.pem" "$KIOSK" "$SEQ" "$1" "${5:-}" "${2:-0}" "${3:-}" "${4:-}"
}
# obeyed N -- the kiosk acknowledged command N in a state
acked() { state_is "s['ack'] >= $1"; }

kd_start_x 1024x768 || fail "Xvfb"
kd_start_kiosk --bank "$R/latsar.bank" --session "$R/demo.session" --authority "$R/authority.pub" \
    --state "$S" --core "$URL" --core-key "$T/core.pub" --seat A03 --lang id ||
    fail "kiosk start: $(cat "$KD_LOG")"
kd_wait screen=identify || fail "identify"
until_ok "the kiosk's state reaches the core" test -s "$T/kiosk.hex"
KIOSK=$(cat "$T/kiosk.hex")
until_ok "state version 2 with session, name, lease and jseq before anyone signs in" \
    state_is "s['version'] == 2 and s['screen'] == 'identify' and s['seat'] == 'A03' and s['nip'] == '' and s['name'] == '' and s['lease'] == '' and s['jseq'] == 0 and len(s['session']) > 0"

# Identifies participant NIP/PIN ($1 $2) and types the token.
sign_in() {
  kd_type "$1"; kd_keys Return; kd_type "$2"; kd_keys Return
  kd_wait screen=wait || fail "wait screen: $(kd_state)"
  kd_type "$TOKEN"; kd_keys Return
}
sign_in "$NIP" "$PIN"
kd_wait screen=instructions || fail "instructions: $(kd_state)"
kd_keys Return
kd_wait screen=exam || fail "exam: $(kd_state)"
kd_keys a; kd_wait answered=1 || fail "answer"
until_ok "the state names the participant and the journal's last event" \
    state_is "s['screen'] == 'exam' and s['nip'] == '$NIP' and len(s['name']) > 0 and s['jseq'] >= 2 and s['answered'] == 1"

# -- pause: the clock stops, nothing is answered, the screen says why ---------------
cmd pause 0 "" "Listrik padam di baris B"
kd_wait screen=paused || fail "paused: $(kd_state)"
ok "pause: the kiosk shows the paused screen"
until_ok "the room sees the seat paused" state_is "s['screen'] == 'paused'"
L1=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["left_ms"])' "$T/state.json")
[ -n "${KISI_E2E_SHOTS:-}" ] && { sleep 1; kd_shot "$KISI_E2E_SHOTS/id-room-paused.png"; }
kd_keys Right b
sleep 3
kd_wait screen=paused answered=1 || fail "an answer was taken while paused: $(kd_state)"
L2=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["left_ms"])' "$T/state.json")
[ "$L2" -eq "$L1" ] || fail "the clock ran while paused: $L1 then $L2"
ok "while paused no answer is taken and the time left stands at $L1 ms"
cmd resume
kd_wait screen=exam || fail "resume: $(kd_state)"
ok "resume: back on the exam"

# -- extend: ten more minutes --------------------------------------------------------
cmd extend 10 "" "gangguan listrik"
until_ok "extend: the time left grows by ten minutes" \
    state_is "s['left_ms'] > $L1 + 9 * 60000 and s['ack'] == $SEQ"
grep -q "proctor-command command $SEQ: extend: gangguan listrik" "$S/kiosk.log" ||
    fail "the extension is not in the kiosk's log"
ok "the kiosk's log names the command"

# -- lock, unlocked with the proctor code at the seat ---------------------------------
cmd lock 0 "" "cek identitas"
kd_wait screen=seat-locked || fail "seat-locked: $(kd_state)"
kd_type "$PCODE"; kd_keys Return
kd_wait screen=exam || fail "unlock by the proctor code: $(kd_state)"
ok "lock: the seat waits until the proctor code is typed"

# -- forged, misdirected, replayed: refused -------------------------------------------
SEQ=$((SEQ + 1)); cmd_as "$SEQ-forged" "$T/other.pem" "$KIOSK" "$SEQ" end "" 0 "" ""
SEQ=$((SEQ + 1)); cmd_as "$SEQ-other" "$T/core.pem" "$(pubhex "$T/other.pem")" "$SEQ" end "" 0 "" ""
until_ok "a forged and a misdirected end are refused and logged" \
    sh -c "[ \$(grep -c 'command-refused' '$S/kiosk.log') -ge 2 ]"
kd_wait screen=exam || fail "a refused command was obeyed: $(kd_state)"
rm -f "$Q"/*-forged.json "$Q"/*-other.json
# the pause obeyed before, served again: the kiosk obeyed it already
for f in "$Q"/*-pause.json; do
    python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["again"] = True; print(json.dumps(c))' \
        "$f" > "$f.tmp" && mv "$f.tmp" "$f"
done
cmd message 0 "" "Lima menit lagi"
until_ok "the message after the replayed pause is obeyed" \
    grep -q "proctor-message command $SEQ: Lima menit lagi" "$S/kiosk.log"
kd_wait screen=exam || fail "a replayed pause was obeyed: $(kd_state)"
ok "a replayed command is not obeyed again"

# -- move-out: seat A03 released to B07; signed in again, the same answers ----------
cmd move-out 0 B07 "" "$NIP"
kd_wait screen=moved || fail "moved: $(kd_state)"
ok "move-out: the screen names the seat"
[ -n "${KISI_E2E_SHOTS:-}" ] && { sleep 1; kd_shot "$KISI_E2E_SHOTS/id-room-moved.png"; }
kd_keys Return
kd_wait screen=identify || fail "identify after the move: $(kd_state)"
kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return  # the session stays open
kd_wait screen=exam answered=1 || fail "the attempt did not go on: $(kd_state)"
ok "signed in again, the attempt goes on with its answer"

# -- end: the attempt is submitted by the proctor, the seat closed --------------------
cmd end
kd_wait screen=result || fail "end: $(kd_state)"
# the stand-in core is busy: the record stays in the outbox
RES=$(ls "$S"/outbox/*.json 2>/dev/null | head -n 1)
[ -n "$RES" ] || fail "no result record in the outbox"
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
sys.exit(0 if r["version"] == 3 and r["submitted"] == "proctor" and r["room"]["extended_minutes"] == 10 and r["room"]["held_ms"] > 0 else 1)' "$RES" ||
    fail "the result does not say the proctor ended it: $(cat "$RES")"
ok "end: the result record says submitted by the proctor, 10 minutes added, the clock held"
kd_keys Return
kd_wait screen=ended || fail "ended: $(kd_state)"
until_ok "the room sees the seat ended" state_is "s['screen'] == 'ended'"
if grep -E "ERROR: AddressSanitizer|runtime error:" "$KD_LOG" >/dev/null 2>&1; then
  fail "sanitizer report in the kiosk log: $(grep -m1 -E "ERROR: AddressSanitizer|runtime error:" "$KD_LOG")"
fi
ok "no sanitizer report from the kiosk"
done_ok

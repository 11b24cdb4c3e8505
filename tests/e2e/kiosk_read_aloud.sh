#!/bin/sh
# kiosk_read_aloud.sh -- read aloud under Xvfb with SDL's disk audio driver: F1 turns it on at
# the identify screen, the item is read when the exam opens and on F2 (real, non-silent
# samples), the next key stops it (only silence follows), the result records it, and a
# kiosk without an audio device says so on screen and carries on. Everything is counted in
# audio samples (the disk driver writes them at the pace of a sound card), never timed.
set -u
. "$(dirname "$0")/lib.inc"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KD_KIOSK=$BIN/kiosk
KD_TRACE=$T/trace
KD_LOG=$T/kiosk.log
KD_STRINGS=$ROOT/assets/strings
. "$ROOT/tools/kiosk-drive.inc"
trap 'kd_stop; rm -rf "$T"' EXIT
command -v sox >/dev/null 2>&1 || fail "sox is not installed (make deps)"

RATE=22050                  # espeak-ng's samples per second: mono, 16 bits
SEC=$((RATE * 2))           # bytes of one second of audio
AUDIO=$T/audio.raw

size() { stat -c %s "$AUDIO" 2>/dev/null || echo 0; }

# peak FROM LEN -- the largest sample (absolute, 0..1) in LEN bytes of the audio from byte FROM.
peak() {
    from=$(($1 / 2 * 2))
    tail -c +$((from + 1)) "$AUDIO" | head -c "$2" >"$T/seg.raw"
    sox -t raw -r $RATE -e signed -b 16 -c 1 "$T/seg.raw" -n stat 2>&1 |
        awk '/^Maximum amplitude/ {print $3}'
}

# loud FROM -- waits until the audio after byte FROM holds speech (a sample above 0.05).
loud() {
    i=0
    while :; do
        n=$(($(size) - $1))
        if [ "$n" -gt 0 ]; then
            p=$(peak "$1" "$n")
            awk -v p="${p:-0}" 'BEGIN { exit !(p > 0.05) }' && return 0
        fi
        i=$((i + 1)); [ $i -gt "$KD_TRIES" ] && return 1
        sleep 0.05
    done
}

# grown TO -- waits until the audio file holds TO bytes.
grown() {
    i=0
    while [ "$(size)" -lt "$1" ]; do
        i=$((i + 1)); [ $i -gt "$KD_TRIES" ] && return 1
        sleep 0.05
    done
}

BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
NIP=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
TOKEN=$(cat "$R/token")
KARGS="--bank $R/latsar.bank --session $R/demo.session --authority $R/authority.pub"
kd_start_x 1024x768 || fail "Xvfb"

# -- no audio device: the screen says so, the exam goes on ------------------------------
# shellcheck disable=SC2086
SDL_AUDIODRIVER=none-such kd_start_kiosk $KARGS --state "$T/mute" || fail "kiosk start: $(cat "$KD_LOG")"
kd_wait screen=identify || fail "identify screen"
kd_keys F1
kd_wait screen=identify msg=aloud.noaudio || fail "no message about the missing audio device: $(kd_state)"
kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_wait screen=wait || fail "the kiosk without audio does not go on"
kd_kill9
ok "without an audio device F1 says so on screen and the sitting goes on"

# -- read aloud through the disk audio driver ----------------------------------------------
export SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$AUDIO"
# shellcheck disable=SC2086
kd_start_kiosk $KARGS --state "$T/state" || fail "kiosk start: $(cat "$KD_LOG")"
kd_wait screen=identify || fail "identify screen"
kd_keys F1
kd_wait screen=identify msg=aloud.on || fail "F1 does not turn read aloud on: $(kd_state)"
loud 0 || fail "no speech after F1 (audio file: $(size) bytes)"
ok "F1 on the identify screen turns read aloud on and says so aloud"

kd_type "$NIP"; kd_keys Return; kd_type "$PIN"; kd_keys Return
kd_wait screen=wait || fail "wait screen"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=instructions || fail "instructions"
from=$(size)
loud "$from" || fail "the instructions are not read"

# the next key stops the reading at once: F1 turns read aloud off (shown, not spoken), and
# from 2.5 s of audio after the kiosk took the key on, only silence is written, where the
# instructions (title, facts, the whole text) would still be read for half a minute
kd_keys F1
kd_wait screen=instructions msg=aloud.off || fail "F1 does not turn read aloud off: $(kd_state)"
stop=$(size)
grown $((stop + 4 * SEC)) || fail "the audio file stopped growing"
p=$(peak $((stop + 5 * SEC / 2)) $((3 * SEC / 2)))
[ "$p" = "0.000000" ] || fail "speech goes on after the key (peak $p 2.5-4 s after it)"
ok "a key stops the reading at once: only silence follows"

kd_keys F1
kd_wait screen=instructions msg=aloud.on || fail "F1 turns read aloud on again"
kd_keys Return
kd_wait screen=exam item=1 || fail "exam"
kd_keys a
kd_wait screen=exam answered=1 msg=exam.saved || fail "answer"

# F2 reads the item: stem, then the options
from=$(size)
kd_keys F2
loud "$from" || fail "F2 produced no speech"
ok "F2 reads the item aloud (non-silent samples after the key)"

# time left and unanswered count speak too
from=$(size)
kd_keys F4
loud "$from" || fail "F4 produced no speech"
from=$(size)
kd_keys F5
loud "$from" || fail "F5 produced no speech"
ok "F4 (time left) and F5 (unanswered) speak"

# a power cut: the restarted kiosk reads aloud again without F1 (the journal keeps it on)
kd_kill9
# shellcheck disable=SC2086
kd_start_kiosk $KARGS --state "$T/state" || fail "restart: $(cat "$KD_LOG")"
kd_wait screen=wait msg=wait.resume || fail "resume asks for the token"
kd_type "$TOKEN"; kd_keys Return
kd_wait screen=exam answered=1 || fail "resumed exam: $(kd_state)"
from=$(size)
kd_keys F2
loud "$from" || fail "no speech after the restart"
ok "after a power cut the resumed attempt is read aloud again, without F1"

# submit by keyboard; the result records read aloud as an accommodation
kd_keys a s
kd_wait screen=confirm || fail "confirm"
kd_keys Tab Return
kd_wait screen=result || fail "result"
RES=$(ls "$T"/state/outbox/*.json 2>/dev/null | head -n 1)
[ -n "$RES" ] || fail "no result record"
python3 - "$RES" <<'EOF' || fail "the result does not record read aloud"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["accommodations"]["read_aloud"] is True, r.get("accommodations")
EOF
ok "the result records read aloud as an accommodation"

# the next participant starts with it off: F2 says nothing (the first half second after the
# key is left out: what the sound card and the file had taken in before Enter was taken)
kd_keys Return
kd_wait screen=identify || fail "next seat"
from=$(size)
kd_keys F2
grown $((from + 3 * SEC)) || fail "audio file stopped"
p=$(peak $((from + SEC / 2)) $((5 * SEC / 2)))
[ "$p" = "0.000000" ] || fail "read aloud still on for the next participant (peak $p)"
ok "the next participant starts with read aloud off"
done_ok

#!/bin/sh
# install_session.sh -- a lab PC's exam session, headless: the session script the
# kisi-kiosk unit runs (kisi-kiosk-session) starts cage with the kiosk alone in it
# (wlroots' headless backend, no input devices); the kiosk fills the output, comes back
# on its resume screen after kill -9, and keys for switching away change nothing. The
# keys go through Xwayland to the kiosk (xdotool): the headless backend has no keyboard
# and Debian 12's cage lacks the virtual-keyboard protocol wtype needs; cage's only key
# binding, Ctrl+Alt+Fn VT switching, is off unless -s is given (checked on its command
# line), and XKB's srvrkeys:none turns those keys into plain F-keys besides.
# cage refuses to run as root: as root the session runs as nobody, as the unit runs it
# as kisi-kiosk. Screens are read from the kiosk's trace and pictures taken with grim
# (the compositor's output: its size; Debian 12's cage 0.1.4 on wlroots 0.15 with the
# software renderer hands grim black frames) and from Xwayland (the kiosk's window).
set -u
. "$(dirname "$0")/lib.inc"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for p in cage grim xwininfo xdotool import setpriv; do
    command -v "$p" >/dev/null || fail "$p is missing (tools/deps.sh test installs it)"
done
CAGE=
cleanup() {
    # the session (cage) first, then whatever of it is left, each by its pid
    for p in $CAGE $(cat "$T/pids" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    [ -n "$CAGE" ] && wait "$CAGE" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"
if [ "$(id -u)" = 0 ]; then AS="setpriv --reuid=65534 --regid=65534 --clear-groups"; else AS=""; fi

# -- the session's files: the kiosk and its texts, a sealed bank, kiosk.conf -------------
# the session script as `make install` fills it in (install_units.sh checks that step)
SESSION=$T/kisi-kiosk-session
sed -e 's|@PREFIX@|/usr/local|g' -e 's|@SYSCONFDIR@|/etc|g' "$ROOT/dist/kisi-kiosk-session" >"$SESSION"
chmod 755 "$SESSION"
mkdir -p "$T/k/bin" "$T/k/assets" "$T/state" "$T/run" "$T/home"
cp "$BIN/kiosk" "$T/k/bin/kiosk"
cp -r "$ROOT/assets/strings" "$T/k/assets/strings"
BANK_TOOL=$BANK sh "$ROOT/tools/sample-bank.sh" "$T/room" >/dev/null 2>&1 || fail "sample bank"
R=$T/room
chmod -R a+rX "$T/k" "$R"
NIP=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f1)
PIN=$(sed -n 2p "$ASSETS/roster.csv" | tr -d '\r' | cut -d, -f3)
TOKEN=$(cat "$R/token")
cat >"$T/kiosk.conf" <<CONF
bank = $R/latsar.bank
session = $R/demo.session
authority = $R/authority.pub
state = $T/state
seat = test-01
trace = $T/state/trace
CONF
[ -n "$AS" ] && chown 65534:65534 "$T/state" "$T/run" "$T/home"
chmod 700 "$T/run"
ok "sample bank sealed; kiosk.conf written"

# -- the session starts: cage with the restart loop, the loop with the kiosk ---------
$AS env -i PATH=/usr/bin:/bin HOME="$T/home" XDG_RUNTIME_DIR="$T/run" \
    WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 \
    KISI_KIOSK_CONF="$T/kiosk.conf" KISI_KIOSK="$T/k/bin/kiosk" \
    sh "$SESSION" >"$T/session.log" 2>&1 &
CAGE=$!
# waits up to 120 s (a busy machine is slow, never wrong) for the trace to say $1
wait_screen() {
    i=0
    while [ $i -lt 2400 ]; do
        case "$(tail -n 1 "$T/state/trace" 2>/dev/null)" in *"$1"*) return 0 ;; esac
        kill -0 "$CAGE" 2>/dev/null || fail "the session ended: $(tail -n 5 "$T/session.log")"
        sleep 0.05; i=$((i + 1))
    done
    fail "waiting for '$1': the kiosk shows '$(tail -n 1 "$T/state/trace" 2>/dev/null)'"
}
# kiosk_pid: the kiosk under the loop under cage (0 while there is none)
kiosk_pid() {
    loop=$(ps -o pid= --ppid "$CAGE" -o args= | awk '/--loop/ {print $1; exit}')
    k=""
    [ -n "$loop" ] && k=$(ps -o pid= --ppid "$loop" -o args= | awk -v k="$T/k/bin/kiosk" '$2 == k {print $1; exit}')
    echo "${k:-0}"
    [ -n "$loop" ] && echo "$loop $k" >>"$T/pids"
}
wait_screen "screen=identify"
K1=$(kiosk_pid)
[ "$K1" != 0 ] || fail "no kiosk under the session's loop"
tr '\0' ' ' <"/proc/$CAGE/cmdline" >"$T/cmdline"
case "$(cat "$T/cmdline")" in
"cage -d -- $SESSION --loop ") ;;
*) fail "cage runs as '$(cat "$T/cmdline")'" ;;
esac
tr '\0' '\n' <"/proc/$CAGE/environ" | grep -qx 'XKB_DEFAULT_OPTIONS=srvrkeys:none' \
    || fail "cage runs without XKB_DEFAULT_OPTIONS=srvrkeys:none"
ok "the session runs cage -d (no -s: no VT switching, server keys off) with the kiosk alone"

D=$(tr '\0' '\n' <"/proc/$K1/environ" | sed -n 's/^DISPLAY=//p')
[ -n "$D" ] || fail "the kiosk has no DISPLAY (Xwayland)"
X() { $AS env DISPLAY="$D" XAUTHORITY= "$@"; }
W=""
i=0
while [ -z "$W" ] && [ $i -lt 1200 ]; do
    W=$(X xdotool search --pid "$K1" 2>/dev/null | head -n 1); i=$((i + 1)); [ -n "$W" ] || sleep 0.05
done
[ -n "$W" ] || fail "no kiosk window in Xwayland"

# -- it fills the output --------------------------------------------------------------
$AS env XDG_RUNTIME_DIR="$T/run" WAYLAND_DISPLAY=wayland-0 grim "$T/run/output.png" 2>"$T/err" \
    || fail "grim: $(cat "$T/err")"
osize=$(identify -format '%wx%h' "$T/run/output.png") || fail "grim's picture is no image"
geom() { X xwininfo -id "$W" | awk '/Absolute upper-left X/ {x=$NF} /Absolute upper-left Y/ {y=$NF}
    /Width:/ {w=$NF} /Height:/ {h=$NF} /Map State:/ {m=$NF} END {print w "x" h "+" x "+" y " " m}'; }
g=$(geom)
same "the kiosk window covers the whole output ($osize)" "$g" "$osize+0+0 IsViewable"
X import -window "$W" "$T/run/kiosk.png" || fail "cannot picture the kiosk window"
cp "$T/run/kiosk.png" "$T/run/output.png" "$ROOT/tests/out/" 2>/dev/null || true
# the identify screen: a blue title band on top, a light page below, dark text
top=$(convert "$T/run/kiosk.png" -crop 1x1+5+5 -format '%[fx:int(255*r)],%[fx:int(255*g)],%[fx:int(255*b)]' info:)
dev=$(convert "$T/run/kiosk.png" -format '%[fx:standard_deviation>0.05]' info:)
same "the kiosk has drawn its screen (not a blank window)" "$dev" 1
case "$top" in *,*,*) b=${top##*,}; r=${top%%,*}; [ "$b" -gt "$r" ] || fail "the title band is not blue: $top" ;; esac
ok "the picture of the kiosk shows the identify screen's title band ($top)"

# -- a participant signs in and answers; kill -9; the loop brings the kiosk back --------
printf '%s' "$NIP" | X xdotool type --delay 30 --file -; X xdotool key Return
printf '%s' "$PIN" | X xdotool type --delay 30 --file -; X xdotool key Return
wait_screen "screen=wait"
printf '%s' "$TOKEN" | X xdotool type --delay 30 --file -; X xdotool key Return
wait_screen "screen=instructions"
X xdotool key Return
wait_screen "screen=exam"
X xdotool key a
wait_screen "answered=1"
ok "a participant signs in and answers the first item inside cage"

kill -9 "$K1"
start=$(date +%s)
K2=0; i=0
while [ $i -lt 2400 ]; do
    K2=$(kiosk_pid)
    [ "$K2" != 0 ] && [ "$K2" != "$K1" ] && break
    sleep 0.05; i=$((i + 1))
done
[ "$K2" != 0 ] && [ "$K2" != "$K1" ] || fail "no new kiosk within 120 s of kill -9: $(tail -n 3 "$T/session.log")"
wait_screen "msg=wait.resume"
secs=$(( $(date +%s) - start ))
grep -q "kisi-kiosk-session \[test-01\]: the kiosk ended (status 137); starting it again" "$T/session.log" \
    || fail "the loop did not log the kiosk's end: $(tail -n 3 "$T/session.log")"
ok "kill -9 of the kiosk: back on the resume screen after about ${secs} s, same cage (pid $CAGE)"

# -- switching away: nothing happens ------------------------------------------------------
W=""; i=0
while [ -z "$W" ] && [ $i -lt 1200 ]; do
    W=$(X xdotool search --pid "$K2" 2>/dev/null | head -n 1); i=$((i + 1)); [ -n "$W" ] || sleep 0.05
done
[ -n "$W" ] || fail "no window of the restarted kiosk"
before=$(tail -n 1 "$T/state/trace")
for keys in ctrl+alt+F2 ctrl+alt+F1 alt+Tab super alt+F4 ctrl+alt+BackSpace ctrl+alt+Delete ctrl+w ctrl+q Escape; do
    X xdotool key "$keys"
done
# the kiosk answers an ordinary key after them, so they all have been handled
printf '%s' "$TOKEN" | X xdotool type --delay 30 --file -; X xdotool key Return
wait_screen "screen=exam"
[ "$(kiosk_pid)" = "$K2" ] || fail "the kiosk was replaced while keys were pressed"
kill -0 "$CAGE" 2>/dev/null || fail "cage ended"
same "after the switching keys the window still covers the output" "$(geom)" "$osize+0+0 IsViewable"
ok "Ctrl+Alt+F1/F2, Alt+Tab, Super, Alt+F4, Ctrl+Alt+Backspace/Delete, Ctrl+W/Q, Escape change nothing (was: $before)"
done_ok

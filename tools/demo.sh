#!/bin/sh
# demo.sh -- the demo sitting on the embedded sample content (see README).
# With a display: the kiosk opens in a window on the sample bank and you sit the exam.
# Without one: the same sitting runs in a virtual display (Xvfb), driven by this
# script, and a screenshot of every screen is left in demo-out/.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/demo-out
rm -rf "$out/state" "$out"/*.png "$out/kiosk.trace"
sh "$here/tools/sample-bank.sh" "$out" | tail -n 1
nip=$(sed -n 2p "$here/assets/bank/roster.csv" | tr -d '\r' | cut -d, -f1)
pin=$(sed -n 2p "$here/assets/bank/roster.csv" | tr -d '\r' | cut -d, -f3)
token=$(cat "$out/token")
cd "$out"
set -- --bank latsar.bank --session demo.session --authority authority.pub --state state
if [ -n "${DISPLAY:-}" ] && xdotool getdisplaygeometry >/dev/null 2>&1; then
  echo "the kiosk opens in a window: NIP $nip, PIN $pin, then the proctor token $token"
  echo "(Ctrl+Alt+P, then the token, closes it)"
  exec "$here/bin/kiosk" "$@" --windowed
fi

echo "no display: running the sitting in a virtual display, screenshots in demo-out/"
KD_KIOSK=$here/bin/kiosk
KD_TRACE=$out/kiosk.trace
KD_LOG=$out/kiosk.log
. "$here/tools/kiosk-drive.inc"
trap 'st=$?; kd_stop; exit $st' EXIT
kd_start_x 1024x768
kd_start_kiosk "$@"
kd_wait screen=identify
kd_shot 01-identify.png
kd_type "$nip"; kd_keys Return
kd_type 0000000000; kd_keys Return
kd_wait screen=wait
kd_shot 02-wait-for-proctor.png
# the PIN is checked once the token has opened the session
kd_type "$token"; kd_keys Return
kd_wait screen=identify msg=identify.wrongpin
kd_shot 03-identify-wrong-pin.png
kd_type "$pin"; kd_keys Return
kd_wait screen=instructions
kd_shot 04-instructions.png
kd_keys Return
kd_wait screen=exam item=1
kd_keys b   # every item has a B, true/false items too
kd_wait screen=exam answered=1
kd_shot 05-exam-first-item.png
# answer items 2-40 with letters in turn (a letter past a true/false item's two
# options is ignored), flag two items for review
i=1
while [ $i -lt 40 ]; do
  case $((i % 5)) in 0) l=a ;; 1) l=b ;; 2) l=c ;; 3) l=d ;; *) l=e ;; esac
  kd_keys Right $l
  i=$((i + 1))
done
kd_wait item=40
kd_keys f
kd_keys Left f
kd_shot 06-exam-flagged.png
kd_keys r
kd_wait screen=review
kd_shot 07-review.png
kd_keys s
kd_wait screen=confirm
kd_shot 08-confirm.png
kd_keys Tab Return
kd_wait screen=result
kd_shot 09-result.png
echo "result: $(ls state/outbox/*.json)"
echo "screenshots: $(ls "$out"/*.png | wc -l) in $out"

#!/bin/sh
# kiosk_preview.sh -- `kiosk --preview` draws each item of a bank with the kiosk's exam screen
# into PNGs: a long rich item (table, lists, styles) over several screens, an item with an
# image, an item of 8 options; the asked size, language and text size; not blank; bad input
# refused with one line.
set -u
. "$(dirname "$0")/lib.inc"
KIOSK="$BIN/kiosk"
[ -x "$KIOSK" ] || fail "$KIOSK is not an executable"
command -v identify >/dev/null && command -v convert >/dev/null || fail "imagemagick is missing"
unset DISPLAY WAYLAND_DISPLAY SDL_VIDEODRIVER  # no display at all: the kiosk draws offscreen

STRINGS=$(cd "$(dirname "$0")/../../assets/strings" && pwd) || fail "no assets/strings"

# kiosk ARGS... -- like run, for the kiosk (the texts of this tree, wherever BIN is)
kiosk() {
    "$KIOSK" --strings "$STRINGS" "$@" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
}

P="$T/pass"
printf 'pratinjau-rahasia-uji\n' >"$P"
mkdir -p "$T/src/img"
convert -size 320x200 xc:'#E8EEF8' -fill '#C03020' -draw "rectangle 40,120 80,190" \
    -draw "rectangle 110,60 150,190" -draw "rectangle 180,90 220,190" "$T/src/img/chart.png" ||
    fail "convert"
cat >"$T/src/items.csv" <<'CSV'
id,topic,kind,difficulty,weight,stem,a,b,c,d,e,f,g,h,key,image,rich
pv-8,umum,single,3,1,Manakah yang termasuk nilai dasar ASN BerAKHLAK?,Berorientasi pelayanan,Akuntabel,Kompeten,Harmonis,Loyal,Adaptif,Kolaboratif,Semua jawaban benar,H,,
pv-img,umum,single,2,1,Pada triwulan manakah jumlah pemohon paling banyak?,Triwulan I,Triwulan II,Triwulan III,,,,,,B,img/chart.png,
pv-rich,umum,multi,3,1,"<p>Perhatikan data <b>jumlah pelayanan</b> (dalam <i>ribuan</i> berkas):</p><table><tr><th>Kantor</th><th>2023</th><th>2024</th><th>Keterangan</th></tr><tr><td>Kecamatan Utara</td><td>12</td><td>15</td><td>Naik karena layanan daring dibuka pada bulan Maret dan antrean dipangkas</td></tr><tr><td>Kecamatan Selatan</td><td>9</td><td>8</td><td>Turun</td></tr></table><p>Pertumbuhan: (x<sub>2024</sub> − x<sub>2023</sub>) / x<sub>2023</sub> × 10<sup>2</sup>; 3 &lt; 4 &amp; 5 &gt; 2.</p><ul><li>Kantor dengan pertumbuhan <u>tertinggi</u> mendapat penghargaan.</li><li>Langkah:<ol><li>hitung</li><li>bandingkan</li></ol></li></ul><p>Manakah pernyataan yang <b><i>tepat</i></b>?</p>",Kecamatan Utara tumbuh 25 %,Kecamatan Selatan tumbuh 12<sup>1</sup>/<sub>2</sub> %,Keduanya turun,<b>Tidak</b> dapat ditentukan,,,,,AB,,1
CSV
must "bank init" init "$T/b.bank" --passphrase-file "$P"
must "import a rich item, an image item and an 8-option item" import "$T/b.bank" \
    --passphrase-file "$P" "$T/src/items.csv"

# png_is FILE W H -- FILE is a PNG of W x H with a real picture (many colours, not one flat field)
png_is() {
    [ -s "$1" ] || fail "$1 is missing"
    got=$(identify -format '%m %w %h %k' "$1" 2>/dev/null) || fail "$1 is not an image"
    set -- "$1" "$2" "$3" $got
    [ "$4" = PNG ] || fail "$1 is $4, not PNG"
    [ "$5" -eq "$2" ] && [ "$6" -eq "$3" ] || fail "$1 is ${5}x$6, expected ${2}x$3"
    [ "$7" -ge 50 ] || fail "$1 has only $7 colours: blank?"
    sd=$(convert "$1" -colorspace Gray -format '%[fx:int(standard_deviation*1000)]' info:)
    [ "$sd" -ge 50 ] || fail "$1 is nearly flat (grey deviation $sd/1000)"
    ok "  $(basename "$1"): PNG ${5}x$6, $7 colours"
}

kiosk --preview "$T/b.bank" --passphrase-file "$P" --out "$T/prev"
[ "$rc" -eq 0 ] || fail "preview of every item: exit $rc"
ok "preview of every item at the default 1024x768"
for id in pv-8 pv-img pv-rich; do png_is "$T/prev/$id.png" 1024 768; done
grep -qx "$T/prev/pv-rich.png" "$T/out" || fail "the files written are not listed"
ok "the files written are listed on stdout"
# the chart's bars are in the picture of its item, and in no other
n=$(convert "$T/prev/pv-img.png" -unique-colors txt:- | grep -ci 'C03020')
[ "$n" -ge 1 ] || fail "the image of pv-img is not in its preview"
n=$(convert "$T/prev/pv-8.png" -unique-colors txt:- | grep -ci 'C03020')
[ "$n" -eq 0 ] || fail "pv-8 shows an image it does not have"
ok "the image shows in its item's preview only"

kiosk --preview "$T/b.bank" --passphrase-file "$P" --out "$T/big" --size 1920x1080 --lang en \
    --text-size 6 pv-rich pv-8
[ "$rc" -eq 0 ] || fail "preview at 1920x1080, English, largest text: exit $rc ($(cat "$T/err"))"
ok "preview of two items at 1920x1080 in English with the largest text"
png_is "$T/big/pv-rich.png" 1920 1080
png_is "$T/big/pv-8.png" 1920 1080
[ ! -e "$T/big/pv-img.png" ] || fail "an item not asked for was drawn"
[ -s "$T/big/pv-rich-2.png" ] || fail "the long rich item has no second screen at the largest text"
png_is "$T/big/pv-rich-2.png" 1920 1080
ok "the long item's further screens are drawn too (ID-2.png ...)"
cmp -s "$T/big/pv-rich.png" "$T/big/pv-rich-2.png" && fail "the second screen is the first again"
kiosk --preview "$T/b.bank" --passphrase-file "$P" --out "$T/small" --size 1920x1080 --lang en \
    --text-size 1 pv-rich
cmp -s "$T/big/pv-rich.png" "$T/small/pv-rich.png" && fail "--text-size changes nothing"
ok "the text size changes the picture"
kiosk --preview "$T/b.bank" --passphrase-file "$P" --out "$T/idn" --size 1920x1080 \
    --text-size 6 pv-8
cmp -s "$T/big/pv-8.png" "$T/idn/pv-8.png" && fail "--lang changes nothing"
ok "the language changes the picture"

# bad input: one line, non-zero, nothing half written
printf 'kata sandi yang salah\n' >"$T/wrong"
kiosk --preview "$T/b.bank" --passphrase-file "$T/wrong" --out "$T/w"
refused "wrong passphrase"
ok "wrong passphrase refused ($(cat "$T/err"))"
kiosk --preview "$T/b.bank" --passphrase-file "$P" --out "$T/u" pv-8 tidak-ada
refused "unknown item"
grep -qF "tidak-ada" "$T/err" || fail "the unknown item is not named"
ok "unknown item refused, named ($(cat "$T/err"))"
[ -z "$(ls "$T/u" 2>/dev/null)" ] || fail "pictures were drawn before the unknown item was found"
for args in "--out $T/x" "--passphrase-file $P" "--passphrase-file $P --out $T/x --size 10x10" \
            "--passphrase-file $P --out $T/x --text-size 9" "--passphrase-file $P --out $T/x --lang fr"; do
    # shellcheck disable=SC2086
    kiosk --preview "$T/b.bank" $args
    refused "preview $args"
done
ok "missing --out or --passphrase-file, bad --size, --text-size and --lang refused"
kiosk --bank "$T/b.bank" pv-8
refused "an item id outside --preview"
ok "item ids outside --preview refused"
done_ok

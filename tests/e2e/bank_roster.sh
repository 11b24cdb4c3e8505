#!/bin/sh
# bank_roster.sh -- `bank roster`: PINs made for a roster without them (as `bank pins` makes them),
# the roster with its PINs and the printable participant cards written only to the files the
# operator names (0600, never overwritten), names escaped; refusals leave no file; the cards
# printed in Chromium ten to an A4 sheet.
set -u
. "$(dirname "$0")/lib.inc"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# 23 participants: 20 without a PIN, 3 with their own; names that look like markup
python3 - "$T/roster.csv" <<'PYEOF' || fail "roster"
import csv, sys
w = csv.writer(open(sys.argv[1], "w", newline="", encoding="utf-8"), lineterminator="\r\n")
w.writerow(["nip", "name", "pin"])
for j in range(23):
    nip = "1991%02d%02d2016052%03d" % (1 + j % 12, 1 + j, j + 1)
    name = ["Siti <b>Rahma</b> & \"Co\"", "Ni Luh Putu Ayu Saraswati Dewi Kusumawardhani, S.Kom., M.T.",
            "I Gede O'Brien <script>alert(1)</script>"][j] if j < 3 else "Peserta %02d" % j
    w.writerow([nip, name, "40%08d" % (j * 13) if j in (3, 4, 5) else ""])
PYEOF
run roster "$T/roster.csv" --exam "Kuis Akuntabel <1>" --room "Lab 2" --cards "$T/cards.html" \
    --out "$T/pins.csv"
[ "$rc" -eq 0 ] || fail "bank roster: exit $rc"
ok "bank roster makes the cards and the roster with its PINs"
same "the cards file is the owner's only" "$(stat -c %a "$T/cards.html")" 600
same "the roster with PINs is the owner's only" "$(stat -c %a "$T/pins.csv")" 600
python3 - "$T/roster.csv" "$T/pins.csv" "$T/cards.html" "$T/out" "$T/err" <<'PYEOF' || fail "cards and PINs"
import csv, html, re, sys
given = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
pins = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
page = open(sys.argv[3], encoding="utf-8").read()
said = open(sys.argv[4]).read() + open(sys.argv[5]).read()
assert [r["nip"] for r in pins] == [r["nip"] for r in given]
for g, r in zip(given, pins):
    if g["pin"]:
        assert r["pin"] == g["pin"], "a given PIN was replaced"
    else:
        assert re.fullmatch(r"[0-9]{10}", r["pin"]), r["pin"]
    assert r["pin"] not in said, "a PIN was printed"
made = [r["pin"] for r, g in zip(pins, given) if not g["pin"]]
assert len(set(made)) == len(made) == 20, "PINs repeat"
cards = re.findall(r'<section class="card">(.*?)</section>', page, re.S)
assert len(cards) == 23, len(cards)
for r, c in zip(pins, cards):
    assert '<dd class="nip">%s</dd>' % r["nip"] in c and '<dd class="pin">%s</dd>' % r["pin"] in c
    assert "<bdi>%s</bdi>" % html.escape(r["name"], quote=True).replace("&#x27;", "&#39;") in c, c
    assert "Kuis Akuntabel &lt;1&gt;" in c and "Lab 2" in c
assert "<script>" not in page and "<b>" not in page
PYEOF
ok "each card: NIP, escaped name, the PIN of the roster, exam and room; no PIN on the terminal"
ok "PINs of 10 digits, given ones kept, none repeated"

# refusals: nothing written, nothing overwritten
h=$(sha "$T/cards.html")
run roster "$T/roster.csv" --exam E --cards "$T/cards.html" --out "$T/pins2.csv"
refused "an existing cards file"
same "it is left as it was" "$(sha "$T/cards.html")" "$h"
[ ! -e "$T/pins2.csv" ] || fail "a roster was written beside a refused cards file"
ok "an existing cards file is never overwritten, and nothing else is written"
run roster "$T/roster.csv" --exam E --cards "$T/c2.html"
[ "$rc" -eq 2 ] && [ ! -e "$T/c2.html" ] || fail "PINs made without --out: exit $rc"
err_has "PINs made without --out are refused: they would be lost" "give --out"
printf 'nip,name,pin\n199101012016052001,Andi,123456\n' >"$T/short.csv"
must_fail "a roster PIN shorter than the rule" roster "$T/short.csv" --exam E --cards "$T/c3.html" --out "$T/p3.csv"
[ ! -e "$T/c3.html" ] && [ ! -e "$T/p3.csv" ] || fail "files left after a refusal"
printf 'nip,nama\n1,2\n' >"$T/badhead.csv"
must_fail "a roster without the nip,name header" roster "$T/badhead.csv" --exam E --cards "$T/c4.html" --out "$T/p4.csv"
run roster "$T/roster.csv" --exam "$(printf 'two\nlines')" --cards "$T/c5.html" --out "$T/p5.csv"
[ "$rc" -eq 2 ] && [ ! -e "$T/c5.html" ] || fail "an exam label of two lines: exit $rc"
ok "an exam label of two lines is refused"
must_fail "a missing roster" roster "$T/none.csv" --exam E --cards "$T/c6.html"
printf 'nip,name\n199101012016052001,Andi\n199102022016052002,Budi\n' >"$T/nopin.csv"
run roster "$T/nopin.csv" --exam E --cards "$T/c8.html" --out "$T/p8.csv"
[ "$rc" -eq 0 ] && [ "$(grep -c ',[0-9]\{10\}$' "$T/p8.csv")" -eq 2 ] ||
    fail "a roster of nip,name only: exit $rc, $(wc -l <"$T/p8.csv" 2>/dev/null) lines"
ok "a roster without a pin column gets a PIN for everyone"
run roster "$T/pins.csv" --exam E --cards "$T/c7.html"
[ "$rc" -eq 0 ] || fail "cards of a roster that has every PIN, without --out: exit $rc"
ok "a roster that has every PIN needs no --out"

# the cards in Chromium: printed ten to an A4 sheet
SHOTS=${KISI_SHOTS:-$T/shots}
mkdir -p "$SHOTS"
sh "$ROOT/tests/browser/run.sh" cards_page.mjs "$T/cards.html" 23 "$SHOTS" >"$T/browser" 2>&1
brc=$?
sed 's/^/     /' "$T/browser"
[ "$brc" -eq 0 ] || fail "the cards in Chromium (exit $brc)"
ok "the cards in Chromium: $(tail -n 1 "$T/browser")"
done_ok

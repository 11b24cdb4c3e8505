#!/bin/sh
# bank_import_moodle.sh -- Moodle XML and Moodle's GIFT through `bank import` (every problem on its
# own line, --skip-unsupported, notices), and `bank show` as text and as JSON lines.
set -u
. "$(dirname "$0")/lib.inc"
IMP=$(cd "$(dirname "$0")/../data/import" && pwd) || fail "no tests/data/import"

mkdir -p "$T/a"
B=$T/a/bank.db
P=$T/a/pass
printf 'kata sandi penguji e2e\n' >"$P"
must "a new bank" init "$B" --passphrase-file "$P"
XML=$IMP/moodle_quiz.xml

# --- a file with problems is refused whole, each problem on its own line ---
before=$(sha "$B")
run import "$B" --passphrase-file "$P" "$XML"
[ "$rc" -eq 1 ] || fail "Moodle XML with an essay and a short answer: exit $rc, expected 1"
ok "Moodle XML (by its .xml name) with two question types Kisi cannot hold is refused: exit 1"
err_has "  line 150 names the essay" "moodle_quiz.xml: error: line 150: question type \"essay\" is not supported"
err_has "  line 162 names the short answer" "moodle_quiz.xml: error: line 162: question type \"shortanswer\" is not supported"
err_has "  the last line counts them" "2 problems (each above), nothing imported"
same "  one line per problem or notice, none longer than one line" \
    "$(grep -c '^bank import: ' "$T/err")" "$(wc -l <"$T/err")"
same "  the bank file did not change" "$(sha "$B")" "$before"

# --- --skip-unsupported imports the rest and lists what it left out --------
cp "$XML" "$T/ekspor.dat"
must "--format moodle-xml --skip-unsupported imports what Kisi can hold" \
    import "$B" --passphrase-file "$P" "$T/ekspor.dat" --format moodle-xml --skip-unsupported
out_has "  4 items, 2 questions skipped" "imported 4 items from $T/ekspor.dat: 4 new, 0 replaced, 0 unchanged; 2 questions skipped"
err_has "  skipped essay listed" "skipped: line 150: question type \"essay\""
err_has "  skipped short answer listed" "skipped: line 162: question type \"shortanswer\""
err_has "  partial credit dropped is said" "notice: line 127: partial credit dropped"
grep -qF "grafik.png" "$T/err" && fail "  the embedded image is named as left out"
ok "  the embedded image is kept with its question: no notice"
must "the same file again" import "$B" --passphrase-file "$P" "$T/ekspor.dat" --format moodle-xml --skip-unsupported
out_has "  stable ids: 0 new, 4 unchanged" "0 new, 0 replaced, 4 unchanged"

# --- Moodle's GIFT export ---------------------------------------------------
must "Moodle's GIFT export with --skip-unsupported" import "$B" --passphrase-file "$P" "$IMP/moodle_export.gift" --skip-unsupported
out_has "  6 items, the essay skipped" "6 new, 0 replaced, 0 unchanged; 1 questions skipped"

# --- bank show ---------------------------------------------------------------
must "bank show prints every item" show "$B" --passphrase-file "$P"
same "  10 items" "$(grep -c '(version ' "$T/out")" 10
out_has "  titles shown" "title:      Lambang sila pertama"
out_has "  rich text as plain text" "stem:       Lambang sila pertama Pancasila adalah"
out_has "  lists as lines" "- Pilih semua yang benar"
out_has "  sub/superscripts readable" "Hasil dari 3^2 × ½ adalah"
out_has "  the key marked" "*   A.      Bintang"
out_has "  topics of two 'Bab 1' categories kept apart" "topic:      Default-for-Sejarah.Bab-1"
grep -q '<[a-z/]' "$T/out" && fail "bank show text holds a tag: $(grep '<[a-z/]' "$T/out" | head -1)"
ok "  no tag in the text form"

must "bank show --json" show "$B" --passphrase-file "$P" --json
same "  one object a line" "$(wc -l <"$T/out")" 10
python3 - "$T/out" <<'EOF' || fail "bank show --json fields"
import json, sys
want = {"id", "kind", "stem", "options", "key", "topic", "title"}
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    assert set(o) == want, sorted(o)
    assert o["kind"] in ("single", "multi", "truefalse"), o["kind"]
    assert isinstance(o["options"], list) and all(isinstance(x, str) for x in o["options"])
    assert o["title"] is None or isinstance(o["title"], str)
byt = {o["title"]: o for o in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
mc = byt["Lambang sila pertama"]
assert mc["stem"] == "Lambang sila <b>pertama</b> Pancasila adalah\u00a0…", mc["stem"]
assert mc["options"][3] == "Kepala &amp; tanduk banteng", mc["options"]
assert mc["key"] == "A" and mc["topic"] == "Pancasila"
assert byt["Lembaga negara"]["key"] == "AB" and byt["Lembaga negara"]["kind"] == "multi"
assert byt["Tanggal pengesahan"]["options"] == ["Benar", "Salah"]
EOF
ok "  exactly id, kind, stem, options, key, topic, title; texts as stored"

id=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' "$T/out")
must "bank show ID shows that item only" show "$B" --passphrase-file "$P" --json "$id"
same "  one line" "$(wc -l <"$T/out")" 1
must_fail "bank show with an unknown id" show "$B" --passphrase-file "$P" "$id" no-such-item
err_has "  names it" "no-such-item"
same "  prints no item at all" "$(wc -c <"$T/out")" 0
run show "$B"
[ "$rc" -eq 2 ] || fail "bank show without --passphrase-file: exit $rc, expected 2"
ok "bank show without --passphrase-file: usage error (exit 2)"
printf 'bukan kata sandinya\n' >"$T/wrong"
must_fail "bank show with a wrong passphrase" show "$B" --passphrase-file "$T/wrong"
run show "$B" --passphrase "kata sandi penguji e2e"
[ "$rc" -eq 2 ] || fail "a passphrase on the command line: exit $rc, expected 2"
ok "a passphrase on the command line is not taken (exit 2)"

printf 'id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key\nq-esc,esc,single,3,1,"Warna \033[31mmerah\033[0m?",a,b,,,,A\n' >"$T/esc.csv"
must "an item whose stem holds an escape sequence" import "$B" --passphrase-file "$P" "$T/esc.csv"
must "  shown" show "$B" --passphrase-file "$P" q-esc
grep -q "$(printf '\033')" "$T/out" && fail "bank show wrote an escape character to the terminal"
out_has "  with its control characters as ?" "Warna ?[31mmerah?[0m?"

# --- bad Moodle XML ----------------------------------------------------------
printf '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<quiz>&x;</quiz>\n' >"$T/xxe.xml"
must_fail "Moodle XML with a DOCTYPE is refused" import "$B" --passphrase-file "$P" "$T/xxe.xml"
err_has "  says so" "DOCTYPE is not allowed"
printf '<quiz><question type="truefalse">\n' >"$T/cut.xml"
must_fail "cut Moodle XML is refused" import "$B" --passphrase-file "$P" "$T/cut.xml"
err_has "  not XML, with its line" "not XML"
done_ok

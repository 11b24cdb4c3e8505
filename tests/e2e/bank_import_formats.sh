#!/bin/sh
# bank_import_formats.sh -- Aiken, GIFT and CSV import: counts, stable ids,
# topics and kinds, --format over the file extension, all-or-nothing rejection
# of an unsupported GIFT question, and Indonesian UTF-8 text with quotes,
# commas and newlines surviving to a drawn and scored form.
set -u
. "$(dirname "$0")/lib.inc"

NIP1=199001012015031001
prep "$T/a"
B=$T/a/bank.db
P=$T/a/pass

# lines TOPIC -- number of list lines of TOPIC.
lines() { "$BANK" list "$B" | awk -F'\t' -v t="$1" '$2 == t' | wc -l; }

# --- Aiken ----------------------------------------------------------------
before=$(sha "$B")
must_fail "Aiken without --topic is refused" import "$B" --passphrase-file "$P" "$DATA/aiken10.txt"
err_has "  says a topic is needed" "topic"
same "  bank unchanged" "$(sha "$B")" "$before"
must "import 10 Aiken questions" import "$B" --passphrase-file "$P" "$DATA/aiken10.txt" --topic aiken-uji
out_has "  reports 10 new" "imported 10 items"
out_has "  all new" "10 new, 0 replaced, 0 unchanged"
same "list shows 10 aiken-uji items" "$(lines aiken-uji)" 10
same "all Aiken items are single-answer" "$("$BANK" list "$B" | awk -F'\t' '$2 == "aiken-uji" && $3 == "single"' | wc -l)" 10
ids1=$("$BANK" list "$B" | awk -F'\t' '$2 == "aiken-uji" {print $1}')
before=$(sha "$B")
must "import the same Aiken file again" import "$B" --passphrase-file "$P" "$DATA/aiken10.txt" --topic aiken-uji
out_has "  ids are stable, nothing replaced: 0 new, 0 replaced, 10 unchanged" "0 new, 0 replaced, 10 unchanged"
same "  the bank file did not change" "$(sha "$B")" "$before"
same "  the Aiken ids did not change" "$("$BANK" list "$B" | awk -F'\t' '$2 == "aiken-uji" {print $1}')" "$ids1"

# --- GIFT -----------------------------------------------------------------
must "import 10 GIFT questions" import "$B" --passphrase-file "$P" "$DATA/gift10.gift"
out_has "  reports 10 new" "10 new, 0 replaced, 0 unchanged"
same "list shows 10 items of the \$CATEGORY topic Gift-Uji" "$(lines Gift-Uji)" 10
"$BANK" list "$B" | awk -F'\t' '$2 == "Gift-Uji" {print $1, $3}' >"$T/gift.kinds"
printf '%s\n' "gift-01 single" "gift-02 truefalse" "gift-03 multi" "gift-04 single" \
    "gift-05 single" "gift-06 truefalse" "gift-07 multi" "gift-08 single" "gift-09 single" \
    "gift-10 truefalse" >"$T/gift.want"
cmp -s "$T/gift.kinds" "$T/gift.want" || fail "GIFT ids/kinds: $(tr '\n' ' ' <"$T/gift.kinds")"
ok "GIFT titles became ids gift-01..gift-10 with kinds single, truefalse and multi"

listb=$("$BANK" list "$B")
before=$(sha "$B")
must_fail "a GIFT file holding an essay question is refused" import "$B" --passphrase-file "$P" "$DATA/gift-essay.gift"
err_has "  names the file" "gift-essay.gift"
err_has "  names line 8" "line 8"
err_has "  says essay" "essay"
same "  bank file unchanged" "$(sha "$B")" "$before"
same "  nothing imported (list unchanged)" "$("$BANK" list "$B")" "$listb"

# --- --format overrides the extension --------------------------------------
cp "$DATA/aiken10.txt" "$T/soal.dat"
must_fail "a .dat file without --format is refused" import "$B" --passphrase-file "$P" "$T/soal.dat" --topic aiken-uji
err_has "  asks for --format" "--format"
must "the .dat file with --format aiken" import "$B" --passphrase-file "$P" "$T/soal.dat" --format aiken --topic aiken-uji
out_has "  read as Aiken: 0 new, 0 replaced, 10 unchanged" "0 new, 0 replaced, 10 unchanged"
cp "$DATA/gift10.gift" "$T/gift-as.csv"
must_fail "GIFT text named .csv is read as CSV and refused" import "$B" --passphrase-file "$P" "$T/gift-as.csv"
err_has "  names the file" "gift-as.csv"
must "GIFT text named .csv with --format gift" import "$B" --passphrase-file "$P" "$T/gift-as.csv" --format gift
out_has "  read as GIFT: 0 new, 0 replaced, 10 unchanged" "0 new, 0 replaced, 10 unchanged"

# --- UTF-8, quotes, commas, CRLF and newlines inside CSV fields -------------
cp "$DATA/unicode.csv" "$T/unicode.txt"
must "CSV named .txt with --format csv" import "$B" --passphrase-file "$P" "$T/unicode.txt" --format csv
out_has "  5 new items" "imported 5 items"
must "the same CSV under its own name" import "$B" --passphrase-file "$P" "$DATA/unicode.csv"
out_has "  same ids: 0 new, 0 replaced, 5 unchanged" "0 new, 0 replaced, 5 unchanged"

# --- true/false keys written as words; a changed row is replaced -------------
H=id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key
printf '%s\n' "$H" "tf-1,tf-uji,truefalse,2,1,Pancasila dasar negara.,Benar,Salah,,,,Benar" \
    "tf-2,tf-uji,truefalse,2,1,Indonesia merdeka 1950.,Benar,Salah,,,,salah" >"$T/tf.csv"
must "CSV true/false keys written Benar and salah" import "$B" --passphrase-file "$P" "$T/tf.csv"
out_has "  2 new" "2 new, 0 replaced, 0 unchanged"
printf '%s\n' "$H" "tf-1,tf-uji,truefalse,2,1,Pancasila dasar negara.,Benar,Salah,,,,A" \
    "tf-2,tf-uji,truefalse,2,1,Indonesia merdeka 1950.,Benar,Salah,,,,b" >"$T/tf-letters.csv"
must "the same keys as letters A and b" import "$B" --passphrase-file "$P" "$T/tf-letters.csv"
out_has "  Benar was option A and salah option B: 2 unchanged" "0 new, 0 replaced, 2 unchanged"
printf '%s\n' "$H" "tf-1,tf-uji,truefalse,2,1,Pancasila dasar negara.,Benar,Salah,,,,TRUE" \
    "tf-2,tf-uji,truefalse,2,1,Indonesia merdeka 1950.,Benar,Salah,,,,True" >"$T/tf-changed.csv"
must "one key changed (tf-2 now True)" import "$B" --passphrase-file "$P" "$T/tf-changed.csv"
out_has "  only the changed row is replaced" "0 new, 1 replaced, 1 unchanged"
printf '%s\n' "$H" "tf-3,tf-uji,truefalse,2,1,Soal.,Ya,Tidak,,,,Benar" >"$T/tf-bad.csv"
must_fail "a Benar key with no option reading Benar is refused" import "$B" --passphrase-file "$P" "$T/tf-bad.csv"
err_has "  says to use the letter" "use the option letter"
"$BANK" list "$B" | awk -F'\t' '$2 == "tf-uji"' | grep -q . || fail "tf-uji items missing"
ok "tf-uji listed"
"$BANK" list "$B" | awk -F'\t' '$2 == "utf-uji" {print $1, $3}' >"$T/utf.kinds"
printf '%s\n' "utf-01 single" "utf-02 single" "utf-03 multi" "utf-04 truefalse" "utf-05 single" >"$T/utf.want"
cmp -s "$T/utf.kinds" "$T/utf.want" || fail "UTF-8 CSV ids/kinds: $(tr '\n' ' ' <"$T/utf.kinds")"
ok "utf-01..utf-05 listed with their kinds"
same "list shows 47 items in all (20 known + 10 Aiken + 10 GIFT + 5 UTF-8 + 2 true/false)" \
    "$("$BANK" list "$B" | grep -vc -e '^id' -e '^exam')" 47

# --- the imported keys and options survive to a drawn and scored form -------
must "exam-add an exam over the three imported topics" exam-add "$B" --passphrase-file "$P" "$DATA/formats.json"
printf 'nip,name,pin\n%s,Andi,1234567890\n' $NIP1 >"$T/r1.csv"
must "session" session "$B" --passphrase-file "$P" --exam formats --roster "$T/r1.csv" --out "$T/f.sess"
cp "$T/out" "$T/f.tok"
must "draw" draw "$B" --session "$T/f.sess" --token-file "$T/f.tok" --participant $NIP1 --json
cp "$T/out" "$T/form.json"
same "the form holds all 25 imported items" "$(jget "$T/form.json" 'len(j["items"])')" 25
same "option counts: every Aiken item 4, gift-02 (truefalse) 2, gift-07 4, utf-02 5" \
    "$(jget "$T/form.json" 'sorted({len(i["options"]) for i in j["items"] if i["topic"] == "aiken-uji"}) + [len(i["options"]) for k in ("gift-02", "gift-07", "utf-02") for i in j["items"] if i["id"] == k]')" \
    "[4, 2, 4, 5]"
same "pinned items keep their option order (gift-04, 'Semua jawaban di atas benar')" \
    "$(jget "$T/form.json" '[i["options"] for i in j["items"] if i["id"] == "gift-04"][0]')" "['A', 'B', 'C', 'D']"

# answer AIKEN_LETTER -- GIFT and UTF-8 items with their keys (or unanswered
# when AIKEN_LETTER is given alone), Aiken items all with AIKEN_LETTER.
answer() {
    python3 - "$T/form.json" "$DATA/formats.keys" "$1" "${2:-}" <<'EOF'
import json, sys
form = json.load(open(sys.argv[1]))
keys = dict(l.split() for l in open(sys.argv[2]) if l.strip())
out = {}
for it in form["items"]:
    if it["topic"] == "aiken-uji":
        out[it["id"]] = sys.argv[3]
    elif sys.argv[4] == "keys":
        out[it["id"]] = keys[it["id"]]
print(json.dumps(out))
EOF
}
sc() { # DESC ANSWERS RAW
    printf '%s\n' "$2" >"$T/ans.json"
    run score "$B" --passphrase-file "$P" --form "$T/form.json" --answers "$T/ans.json" --json
    [ "$rc" -eq 0 ] || fail "$1: score exit $rc"
    same "$1" "$(jget "$T/out" 'j["raw"]')" "$3"
}
sc "GIFT and UTF-8 keys all right, Aiken all 'A' (4 of 10): 19/25" "$(answer A keys)" 7600
sc "Aiken all 'B' only: 3/25" "$(answer B)" 1200
sc "Aiken all 'C' only: 2/25" "$(answer C)" 800
sc "Aiken all 'D' only: 1/25" "$(answer D)" 400
done_ok

#!/bin/sh
# bank_tamper.sh -- the seal catches every change to a sealed bank (item box,
# clear columns, removed and added rows, exams, meta, the seal itself), names
# what changed, and rejects the wrong authority key; rows copied from another
# bank do not decrypt; a changed session file is refused.
set -u
. "$(dirname "$0")/lib.inc"

command -v sqlite3 >/dev/null || fail "the sqlite3 command-line shell is needed"
NIP1=199001012015031001
prep "$T/a" "$DATA/known-acad.json"
A=$T/a/bank.db
must "verify the untouched bank" verify "$A" --pub "$T/a/auth.pub"
ORIG=$(sha "$A")

# tamper DESC SQL WHAT -- copy the sealed bank, apply SQL (which must change a
# row), and expect verify to refuse with a message that names WHAT.
tamper() {
    cp "$A" "$T/t.db"
    n=$(sqlite3 "$T/t.db" "$2; SELECT total_changes();") || fail "$1: sqlite3 failed"
    [ "$n" -ge 1 ] || fail "$1: the SQL changed nothing, the test is wrong"
    must_fail "verify after $1" verify "$T/t.db" --pub "$T/a/auth.pub"
    err_has "  message names $3" "$3"
    err_has "  message says tampered" "tamper"
}

# One byte of an item's encrypted box, in the middle and in the last byte (GCM tag).
flip() { # ID POS(1-based byte) -> SQL that flips that byte of the box
    h=$(sqlite3 "$A" "SELECT hex(box) FROM items WHERE id = '$1'")
    [ -n "$h" ] || fail "no item $1 in the bank"
    len=$((${#h} / 2))
    pos=$2; [ "$pos" -eq 0 ] && pos=$len
    pre=$(printf %s "$h" | cut -c1-$((2 * pos - 2)))
    b=$(printf %s "$h" | cut -c$((2 * pos - 1))-$((2 * pos)))
    post=$(printf %s "$h" | cut -c$((2 * pos + 1))-)
    nb=00; [ "$b" = 00 ] && nb=01
    echo "UPDATE items SET box = X'$pre$nb$post' WHERE id = '$1'"
}
tamper "one byte changed in the middle of kk-alpha-03's box" "$(flip kk-alpha-03 20)" "item kk-alpha-03"
tamper "the last byte of kk-alpha-04's box changed" "$(flip kk-alpha-04 0)" "item kk-alpha-04"
tamper "kk-alpha-05's weight changed" "UPDATE items SET weight = weight + 1 WHERE id = 'kk-alpha-05'" "item kk-alpha-05"
tamper "kk-beta-02's difficulty changed" "UPDATE items SET difficulty = 5 WHERE id = 'kk-beta-02' AND difficulty <> 5" "item kk-beta-02"
tamper "kk-alpha-06 moved to another topic" "UPDATE items SET topic = 'kk-beta' WHERE id = 'kk-alpha-06'" "item kk-alpha-06"
tamper "kk-alpha-07 marked draft" "UPDATE items SET draft = 1 WHERE id = 'kk-alpha-07'" "item kk-alpha-07"
tamper "kk-alpha-08's version bumped" "UPDATE items SET version = version + 1 WHERE id = 'kk-alpha-08'" "item kk-alpha-08"
tamper "item row kk-alpha-09 deleted" "DELETE FROM items WHERE id = 'kk-alpha-09'" "item kk-alpha-09"
tamper "kk-alpha-10 copied under a new id" "INSERT INTO items SELECT 'kk-alpha-99', version, topic, kind, difficulty, weight, noptions, pinned, draft, band, rank, box FROM items WHERE id = 'kk-alpha-10'" "item kk-alpha-99"
tamper "exam known-acad's json changed" "UPDATE exams SET json = replace(json, '\"minutes\":30', '\"minutes\":31') WHERE id = 'known-acad'" "exam known-acad"
tamper "exam known-acad deleted" "DELETE FROM exams WHERE id = 'known-acad'" "exam known-acad"
tamper "an exam row added" "INSERT INTO exams SELECT 'known-acad2', replace(json, 'known-acad', 'known-acad2') FROM exams WHERE id = 'known-acad'" "exam known-acad2"
tamper "meta kdf_logn changed" "UPDATE meta SET value = X'3136' WHERE key = 'kdf_logn'" "meta kdf_logn"
tamper "a meta row added" "INSERT INTO meta VALUES ('extra', X'00')" "meta extra"
tamper "the seal's signature changed" "UPDATE seal SET sig = CASE WHEN substr(sig, 1, 1) = X'00' THEN X'01' ELSE X'00' END || substr(sig, 2)" "signature"
tamper "the seal's manifest changed" "UPDATE seal SET manifest = X'00' || substr(manifest, 2)" "seal"

# A re-seal by someone else's key does not pass against the pinned key.
run keygen "$T/evil"
[ "$rc" -eq 0 ] || fail "keygen evil"
cp "$A" "$T/t.db"
sqlite3 "$T/t.db" "UPDATE items SET weight = 9 WHERE id = 'kk-alpha-01'" || fail "sqlite3"
must "an attacker re-seals a changed bank with their own key" seal "$T/t.db" --key "$T/evil.key"
must_fail "verify against the pinned authority key" verify "$T/t.db" --pub "$T/a/auth.pub"
err_has "  message says another key sealed it" "authority key"
must_fail "verify the genuine bank with the wrong public key" verify "$A" --pub "$T/evil.pub"
err_has "  message names the key mismatch" "authority key"
must_fail "verify with the private key given as --pub" verify "$A" --pub "$T/a/auth.key"
err_has "  message says it is not a public key" "public key"

# Unsealed bank.
run init "$T/u.db" --passphrase-file "$T/a/pass"
[ "$rc" -eq 0 ] || fail "init u.db"
must_fail "verify an unsealed bank" verify "$T/u.db" --pub "$T/a/auth.pub"
err_has "  message says not sealed" "not sealed"

# Changing a sealed bank through the tool is also seen until it is sealed again.
cp "$A" "$T/t.db"
printf 'id,topic,kind,difficulty,weight,stem,a,b,c,d,e,key\nkk-alpha-50,kk-alpha,single,1,1,Soal tambahan,a,b,c,d,e,A\n' >"$T/extra.csv"
must "import one more item into a sealed bank" import "$T/t.db" --passphrase-file "$T/a/pass" "$T/extra.csv"
must_fail "verify after an import made since sealing" verify "$T/t.db" --pub "$T/a/auth.pub"
err_has "  message names the new item" "kk-alpha-50"
must "seal again" seal "$T/t.db" --key "$T/a/auth.key"
must "verify after sealing again" verify "$T/t.db" --pub "$T/a/auth.pub"

# Rows copied from another bank (same ids, other bank id) do not decrypt.
prep "$T/b"
cp "$A" "$T/c.db"
printf 'nip,name,pin\n%s,Andi,1234567890\n' $NIP1 >"$T/r1.csv"
must "session on the genuine bank" session "$T/c.db" --passphrase-file "$T/a/pass" \
    --exam known-acad --roster "$T/r1.csv" --out "$T/c.sess"
cp "$T/out" "$T/c.tok"
must "draw the form" draw "$T/c.db" --session "$T/c.sess" --token-file "$T/c.tok" --participant $NIP1 --json
cp "$T/out" "$T/c.form"
echo '{}' >"$T/empty.json"
must "score the form on the genuine bank" score "$T/c.db" --passphrase-file "$T/a/pass" \
    --form "$T/c.form" --answers "$T/empty.json" --json
n=$(sqlite3 "$T/c.db" "ATTACH '$T/b/bank.db' AS o; UPDATE main.items SET box = (SELECT box FROM o.items WHERE o.items.id = main.items.id); SELECT total_changes();")
same "every item box replaced by the other bank's" "$n" 20
must_fail "score with rows copied from another bank" score "$T/c.db" --passphrase-file "$T/a/pass" \
    --form "$T/c.form" --answers "$T/empty.json" --json
err_has "  message says the row does not decrypt" "does not decrypt"
must_fail "lint with rows copied from another bank" lint "$T/c.db" --passphrase-file "$T/a/pass"
err_has "  message says the row does not decrypt" "does not decrypt"
must_fail "verify with rows copied from another bank" verify "$T/c.db" --pub "$T/a/auth.pub"
err_has "  message names an item" "item kk-"
must_fail "draw with rows copied from another bank" draw "$T/c.db" --session "$T/c.sess" \
    --token-file "$T/c.tok" --participant $NIP1 --json

# A changed session file is refused at unlock.
cp "$T/c.sess" "$T/t.sess"
n=$(sqlite3 "$T/t.sess" "UPDATE roster SET attempt = attempt + 1; SELECT total_changes();")
same "session roster row changed" "$n" 1
cp "$A" "$T/d.db"
must_fail "draw with a session whose attempt was raised" draw "$T/d.db" --session "$T/t.sess" \
    --token-file "$T/c.tok" --participant $NIP1 --json
err_has "  message says tampered" "tamper"
cp "$T/c.sess" "$T/t.sess"
n=$(sqlite3 "$T/t.sess" "UPDATE roster SET name = 'Orang Lain'; SELECT total_changes();")
must_fail "draw with a session whose roster name was changed" draw "$T/d.db" --session "$T/t.sess" \
    --token-file "$T/c.tok" --participant $NIP1 --json
err_has "  message says tampered" "tamper"

# A stored form edited (one byte of its sealed box), or removed, is refused.
cp "$T/c.sess" "$T/t.sess"
n=$(sqlite3 "$T/t.sess" "UPDATE forms SET box = substr(box, 1, 40) || x'00' || substr(box, 42) WHERE pos = 0; SELECT total_changes();")
same "session form edited" "$n" 1
must_fail "draw with a session whose stored form was edited" draw "$T/d.db" \
    --session "$T/t.sess" --token-file "$T/c.tok" --participant $NIP1 --json
err_has "  message says altered" "altered"
cp "$T/c.sess" "$T/t.sess"
sqlite3 "$T/t.sess" "DELETE FROM forms WHERE pos = 0" || fail "sqlite3"
must_fail "draw with a session missing a stored form" draw "$T/d.db" --session "$T/t.sess" \
    --token-file "$T/c.tok" --participant $NIP1 --json
err_has "  message says altered" "altered"

# A session file of an old format (its MAC and PINs, the options, the extra time or
# the proctor code not this build's) or of a newer one is refused.
for v in "2:make the session again with \`bank session\`" \
         "5:make the session again with \`bank session\`" "7:upgrade Kisi"; do
    cp "$T/c.sess" "$T/t.sess"
    sqlite3 "$T/t.sess" "PRAGMA user_version = ${v%%:*}" || fail "sqlite3"
    must_fail "draw with a session of format ${v%%:*}" draw "$T/d.db" --session "$T/t.sess" \
        --token-file "$T/c.tok" --participant $NIP1 --json
    err_has "  message says: ${v#*:}" "${v#*:}"
done

same "the sealed bank itself was never changed" "$(sha "$A")" "$ORIG"
done_ok

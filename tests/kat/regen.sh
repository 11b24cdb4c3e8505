#!/bin/sh
# regen.sh -- makes the known-answer vectors of tests/kat again, deliberately: a new sealed
# bank, session and token, then the forms, journal and signed result this build gives.
# Only with a version bump (see README). Usage: sh tests/kat/regen.sh  (after `make all`)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bank=${BIN:-$root/bin}/bank
kat=$root/build/tests/test_kat
[ -x "$bank" ] || { echo "regen.sh: $bank is missing: run make all first" >&2; exit 1; }
make -C "$root" --no-print-directory build/tests/test_kat >/dev/null
t=$(mktemp -d "${TMPDIR:-/tmp}/kisi-kat.XXXXXX")
trap 'rm -rf "$t"' EXIT INT TERM
cd "$t"
umask 077
# the authority's private key lives only in this temp folder; the passphrase of this test
# bank is kept (the result fuzz target adds the bank as `core bank add` does)
od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > passphrase
"$bank" keygen authority >/dev/null
"$bank" init bank.bank --passphrase-file passphrase >/dev/null
"$bank" import bank.bank --passphrase-file passphrase "$here/items.csv" >/dev/null
"$bank" exam-add bank.bank --passphrase-file passphrase "$here/exam.json" >/dev/null
"$bank" seal bank.bank --key authority.key >/dev/null
"$bank" session bank.bank --passphrase-file passphrase --exam kat-quiz \
  --roster "$here/roster.csv" --out room.session > token 2>/dev/null
umask 022
# the core key of the receipt vector: a test key, kept once made
[ -s "$here/core.key" ] || od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$here/core.key"
for f in bank.bank passphrase room.session token authority.pub; do
  cp "$f" "$here/$f.new"
  mv "$here/$f.new" "$here/$f"
done
chmod 0644 "$here/bank.bank" "$here/passphrase" "$here/room.session" "$here/token" "$here/authority.pub"
cd "$root"
"$kat" --regen "$here" >/dev/null
"$kat" >/dev/null
# the fuzz seeds made of the vectors
cp tests/kat/bank.bank tests/fuzz/seeds/bank/kat.bank
cp tests/kat/room.session tests/fuzz/seeds/session/kat.session
cp tests/kat/journal.jsonl tests/fuzz/seeds/journal/kat.jsonl
sh "$root/tests/fuzz/result-seeds.sh"
echo "tests/kat regenerated; commit it together with the version bump that made it necessary"

#!/bin/sh
# sample-bank.sh -- builds, seals and opens a demo session from the sample content in assets/.
# Usage: sh tools/sample-bank.sh OUTDIR [EXAM]
# Leaves in OUTDIR: authority.key/.pub, passphrase (0600), latsar.bank (sealed),
# demo.session for EXAM (default latsar-akademik) over assets/bank/roster.csv,
# and token (0600). Prints the demo participant's NIP, PIN and the token.
set -eu
out=${1:?usage: sample-bank.sh OUTDIR [EXAM]}
exam=${2:-latsar-akademik}
here=$(cd "$(dirname "$0")/.." && pwd)
bank=${BANK_TOOL:-$here/bin/bank}
assets=$here/assets/bank
mkdir -p "$out"
cd "$out"
rm -f authority.key authority.pub passphrase latsar.bank demo.session token
umask 077
# a fresh random passphrase in a file: secrets never travel in argv
od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > passphrase
umask 022
"$bank" keygen authority >/dev/null
"$bank" init latsar.bank --passphrase-file passphrase >/dev/null
"$bank" import latsar.bank --passphrase-file passphrase "$assets/latsar.csv"
for e in "$assets"/exams/*.json; do
  "$bank" exam-add latsar.bank --passphrase-file passphrase "$e"
done
"$bank" seal latsar.bank --key authority.key
"$bank" verify latsar.bank --pub authority.pub
umask 077
"$bank" session latsar.bank --passphrase-file passphrase --exam "$exam" \
  --roster "$assets/roster.csv" --out demo.session --proctor-code-out proctor-code \
  --slip proctor-slip.html > token 2>/dev/null
umask 022
first=$(sed -n 2p "$assets/roster.csv" | tr -d '\r')
nip=${first%%,*}
pin=${first##*,}
echo "demo session for $exam: NIP $nip  PIN $pin  token $(cat token)"

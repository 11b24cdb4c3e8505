#!/bin/sh
# demo.sh -- the demo sitting on the embedded sample content (see README).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/demo-out
sh "$here/tools/sample-bank.sh" "$out"
bank=$here/bin/bank
nip=$(sed -n 2p "$here/assets/bank/roster.csv" | cut -d, -f1)
cd "$out"
"$bank" draw latsar.bank --session demo.session --token-file token --participant "$nip" --json \
  > form.json
"$bank" draw latsar.bank --session demo.session --token-file token --participant "$nip" | head -n 6
echo "   ... (whole form in demo-out/form.json)"
# answer every item with option A, as a participant in a hurry might
python3 -c 'import json,sys; f=json.load(open("form.json")); print(json.dumps({i["id"]: "A" for i in f["items"]}))' \
  > answers.json 2>/dev/null || {
  sed 's/.*"items":\[//' form.json | tr '}' '\n' | sed -n 's/.*"id":"\([^"]*\)".*/"\1":"A"/p' |
    paste -sd, | sed 's/^/{/; s/$/}/' > answers.json; }
printf 'score of an all-A answer sheet: '
"$bank" score latsar.bank --passphrase-file passphrase --form form.json --answers answers.json

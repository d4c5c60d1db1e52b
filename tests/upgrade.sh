#!/bin/sh
# tests/upgrade.sh: for every store format version N kept in tests/upgrade/N
# (tern-gentestdata's output of that version, see tests/upgrade.py), today's
# programs take it as it is: tern conf compile, tern verify (when built),
# tern queue list (the queue and its states),
# and tern-imap serves every account, mailbox and message with its flags.
# Run by make check through tests/t/upgrade.test; prints "N passed, N failed".
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0 n=0
for v in "$top"/tests/upgrade/[0-9]* ; do
  [ -f "$v/tree" ] || continue
  n=$((n + 1))
  out=$(python3 "$top/tests/upgrade.py" test "$v" 2>&1) ; rc=$?
  printf '%s\n' "$out" | grep -v '^[0-9]* passed, [0-9]* failed$'
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  p=${line%% passed*} f=${line#* passed, } f=${f%% failed}
  [ -n "$line" ] || { p=0 f=1 ; }
  [ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
  echo "version ${v##*/}: $p passed, $f failed"
  pass=$((pass + p)) fail=$((fail + f))
done
# no version directory would make this test pass without testing anything
[ "$n" -gt 0 ] || { echo "FAIL no tests/upgrade/N directory" ; fail=$((fail + 1)) ; }
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

#!/bin/sh
# symclash.sh BINARY...: fail if a binary links both skalibs and libowfat,
# which define the same names (buffer_*, stralloc_*, cdb_*, ...).
# Dynamic links are seen with ldd; static ones by the symbols that only one
# of the two libraries defines.  Prints "both BINARY" per offender.
# exit 0 none, 1 some, 111 could not check.
sk=/usr/lib/x86_64-linux-gnu/libskarnet.a
ow=/usr/lib/libowfat.a
tmp=$(mktemp -d) || exit 111
trap 'rm -rf "$tmp"' EXIT
syms() { nm -g --defined-only "$1" 2>/dev/null | awk 'NF==3 { print $3 }' | sort -u ; }
syms "$sk" > "$tmp/sk" ; syms "$ow" > "$tmp/ow"
[ -s "$tmp/sk" ] && [ -s "$tmp/ow" ] || { echo "symclash: cannot read $sk or $ow" >&2 ; exit 111 ; }
comm -23 "$tmp/sk" "$tmp/ow" > "$tmp/sk-only"
comm -13 "$tmp/sk" "$tmp/ow" > "$tmp/ow-only"
bad=0
for b in "$@" ; do
  file -L "$b" 2>/dev/null | grep -q ELF || continue
  l=$(ldd "$b" 2>/dev/null)
  s=0 o=0
  echo "$l" | grep -q skarnet && s=1
  echo "$l" | grep -q owfat && o=1
  syms "$b" > "$tmp/b"
  [ -n "$(comm -12 "$tmp/b" "$tmp/sk-only" | head -n 1)" ] && s=1
  [ -n "$(comm -12 "$tmp/b" "$tmp/ow-only" | head -n 1)" ] && o=1
  if [ $s = 1 ] && [ $o = 1 ] ; then echo "both $b" ; bad=1 ; fi
done
exit $bad

#!/bin/sh
# musl-build.sh: the Alpine build's check on Debian: skalibs, BearSSL,
# libowfat, libunistring and libidn2 from Debian's source packages built
# with musl-gcc (musl-tools), tern built against them into bin-musl/, then
# a smoke test: tern localserve from bin-musl, one SMTP delivery, one IMAP
# fetch.  Slow (11 minutes from nothing on a busy 2-core machine); not part of
# make check.  Nothing is written in the source tree.
# usage: conf/container/musl-build.sh [ workdir ]   (default /tmp/tern-musl)
# exit: 0 the smoke test passed, 111 a step failed.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
w=${1:-/tmp/tern-musl} ; P=$w/prefix
die() { echo "musl-build.sh: fatal: $*" >&2 ; exit 111 ; }
command -v musl-gcc >/dev/null || die "musl-gcc not found: apt-get install musl-tools"
mkdir -p "$w/lists/partial" "$P/lib" "$P/include"
cd "$w"
# Debian's sources, through a list of its own (the machine's has no deb-src)
echo "deb-src http://deb.debian.org/debian bookworm main" > src.list
A="-o Dir::Etc::SourceList=$w/src.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$w/lists"
[ -d skalibs-2.13.1.1 ] || { apt-get $A update && apt-get $A source skalibs bearssl libidn2 libunistring libowfat ; } >/dev/null 2>&1 \
  || die "apt-get source failed"
export CC=musl-gcc
# dpkg-source leaves autotools inputs newer than their outputs: never regenerate
N="ACLOCAL=true AUTOCONF=true AUTOMAKE=true AUTOHEADER=true MAKEINFO=true"
[ -f "$P/lib/libskarnet.a" ] || (cd skalibs-2.13.1.1 && ./configure --prefix="$P" --libdir="$P/lib" --dynlibdir="$P/lib" \
  --includedir="$P/include" --sysdepdir="$P/lib/skalibs/sysdeps" --disable-shared --enable-static && make && make install) >skalibs.log 2>&1 \
  || die "skalibs: see $w/skalibs.log"
[ -f "$P/lib/libbearssl.a" ] || (cd bearssl-0.6+dfsg.1 && make CC=musl-gcc LD=musl-gcc LDDLL=musl-gcc lib \
  && cp build/libbearssl.a "$P/lib/" && mkdir -p "$P/include/bearssl" && cp inc/*.h "$P/include/bearssl/") >bearssl.log 2>&1 \
  || die "bearssl: see $w/bearssl.log"
[ -f "$P/lib/libowfat.a" ] || (cd libowfat-0.32 && make CC=musl-gcc libowfat.a && cp libowfat.a "$P/lib/" \
  && mkdir -p "$P/include/libowfat" && cp *.h "$P/include/libowfat/") >libowfat.log 2>&1 || die "libowfat: see $w/libowfat.log"
[ -f "$P/lib/libunistring.a" ] || (cd libunistring-1.0 && ./configure --prefix="$P" --disable-shared --enable-static --disable-namespacing \
  && make $N && make install $N) >unistring.log 2>&1 || die "libunistring: see $w/unistring.log"
[ -f "$P/lib/libidn2.a" ] || (cd libidn2-2.3.3 && ./configure --prefix="$P" --disable-shared --enable-static --disable-doc \
  --disable-nls CPPFLAGS="-I$P/include" LDFLAGS="-L$P/lib" --with-libunistring-prefix="$P" && make $N && make install $N) >idn2.log 2>&1 \
  || die "libidn2: see $w/idn2.log"

# tern: the Makefile's programs into WORKDIR/bin, with the musl prefix's
# headers and libraries only (no Debian include directory); libowfat's
# iopause.h includes <sys/poll.h>, which musl warns about: not an error
cd "$top"
progs=$(make -s -f Makefile -f - print-progs <<'MK'
print-progs: ; @echo $(PROGS) $(SCRIPTS)
MK
)
make -j2 O="$w/build" BIN="$w/bin" CC="musl-gcc -L$P/lib" \
  CFLAGS_ALL="-std=c99 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wno-error=cpp -O2 -Ilib -I$P/include -I$P/include/bearssl -I$P/include/libowfat" \
  UNISTRING_A="$P/lib/libunistring.a" tern-dns_LIBS="-static $P/lib/libowfat.a" \
  $(for p in $progs ; do printf '%s/bin/%s ' "$w" "$p" ; done) > "$w/tern.log" 2>&1 || die "tern: see $w/tern.log"
file "$w/bin/tern-smtp-in" | grep -q 'statically linked' || die "$w/bin/tern-smtp-in is not static"
! strings "$w/bin/tern-smtp-in" | grep -q GLIBC || die "$w/bin/tern-smtp-in has glibc symbols"
sh "$top/conf/container/musl-smoke.sh" "$w/bin" "$w/smoke"

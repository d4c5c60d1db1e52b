# tern: the only makefile.  Each folder adds its programs in its rules.mk.
# Targets: all (default) check check-asan bench fuzz install clean deps run
# O is the object/output directory: build (normal) or build-asan.

O ?= build
BIN ?= bin
PREFIX ?= /usr/local
CC ?= cc
OPT ?= -O2 -g
SAN ?=
CFLAGS_ALL = -std=c99 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
  $(OPT) $(SAN) -Ilib -I/usr/include/x86_64-linux-gnu -I/usr/include/bearssl $(CFLAGS)
SKALIBS = -l:libskarnet.a
BEARSSL = -l:libbearssl.a
SODIUM = -l:libsodium.a
IDN2 = -lidn2 -lunistring
# zlib: the queue's seal (CRC-32, lib/tern_qseal.c) and IMAP's COMPRESS.
# Static: only the programs that sum a queue file pull crc32 in.
ZLIB = -l:libz.a
# The default link line for a program; a rules.mk may set prog_LIBS instead.
LIBS_DEFAULT = $(O)/libtern.a $(BEARSSL) $(SODIUM) $(IDN2) $(SKALIBS) $(ZLIB)

# deps: Debian packages the build and the tests need.
DEBS_BUILD = gcc make skalibs-dev s6 execline libbearssl-dev libowfat-dev libidn2-dev clang binutils libunistring-dev libsodium-dev zlib1g-dev
DEBS_TEST = python3 file openssl procps dnsmasq-base isync fetchmail offlineimap3 curl \
  postfix swaks msmtp libnet-ssleay-perl libio-socket-ssl-perl libauthen-sasl-perl \
  dovecot-core dovecot-submissiond dovecot-imapd microsocks dante-server ca-certificates mutt strace bogofilter \
  opendkim-tools python3-dkim iproute2 util-linux \
  roundcube-core roundcube-sqlite3 php-cli php-sqlite3 chromium chromium-driver python3-selenium

PROGS :=
SCRIPTS :=
MAN :=
include $(sort $(wildcard */rules.mk))

LIB_SRCS := $(sort $(wildcard lib/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
UNIT_SRCS := $(sort $(wildcard lib/t/test-*.c))
UNIT_BINS := $(UNIT_SRCS:%.c=$(O)/%)
# Each fuzz target is also built with fuzz/driver.c to replay its seeds in check.
REPLAY_SRCS := $(sort $(wildcard fuzz/fuzz-*.c))
REPLAY_BINS := $(REPLAY_SRCS:fuzz/%.c=$(O)/replay/%) $(O)/replay/fuzz-dnsanswer
PROG_BINS := $(PROGS:%=$(BIN)/%) $(SCRIPTS:%=$(BIN)/%)

# keep objects of unit tests and programs between runs
.SECONDARY:

.PHONY: all check check-asan bench fuzz fuzz-run install install-sendmail clean deps run units
all: $(O)/.deps-ok $(PROG_BINS) units

units: $(UNIT_BINS) $(REPLAY_BINS)

$(O)/replay/fuzz-%: $(O)/fuzz/fuzz-%.o $(O)/fuzz/driver.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(O)/fuzz/driver.o $(LIBS_DEFAULT)

# The DNS answer reader links libowfat, never libtern or skalibs.
$(O)/fuzz/owfat/fuzz-dnsanswer.o: CFLAGS += -Ismtp-out
$(O)/replay/fuzz-dnsanswer: $(O)/fuzz/owfat/fuzz-dnsanswer.o $(O)/smtp-out/tern-dns-answer.o $(O)/fuzz/driver.o
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $^ /usr/lib/libowfat.a

# Installs the Debian packages once; later runs see the stamp.
$(O)/.deps-ok:
	@./tests/deps.sh $(DEBS_BUILD) $(DEBS_TEST)
	@mkdir -p $(O) && touch $@

deps:
	@./tests/deps.sh $(DEBS_BUILD) $(DEBS_TEST)

$(O)/%.o: %.c $(O)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# lib.list changes when a lib/*.c appears or goes, so the archive never keeps a stale member.
LIB_LIST := $(O)/lib.list
$(shell mkdir -p $(O) ; echo '$(LIB_OBJS)' | cmp -s - $(LIB_LIST) || echo '$(LIB_OBJS)' > $(LIB_LIST))
$(O)/libtern.a: $(LIB_OBJS) $(LIB_LIST)
	@rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(O)/lib/t/test-%: $(O)/lib/t/test-%.o $(O)/libtern.a
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

define prog_rule
$(BIN)/$(1): $$($(1)_OBJS:%=$(O)/%) $(O)/libtern.a
	@mkdir -p $(BIN)
	$$(CC) $(SAN) -o $$@ $$($(1)_OBJS:%=$(O)/%) $$(if $$($(1)_LIBS),$$($(1)_LIBS),$$(LIBS_DEFAULT))
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

# Programs that are shell scripts: SCRIPTS += tern-x; tern-x_SRC = dir/tern-x.sh
define script_rule
$(BIN)/$(1): $$($(1)_SRC)
	@mkdir -p $(BIN)
	cp $$< $$@ && chmod 755 $$@
endef
$(foreach p,$(SCRIPTS),$(eval $(call script_rule,$(p))))

check: all
	@TERN_BIN=$(abspath $(BIN)) TERN_UNITS=$(abspath $(O)/lib/t) \
	  TERN_REPLAY=$(abspath $(O)/replay) ./tests/run

check-asan:
	$(MAKE) O=build-asan BIN=build-asan/bin OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check

bench: all
	@./tests/bench

fuzz: $(O)/.deps-ok
	$(MAKE) -f fuzz/rules.fuzz

fuzz-run: $(O)/.deps-ok
	$(MAKE) -f fuzz/rules.fuzz run

run: all
	$(BIN)/tern localserve

TERN_GROUP = tern
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(PROG_BINS) $(DESTDIR)$(PREFIX)/bin/
	for m in $(MAN) ; do s=$${m##*.} ; install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/ ; done
	ln -sf tern $(DESTDIR)$(PREFIX)/bin/sendmail
	@# local users' sendmail injects through the group of the queue (tern-users(7))
	@q=$(DESTDIR)$(PREFIX)/bin/tern-queue-inject ; \
	if [ "$$(id -u)" = 0 ] && getent group $(TERN_GROUP) >/dev/null ; then \
	  chgrp $(TERN_GROUP) $$q && chmod 2755 $$q && echo "make: $$q is setgid $(TERN_GROUP)" ; \
	else echo "make: $$q is not setgid (not root, or no group $(TERN_GROUP): tern install-users, then make install again)" ; fi
	@[ "$$(readlink /usr/sbin/sendmail 2>/dev/null)" = "$(PREFIX)/bin/tern" ] || \
	  echo "make: to make tern the system's sendmail: make install-sendmail PREFIX=$(PREFIX)"

# /usr/sbin/sendmail -> PREFIX/bin/tern; an existing sendmail that is not
# ours is kept unless FORCE=1 (it is renamed to sendmail.tern-saved).
install-sendmail:
	@t=$(DESTDIR)/usr/sbin/sendmail ; \
	if [ -e "$$t" ] && [ "$$(readlink $$t)" != "$(PREFIX)/bin/tern" ] ; then \
	  if [ "$(FORCE)" != 1 ] ; then echo "make: $$t exists and is not tern's: run with FORCE=1 to replace it (kept as $$t.tern-saved)" >&2 ; exit 1 ; fi ; \
	  mv -f "$$t" "$$t.tern-saved" ; \
	fi ; \
	install -d $(DESTDIR)/usr/sbin && ln -sfn $(PREFIX)/bin/tern "$$t" && echo "make: $$t -> $(PREFIX)/bin/tern"

clean:
	rm -rf build build-asan build-fuzz bin

-include $(LIB_OBJS:.o=.d) $(UNIT_SRCS:%.c=$(O)/%.d) $(REPLAY_SRCS:%.c=$(O)/%.d) $(foreach p,$(PROGS),$($(p)_OBJS:%.o=$(O)/%.d)) $(wildcard $(O)/*/t/*.d)

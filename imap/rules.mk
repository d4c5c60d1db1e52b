# imap: tern-imap, the IMAP server; a store-delivery helper for the tests.
PROGS += tern-imap
tern-imap_OBJS = imap/tern-imap.o imap/tern-imap-parse.o imap/tern-imap-io.o imap/tern-imap-out.o imap/tern-imap-cmd.o \
  imap/tern-imap-auth.o imap/tern-imap-name.o imap/tern-imap-mbox.o imap/tern-imap-list.o \
  imap/tern-imap-sel.o imap/tern-imap-expunge.o imap/tern-imap-fetch.o imap/tern-imap-msg.o imap/tern-imap-store.o imap/tern-imap-append.o imap/tern-imap-search.o \
  imap/tern-imap-mime.o imap/tern-imap-env.o imap/tern-imap-cache.o imap/tern-imap-text.o imap/tern-imap-limit.o imap/tern-imap-junk.o \
  imap/tern-imap-sort.o imap/tern-imap-sortkey.o imap/tern-imap-sortfile.o imap/tern-imap-thread.o \
  imap/tern-imap-recent.o imap/tern-imap-zip.o imap/tern-imap-qresync.o imap/tern-imap-rev2.o imap/tern-imap-lazy.o
# zlib for COMPRESS=DEFLATE (RFC 4978).  Static, as tern-smtp-in (dynamic
# under sanitizers or without libunistring.a): an idle logged-in session was
# 2.3 MiB of RSS, 2.2 of it pages of the shared libc, libm, libidn2,
# libunistring, zlib and the loader; static, 1.2 to 1.4 MiB (imap.bench's rss
# row).  static-pie, not -static: a network server keeps its ASLR.
tern-imap_LIBS = $(if $(SAN)$(if $(wildcard /usr/lib/x86_64-linux-gnu/libunistring.a),,none),$(LIBS_DEFAULT) -lz,\
  -static-pie $(O)/libtern.a $(BEARSSL) $(SODIUM) -l:libidn2.a -l:libunistring.a $(SKALIBS) -l:libz.a -lm)
MAN += imap/tern-imap.8

# not installed: bin/t/deliver ACCT MAILBOX < message (tests only)
all: $(BIN)/t/deliver
$(BIN)/t/deliver: $(O)/imap/t/deliver.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

# not installed: bin/t/imap-parse, the parser on stdin lines (golden test)
all: $(BIN)/t/imap-parse
$(BIN)/t/imap-parse: $(O)/imap/t/parsedump.o $(O)/imap/tern-imap-parse.o $(O)/imap/tern-imap-name.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $(O)/imap/t/parsedump.o $(O)/imap/tern-imap-parse.o $(O)/imap/tern-imap-name.o $(LIBS_DEFAULT)

# not installed: bin/t/imap-gen ACCT MAILDIR N, the benchmark's mailbox
all: $(BIN)/t/imap-gen
$(BIN)/t/imap-gen: $(O)/imap/t/gen.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

# not installed: bin/t/junkstate ACCT [MAILBOX ...], junk counts and training states (junk*.test)
all: $(BIN)/t/junkstate
$(BIN)/t/junkstate: $(O)/imap/t/junkstate.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

# the fuzz target of the COMPRESS input path links zlib too
$(O)/replay/fuzz-imapzip: LIBS_DEFAULT += -lz

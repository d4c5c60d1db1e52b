# tern-verify: check (and with -fix repair) a data directory or a backup.
PROGS += tern-verify
tern-verify_OBJS = verify/tern-verify.o verify/tern-verify-out.o verify/tern-verify-store.o \
  verify/tern-verify-queue.o verify/tern-verify-misc.o verify/tern-verify-junk.o verify/tern-verify-version.o
MAN += verify/tern-verify.8

# not installed: bin/t/verify-churn ACCT N, a live account (tests only)
all: $(BIN)/t/verify-churn
$(BIN)/t/verify-churn: $(O)/verify/t/churn.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

# not installed: bin/t/verify-jtrain ACCT MAILBOX UID ham|spam [nostate] (tests only)
all: $(BIN)/t/verify-jtrain
$(BIN)/t/verify-jtrain: $(O)/verify/t/jtrain.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

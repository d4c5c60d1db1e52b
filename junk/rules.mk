# The junk filter: its database format (tern-junk.5), tern-junk (classify,
# train, import, stats) and tern-retrain (rebuild from the flags).
MAN += junk/tern-junk.5
PROGS += tern-junk
tern-junk_OBJS = junk/tern-junk.o junk/tern-junk-args.o junk/tern-junk-cmds.o junk/tern-junk-import.o
# Static, as tern-queue-local (which classifies at delivery): the dynamic
# loader's start-up (libunistring, libm) was about 1 ms of each run that
# classifies one message.  Dynamic under sanitizers or without libunistring.a.
JUNK_STATIC = $(if $(SAN)$(if $(wildcard /usr/lib/x86_64-linux-gnu/libunistring.a),,none),$(LIBS_DEFAULT) -lm,\
  -static $(O)/libtern.a $(BEARSSL) -l:libidn2.a -l:libunistring.a $(SKALIBS) -lm)
tern-junk_LIBS = $(JUNK_STATIC)
MAN += junk/tern-junk.8

PROGS += tern-retrain
tern-retrain_OBJS = junk/tern-retrain.o
tern-retrain_LIBS = $(JUNK_STATIC)
MAN += junk/tern-retrain.8


# not installed: bin/t/junk-store, a store for tern-retrain's tests
all: $(BIN)/t/junk-store
$(BIN)/t/junk-store: $(O)/junk/t/store.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

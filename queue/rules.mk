# The queue: inject (the only way in), the runner, local delivery, listing.
PROGS += tern-queue-inject
tern-queue-inject_OBJS = queue/tern-queue-inject.o queue/tern-queue-inject-run.o queue/tern-queue-inject-write.o
MAN += queue/tern-queue-inject.8 queue/tern-queue.5


PROGS += tern-queue-local
tern-queue-local_OBJS = queue/tern-queue-local.o queue/tern-queue-local-deliver.o
MAN += queue/tern-queue-local.8

PROGS += tern-queue-run
tern-queue-run_OBJS = queue/tern-queue-run.o queue/tern-queue-run-conf.o queue/tern-queue-run-scan.o \
  queue/tern-queue-run-msg.o queue/tern-queue-run-route.o queue/tern-queue-run-deliver.o queue/tern-queue-local-deliver.o \
  queue/tern-queue-run-remote.o queue/tern-queue-run-report.o queue/tern-queue-run-spawn.o queue/tern-queue-run-dsn.o queue/tern-queue-run-ctl.o \
  queue/tern-queue-run-batch.o queue/tern-queue-run-worker.o queue/tern-queue-run-dkim.o
MAN += queue/tern-queue-run.8

PROGS += tern-queue
tern-queue_OBJS = queue/tern-queue.o queue/tern-queue-list.o queue/tern-queue-ctl.o
MAN += queue/tern-queue.8

# Static links, as smtp-in's programs: inject and local run once per message,
# and the dynamic loader's start-up (mapping and relocating libidn2 and
# libunistring) was a measurable part of each message's CPU time (smtp.bench).
# Dynamic under sanitizers, or without libunistring.a for inject.
tern-queue-inject_LIBS = $(if $(SAN)$(if $(wildcard /usr/lib/x86_64-linux-gnu/libunistring.a),,none),$(LIBS_DEFAULT),\
  -static $(O)/libtern.a $(BEARSSL) -l:libidn2.a -l:libunistring.a $(SKALIBS) $(ZLIB))
tern-queue-local_LIBS = $(if $(SAN),$(LIBS_DEFAULT),-static $(LIBS_DEFAULT))

PROGS += tern-queue-dsn
tern-queue-dsn_OBJS = queue/tern-queue-dsn.o queue/tern-queue-dsn-input.o \
  queue/tern-queue-dsn-deliver.o queue/tern-queue-local-deliver.o
MAN += queue/tern-queue-dsn.8
# The runner too: its RSS is part of the sending side's (send.bench); -lm
# for the junk filter's classifier (local deliveries in its workers).
tern-queue-run_LIBS = $(if $(SAN)$(if $(wildcard /usr/lib/x86_64-linux-gnu/libunistring.a),,none),$(LIBS_DEFAULT),\
  -static $(O)/libtern.a $(BEARSSL) $(SODIUM) -l:libidn2.a -l:libunistring.a $(SKALIBS) $(ZLIB) -lm)

# not installed: bin/t/junk-train ACCTDIR -junk|-ham FILE... (tests only)
all: $(BIN)/t/junk-train
$(BIN)/t/junk-train: $(O)/queue/t/junktrain.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

# not installed: bin/t/dkim-sign DOMAIN TIME SELECTOR KEYFILE... (tests only)
all: $(BIN)/t/dkim-sign
$(BIN)/t/dkim-sign: $(O)/queue/t/dkimsign.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

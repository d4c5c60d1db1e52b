# Receiving: the TCP listener and the TLS helper.  Both link statically
# (not under sanitizers, which need the dynamic libc): the shared libc alone
# would put an idle listener or TLS session over 1 MiB of RSS.
PROGS += tern-listen
tern-listen_OBJS = smtp-in/tern-listen.o smtp-in/tern-listen-main.o smtp-in/tern-listen-loop.o smtp-in/tern-listen-limits.o smtp-in/tern-listen-child.o
tern-listen_LIBS = $(if $(SAN),,-static) $(SKALIBS)
MAN += smtp-in/tern-listen.8

PROGS += tern-tls
tern-tls_OBJS = smtp-in/tern-tls.o smtp-in/tern-tls-pem.o smtp-in/tern-tls-server.o \
  smtp-in/tern-tls-run.o smtp-in/tern-tls-child.o smtp-in/tern-tls-load.o \
  smtp-in/tern-listen-main.o smtp-in/tern-listen-loop.o smtp-in/tern-listen-limits.o smtp-in/tern-listen-child.o smtp-in/tern-tls-zygote.o
tern-tls_LIBS = $(if $(SAN),,-static) $(O)/libtern.a $(BEARSSL) $(SKALIBS)
MAN += smtp-in/tern-tls.8

# tern-smtp-in links libidn2 (addresses): statically when libunistring.a is
# there (Debian libunistring-dev), else dynamically (1.7 MiB RSS instead of 1.0).
UNISTRING_A := $(wildcard /usr/lib/x86_64-linux-gnu/libunistring.a)
PROGS += tern-smtp-in
tern-smtp-in_OBJS = smtp-in/tern-smtp-in.o smtp-in/tern-smtp-in-io.o smtp-in/tern-smtp-in-cmd.o \
  smtp-in/tern-smtp-in-parse.o smtp-in/tern-smtp-in-body.o smtp-in/tern-smtp-in-rcpt.o \
  smtp-in/tern-smtp-in-data.o smtp-in/tern-smtp-in-inject.o smtp-in/tern-smtp-in-auth.o \
  smtp-in/tern-smtp-in-zygote.o smtp-in/tern-smtp-in-junk.o smtp-in/tern-smtp-in-reset.o
tern-smtp-in_LIBS = $(if $(SAN)$(if $(UNISTRING_A),,none),$(LIBS_DEFAULT),\
  -static $(O)/libtern.a $(BEARSSL) -l:libidn2.a -l:libunistring.a $(SKALIBS) $(ZLIB))
MAN += smtp-in/tern-smtp-in.8

# not installed: bin/t/smtp-body, the message-data filter against a model
all: $(BIN)/t/smtp-body
$(BIN)/t/smtp-body: $(O)/smtp-in/t/body.o
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $<

# not installed: bin/t/machine-facts, the costs smtp.bench depends on
all: $(BIN)/t/machine-facts
$(BIN)/t/machine-facts: $(O)/smtp-in/t/facts.o
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $<

# not installed: bin/t/tls-ztake, tls_ztake against a cut-off request
all: $(BIN)/t/tls-ztake
$(BIN)/t/tls-ztake: $(O)/smtp-in/t/ztake.o $(O)/smtp-in/tern-tls-zygote.o $(O)/smtp-in/tern-tls-child.o \
  $(O)/smtp-in/tern-tls-pem.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $^ $(BEARSSL) $(SKALIBS)

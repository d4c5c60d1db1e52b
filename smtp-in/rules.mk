# Receiving: the TCP listener and the TLS helper.  Both link statically
# (not under sanitizers, which need the dynamic libc): the shared libc alone
# would put an idle listener or TLS session over 1 MiB of RSS.
PROGS += tern-listen
tern-listen_OBJS = smtp-in/tern-listen.o smtp-in/tern-listen-loop.o smtp-in/tern-listen-child.o
tern-listen_LIBS = $(if $(SAN),,-static) $(SKALIBS)
MAN += smtp-in/tern-listen.8

PROGS += tern-tls
tern-tls_OBJS = smtp-in/tern-tls.o smtp-in/tern-tls-pem.o smtp-in/tern-tls-server.o \
  smtp-in/tern-tls-run.o smtp-in/tern-tls-child.o smtp-in/tern-tls-load.o
tern-tls_LIBS = $(if $(SAN),,-static) $(O)/libtern.a $(BEARSSL) $(SKALIBS)
MAN += smtp-in/tern-tls.8

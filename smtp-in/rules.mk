PROGS += tern-tls
tern-tls_OBJS = smtp-in/tern-tls.o smtp-in/tern-tls-pem.o smtp-in/tern-tls-server.o \
  smtp-in/tern-tls-run.o smtp-in/tern-tls-child.o smtp-in/tern-tls-load.o
MAN += smtp-in/tern-tls.8
# static (except under sanitizers), no libidn2: the shared libc adds ~600 KiB of RSS per session
tern-tls_LIBS = $(if $(SAN),,-static) $(O)/libtern.a $(BEARSSL) $(SKALIBS)

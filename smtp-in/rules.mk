PROGS += tern-tls
tern-tls_OBJS = smtp-in/tern-tls.o smtp-in/tern-tls-pem.o smtp-in/tern-tls-server.o \
  smtp-in/tern-tls-run.o smtp-in/tern-tls-child.o
MAN += smtp-in/tern-tls.8

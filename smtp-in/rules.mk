PROGS += tern-listen
tern-listen_OBJS = smtp-in/tern-listen.o smtp-in/tern-listen-loop.o smtp-in/tern-listen-child.o
# Only skalibs; linked statically (not under sanitizers, which need the
# dynamic libc) so that an idle listener stays well under 1 MiB of RSS.
tern-listen_LIBS = $(if $(SAN),,-static) $(SKALIBS)
MAN += smtp-in/tern-listen.8

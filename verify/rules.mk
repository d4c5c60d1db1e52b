# tern-verify: check (and with -fix repair) a data directory or a backup.
PROGS += tern-verify
tern-verify_OBJS = verify/tern-verify.o verify/tern-verify-out.o verify/tern-verify-store.o \
  verify/tern-verify-queue.o verify/tern-verify-misc.o
MAN += verify/tern-verify.8

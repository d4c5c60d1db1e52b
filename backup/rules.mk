# tern-backup: a consistent copy of a running data directory.
MAN += backup/tern-backup.8
PROGS += tern-backup
tern-backup_OBJS = backup/tern-backup.o backup/tern-backup-file.o backup/tern-backup-mbox.o \
  backup/tern-backup-acct.o backup/tern-backup-queue.o backup/tern-backup-links.o

# not installed: bin/t/bkstore, the store as text and its check (tests only)
all: $(BIN)/t/bkstore
$(BIN)/t/bkstore: $(O)/backup/t/bkstore.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

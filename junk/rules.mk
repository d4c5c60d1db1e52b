# The junk filter: its database format (tern-junk.5), tern-junk (classify,
# train, import, stats) and tern-retrain (rebuild from the flags).
MAN += junk/tern-junk.5
PROGS += tern-junk
tern-junk_OBJS = junk/tern-junk.o junk/tern-junk-args.o junk/tern-junk-cmds.o junk/tern-junk-import.o
MAN += junk/tern-junk.8

PROGS += tern-retrain
tern-retrain_OBJS = junk/tern-retrain.o
MAN += junk/tern-retrain.8


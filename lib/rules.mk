# lib: libtern.a is built by the top Makefile; this adds the format pages.
MAN += lib/tern-store.5 lib/tern-rejects.5
# the junk filter's classification (tern_junkdb_classify.c) needs log and exp
LIBS_DEFAULT += -lm

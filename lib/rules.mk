# lib: libtern.a is built by the top Makefile; this adds the format pages.
MAN += lib/tern-store.5

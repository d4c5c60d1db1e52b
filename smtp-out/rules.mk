# tern-dns is the only program linked with libowfat (DNS); it must link
# neither skalibs nor libtern.a, which define the same names
# (tests/symclash.sh).  Its files include only libowfat headers.
PROGS += tern-dns
tern-dns_OBJS = smtp-out/tern-dns.o smtp-out/tern-dns-query.o smtp-out/tern-dns-answer.o smtp-out/tern-dns-mx.o smtp-out/tern-dns-cmds.o
tern-dns_LIBS = /usr/lib/libowfat.a
MAN += smtp-out/tern-dns.8

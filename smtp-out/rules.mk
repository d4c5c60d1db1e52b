# tern-dns and tern-smtp-out run once per delivery (tern-queue-run): static
# (not under sanitizers), which saves the dynamic loader's time at each
# start and about 700 KiB of RSS each (send.bench).
# tern-dns is the only program linked with libowfat (DNS); it must link
# neither skalibs nor libtern.a, which define the same names
# (tests/symclash.sh).  Its files include only libowfat headers.
PROGS += tern-dns
tern-dns_OBJS = smtp-out/tern-dns.o smtp-out/tern-dns-query.o smtp-out/tern-dns-answer.o smtp-out/tern-dns-mx.o smtp-out/tern-dns-cmds.o
tern-dns_LIBS = $(if $(SAN),,-static) /usr/lib/libowfat.a
MAN += smtp-out/tern-dns.8

# The TLS client helper: tern-tls's relay, child and names, with BearSSL's
# client and trust anchors; static like tern-tls.
PROGS += tern-tlsc
tern-tlsc_OBJS = smtp-out/tern-tlsc.o smtp-out/tern-tlsc-ca.o smtp-out/tern-tlsc-x509.o smtp-out/tern-tlsc-err.o \
  smtp-in/tern-tls-run.o smtp-in/tern-tls-child.o smtp-in/tern-tls-server.o smtp-in/tern-tls-pem.o
tern-tlsc_LIBS = $(if $(SAN),,-static) $(O)/libtern.a $(BEARSSL) $(SKALIBS)
MAN += smtp-out/tern-tlsc.8

# The SMTP client: plaintext only; TLS through tern-tlsc, DNS through tern-dns.
PROGS += tern-smtp-out
tern-smtp-out_OBJS = smtp-out/tern-smtp-out.o smtp-out/tern-smtp-out-line.o smtp-out/tern-smtp-out-net.o \
  smtp-out/tern-smtp-out-io.o smtp-out/tern-smtp-out-smtp.o smtp-out/tern-smtp-out-auth.o smtp-out/tern-smtp-out-hosts.o \
  smtp-out/tern-smtp-out-msg.o smtp-out/tern-smtp-out-mime.o smtp-out/tern-smtp-out-batch.o
tern-smtp-out_LIBS = $(if $(SAN)$(if $(UNISTRING_A),,none),$(LIBS_DEFAULT),-static $(O)/libtern.a $(BEARSSL) -l:libidn2.a -l:libunistring.a $(SKALIBS) $(ZLIB))
MAN += smtp-out/tern-smtp-out.8

# The DNS check: the checks here, SPF in lib, DNS through tern-dns (a
# child), the DKIM key's public half with BearSSL.
PROGS += tern-dnscheck
tern-dnscheck_OBJS = smtp-out/tern-dnscheck.o smtp-out/tern-dnscheck-spf.o smtp-out/tern-dnscheck-rec.o smtp-out/tern-dnscheck-key.o
MAN += smtp-out/tern-dnscheck.8

# not installed: bin/t/smtp-mime MODE FILE, tern-smtp-out's MIME conversion
# of FILE on stdout (mimeconv.test checks it on random messages)
all: $(BIN)/t/smtp-mime
$(BIN)/t/smtp-mime: $(O)/smtp-out/t/mimeconv.o $(O)/libtern.a
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $< $(LIBS_DEFAULT)

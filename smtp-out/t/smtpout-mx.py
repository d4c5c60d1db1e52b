# smtpout-mx.py: each MX host gets its own part of the DNS time budget
# (TERN_DNS_TIMEOUT), so a primary whose address lookup times out does not
# keep the message from a working backup; every address that failed is
# logged with its reason, domains in their log form (U-label/A-label).
import os, socket, threading, time
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

# 127.0.0.98 takes queries and never answers (dnsmasq forwards slow.test there)
silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
silent.bind(("127.0.0.98", 53))
# 127.0.0.97 answers A queries (127.0.0.49) and drops AAAA ones, as some
# middleboxes do; dnsmasq forwards aaaa.test there
aonly = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
aonly.bind(("127.0.0.97", 53))


def answer_a():
    while True:
        q, a = aonly.recvfrom(512)
        end = 12
        while q[end]: end += 1 + q[end]
        if q[end + 1:end + 3] != b"\x00\x01": continue
        rr = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x31"
        aonly.sendto(q[:2] + b"\x81\x80" + q[4:6] + b"\x00\x01\x00\x00\x00\x00" + q[12:end + 5] + rr, a)


threading.Thread(target=answer_a, daemon=True).start()
dns = dnsmasq("""server=/slow.test/127.0.0.98
server=/aaaa.test/127.0.0.97
mx-host=lamev6.test,mx.aaaa.test,10
mx-host=two.test,mx.slow.test,10
mx-host=two.test,mx.two.test,20
host-record=mx.two.test,127.0.0.49
mx-host=xn--bcher-kva.test,mx.xn--bcher-kva.test,10
host-record=mx.xn--bcher-kva.test,::1,127.0.0.49
""")
p, dump = sink("127.0.0.49", 25)
os.environ["TERN_DNS_TIMEOUT"] = "6"
t0 = time.time()
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@two.test"])
el = time.time() - t0
check(rc == 0 and lines(out)[-1][:2] == ("msg", "ok"), "a lame primary MX, the backup takes it: %s %s" % (out, err))
check("X-Rcpt-Args: <x@two.test>" in open(dump).read(), "the backup got the message")
check(el < 20, "within the DNS budget and the connection: %.1f s" % el)
check("mx.slow.test" in err and "warning" in err, "the lame host's lookup is logged: %r" % err)
print("lame primary, then the backup: %.1f s with a 6 s DNS budget" % el)

out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "q@xn--bcher-kva.test"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "ok"), "IPv6 refused, then IPv4: %s %s" % (out, err))
fl = [l for l in err.splitlines() if "ip=::1" in l]
check(len(fl) == 1 and "4.4.1" in fl[0] and 'host="mx.b\u00fccher.test/mx.xn--bcher-kva.test"' in fl[0], "the refused IPv6 address is logged with its reason: %r" % err)
check(len(fl) == 1 and 'domain="b\u00fccher.test/xn--bcher-kva.test"' in fl[0], "the domain in its log form: %r" % fl)
# the host's AAAA lookup gets no answer, its A lookup does: the A record is used
t0 = time.time()
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@lamev6.test"])
el = time.time() - t0
check(rc == 0 and lines(out)[-1][:2] == ("msg", "ok"), "no answer to AAAA, an answer to A: delivered over IPv4: %s %s" % (out, err))
check("mx.aaaa.test" in err and "IPv6" in err, "the AAAA failure is logged: %r" % err)
print("a host whose AAAA lookup gets no answer: %.1f s with a 6 s DNS budget" % el)
finish()

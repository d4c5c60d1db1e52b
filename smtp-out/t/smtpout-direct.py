# smtpout-direct.py: direct delivery with MX records from the test's own
# dnsmasq (127.0.0.53, in this network namespace): MX order and fallback,
# null MX, no such domain, and opportunistic STARTTLS that fails, retried
# on the same host without TLS (a scripted fake server).
import os, socket, subprocess, threading, time
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

dns = dnsmasq("""host-record=mx1.dst.test,127.0.0.31
host-record=mx2.dst.test,127.0.0.32
host-record=tls.test,127.0.0.33
mx-host=dst.test,mx1.dst.test,10
mx-host=dst.test,mx2.dst.test,20
mx-host=nullmx.test,.,0
""")

# mx1 refuses connections; mx2 takes the message
p, dump = sink("127.0.0.32", 25)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@dst.test", "y@dst.test"])
check(rc == 0 and [l[0] for l in lines(out)] == ["ok", "ok", "msg"] and lines(out)[2][1] == "ok", "mx fallback: " + out + err)
check("X-Rcpt-Args: <y@dst.test>" in open(dump).read(), "mx2 got it")
# the first MX answers 5xx: permanent, mx2 is not tried
p1, dump1 = sink("127.0.0.31", 25, "-f", "rcpt", dump="dump1")
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@dst.test"])
n2 = open(dump).read().count("X-Rcpt-Args")
check(lines(out)[0][0] == "perm" and lines(out)[-1][:2] == ("msg", "perm") and lines(out)[0][2][0] == "5", "5xx from mx1: " + out)
check(n2 == 2, "mx2 not tried after a 5xx")
stop(p1)
stop(p)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@nullmx.test"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "perm"), "null mx: " + out)
check(" 556 5.1.10 " in out.splitlines()[0] and "does not accept mail" in out, "null mx is 556 5.1.10 (RFC 7505 4.2): " + out)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@nosuch.test"])
check(out.splitlines()[0].split(" ")[2:4] == ["554", "5.4.4"], "no such domain stays 554 5.4.4: " + out)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@nosuch.test"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "perm"), "no such domain: " + out)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@dst.test"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "temp"), "all mx down: " + out)

# opportunistic STARTTLS: offered, accepted with 220, then no TLS at all:
# the same host again, without STARTTLS
seen = []


def fake():
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.33", 25))
    ls.listen(5)
    for _ in range(2):
        c, _ = ls.accept()
        f = c.makefile("rwb", buffering=0)
        f.write(b"220 fake\r\n")
        cmds = []
        while True:
            l = f.readline()
            if not l: break
            cmd = l.strip().upper()
            cmds.append(cmd.split(b":")[0].split(b" ")[0])
            if cmd.startswith(b"EHLO"): f.write(b"250-fake\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
            elif cmd == b"STARTTLS":
                f.write(b"220 go\r\n")
                f.write(b"this is not TLS\r\n" * 10)
                break
            elif cmd == b"DATA":
                f.write(b"354 go\r\n")
                while f.readline() not in (b".\r\n", b""): pass
                f.write(b"250 2.0.0 taken\r\n")
            elif cmd == b"QUIT":
                f.write(b"221 bye\r\n")
                break
            else: f.write(b"250 ok\r\n")
        seen.append(cmds)
        c.close()


t = threading.Thread(target=fake, daemon=True)
t.start()
time.sleep(0.2)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@tls.test"])
t.join(10)
check(lines(out)[-1][:2] == ("msg", "ok") and "taken" in out, "tls fallback: " + out + err)
check(len(seen) == 2 and b"STARTTLS" in seen[0] and b"STARTTLS" not in seen[1] and b"DATA" in seen[1],
      "tls fallback sessions: %r" % seen)
finish()

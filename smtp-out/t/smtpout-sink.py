# smtpout-sink.py: tern-smtp-out against smtp-sink (postfix): the smtp
# transport without TLS, 5xx/4xx injection, HELO fallback, 8BITMIME and
# SMTPUTF8 checks, dot-stuffing, refused connections; direct delivery to
# an address literal on port 25.
import os, sys
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

SMTP = ["smtp", "127.0.0.1", "12525", "relay", "starttls=none", "--"]

p, dump = sink("127.0.0.1", 12525)
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@y.test", "z@y.test"], b"Subject: t\r\n\r\n.dot\r\nend")
check(rc == 0 and lines(out) == [("ok", "x@y.test", "250"), ("ok", "z@y.test", "250"), ("msg", "ok", "250")],
      "plain relay: %r %d %s" % (out, rc, err))
d = open(dump).read()
check("X-Rcpt-Args: <z@y.test>" in d and "X-Mail-Args: <a@b.test>" in d and "\n.dot\n" in d and d.rstrip().endswith("end"),
      "dump: " + d)
check("X-Helo-Args: me.test" in d, "ehlo name")
# the null sender
out, rc, err = smtpout(["-f", ""] + SMTP + ["x@y.test"])
check(rc == 0 and "X-Mail-Args: <>" in open(dump).read(), "null sender: " + out)
# 8-bit body to a server with 8BITMIME: BODY=8BITMIME
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@y.test"], "Subject: t\r\n\r\nh\u00e9\r\n".encode())
check(rc == 0 and "BODY=8BITMIME" in open(dump).read(), "8bitmime: " + out)
# SMTPUTF8 is not offered by smtp-sink: permanent, nothing sent
out, rc, err = smtpout(["-u", "-f", "a@b.test"] + SMTP + ["x@y.test"], "Subject: \u00e9\r\n\r\nhello\r\n".encode())
check(rc == 0 and lines(out) == [("perm", "x@y.test", "553"), ("msg", "perm", "553")] and "5.6.7" in out, "smtputf8: " + out)
out, rc, err = smtpout(["-f", "\u00e9@b.test"] + SMTP + ["x@y.test"])
check(lines(out)[-1][:2] == ("msg", "perm"), "utf8 sender: " + out)
stop(p)

# 5xx and 4xx injected on RCPT, on MAIL, on DATA
for opt, cmd, cls, code in (("-f", "rcpt", "perm", "5"), ("-r", "rcpt", "temp", "4"), ("-f", "mail", "perm", "5"),
                            ("-r", "mail", "temp", "4"), ("-f", "data", "perm", "5"), ("-Q", "rcpt", "temp", "4")):
    p, dump = sink("127.0.0.1", 12525, opt, cmd)
    out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@y.test", "z@y.test"])
    l = lines(out)
    check(rc == 0 and len(l) == 3 and all(c == cls and k[0] == code for c, _, k in l[:2]) and l[2][1] == cls,
          "%s %s: %r" % (opt, cmd, out))
    stop(p)
    wait_port("127.0.0.1", 12525, up=False)

# no 8BITMIME: an 8-bit body goes quoted-printable; 8-bit headers fail permanently
p, dump = sink("127.0.0.1", 12525, "-8")
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@y.test"], b"Subject: t\r\n\r\nh\xc3\xa9\r\n")
check(lines(out)[-1][:2] == ("msg", "ok") and "\nh=C3=A9\n" in open(dump).read(), "no 8bitmime: converted: " + out)
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@y.test"], b"Subject: h\xc3\xa9\r\n\r\nh\xc3\xa9\r\n")
check(lines(out) == [("perm", "x@y.test", "554"), ("msg", "perm", "554")] and "5.6.3" in out, "no 8bitmime, 8-bit header: " + out)
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@y.test"])
check(lines(out)[-1][:2] == ("msg", "ok"), "7bit without 8bitmime: " + out)
stop(p)
wait_port("127.0.0.1", 12525, up=False)

# no ESMTP: HELO
p, dump = sink("127.0.0.1", 12525, "-e")
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@y.test"])
check(lines(out)[-1][:2] == ("msg", "ok") and "X-Client-Proto: SMTP\n" in open(dump).read(), "helo: " + out)
# STARTTLS required (the default) and not offered: temporary
out, rc, err = smtpout(["-f", "a@b.test", "smtp", "127.0.0.1", "12525", "relay", "--", "x@y.test"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "temp"), "starttls required: " + out)
stop(p)
wait_port("127.0.0.1", 12525, up=False)

# nobody listening: temporary, 421
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@y.test"])
check(rc == 0 and lines(out) == [("temp", "x@y.test", "421"), ("msg", "temp", "421")] and "4.4.1" in out, "refused: " + out)

# direct, address literal: port 25 of that address
p, dump = sink("127.0.0.25", 25)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@[127.0.0.25]", "y@[127.0.0.25]"])
check(rc == 0 and [c for c, _, _ in lines(out)] == ["ok", "ok", "msg"] and lines(out)[2][1] == "ok", "direct literal: " + out)
check("X-Rcpt-Args: <y@[127.0.0.25]>" in open(dump).read(), "direct literal dump")
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@[127.0.0.26]"])
check(lines(out)[-1][:2] == ("msg", "temp"), "direct literal refused: " + out)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@[127.0.0.25]", "y@[127.0.0.26]"])
check(lines(out)[-1][:2] == ("msg", "temp") and "one domain" in out, "two domains: " + out)
out, rc, err = smtpout(["-f", "a@b.test", "direct", "--", "x@[300.0.0.1]"])
check(lines(out)[-1][:2] == ("msg", "perm"), "bad literal: " + out)
stop(p)

# socks: microsocks in front of smtp-sink; DNS (here none: a literal) is ours
p, dump = sink("127.0.0.26", 25)
ms = start(["microsocks", "-i", "127.0.0.1", "-p", "11080"], "127.0.0.1", 11080)
SOCKS = ["socks", "127.0.0.1", "11080", "viaproxy", "remote-hostname=out.test", "--"]
out, rc, err = smtpout(["-f", "a@b.test"] + SOCKS + ["x@[127.0.0.26]"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "ok"), "socks: " + out + err)
d = open(dump).read()
check("X-Helo-Args: out.test" in d and "X-Rcpt-Args: <x@[127.0.0.26]>" in d, "socks: remote-hostname as EHLO: " + d)
out, rc, err = smtpout(["-f", "a@b.test"] + SOCKS + ["x@[127.0.0.27]"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "temp") and "through the proxy" in out, "socks, target down: " + out)
stop(ms)
wait_port("127.0.0.1", 11080, up=False)
out, rc, err = smtpout(["-f", "a@b.test"] + SOCKS + ["x@[127.0.0.26]"])
check(rc == 0 and lines(out) == [("temp", "x@[127.0.0.26]", "421"), ("msg", "temp", "421")], "socks, proxy down: " + out)
out, rc, err = smtpout(["-f", "a@b.test", "socks", "127.0.0.1", "11080", "viaproxy", "--", "x@[127.0.0.26]"])
check(rc == 100, "socks without remote-hostname")

# socks through dante (PEERS.md section 3): a second SOCKS5 implementation
open(D + "/danted.conf", "w").write("""logoutput: %s/danted.log
internal: 127.0.0.1 port = 11081
external: 127.0.0.1
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {
  from: 127.0.0.0/8 to: 0.0.0.0/0
}
socks pass {
  from: 127.0.0.0/8 to: 127.0.0.0/8
  command: connect
  log: connect disconnect error
}
socks block {
  from: 0.0.0.0/0 to: 0.0.0.0/0
  log: connect error
}
""" % D)
dt = start(["danted", "-f", D + "/danted.conf", "-p", D + "/danted.pid", "-N", "1"], "127.0.0.1", 11081)
DANTE = ["socks", "127.0.0.1", "11081", "viadante", "remote-hostname=dante.test", "--"]
out, rc, err = smtpout(["-f", "a@b.test"] + DANTE + ["z@[127.0.0.26]"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "ok"), "socks through dante: " + out + err)
d = open(dump).read()
check("X-Helo-Args: dante.test" in d and "X-Rcpt-Args: <z@[127.0.0.26]>" in d, "dante: the message reached smtp-sink")
check("tcp/connect" in open(D + "/danted.log").read(), "dante logged the connect")
out, rc, err = smtpout(["-f", "a@b.test"] + DANTE + ["x@[127.0.0.27]"])
check(rc == 0 and lines(out)[-1][:2] == ("msg", "temp"), "dante, target down: temporary: " + out)
stop(dt)
stop(p)

# usage
out, rc, err = smtpout(["-f", "a@b.test", "smtp", "--", "x@y.test"])
check(rc == 100 and out == "", "bad transport: %d %s" % (rc, err))
out, rc, err = smtpout(["smtp", "h", "25", "n", "--", "x@y.test"])
check(rc == 100, "no -f")
p = subprocess.run(["tern-smtp-out", "-h"], capture_output=True)
check(p.returncode == 0 and p.stdout.startswith(b"usage: tern-smtp-out"), "-h")
finish()

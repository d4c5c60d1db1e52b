# smtpout-batch.py: tern-smtp-out -m against smtp-sink: several messages
# over one connection (RSET between), numbered reports, an unreadable
# message alone temporary, a 5xx for one message only, a server that
# drops the connection midway, bad lists.
import os, sys
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

SMTP = ["-m", "smtp", "127.0.0.1", "12525", "relay", "starttls=none"]
for i, body in enumerate((b"Subject: one\r\n\r\n.dot\r\n", b"Subject: two\r\n\r\nsecond\r\n", "Subject: thr\u00e9e\r\n\r\nthird\r\n".encode())):
    open("m%d" % i, "wb").write(b"envelope\n\n" + body)
LIST = "m0\t10\t-\ta@b.test\tx@y.test\tz@y.test\nnosuch\t0\t-\t\tw@y.test\nm1\t10\t-\t\tv@y.test\nm2\t10\tu\tc@b.test\tu@y.test\n"

p, dump = sink("127.0.0.1", 12525)
out, rc, err = smtpout(SMTP, LIST.encode())
ls = out.splitlines()
check(rc == 0 and ls[:3] == ["0 ok x@y.test 250 2.0.0 Ok", "0 ok z@y.test 250 2.0.0 Ok", "0 msg ok 250 2.0.0 Ok"], "batch: message 0: %r %s" % (out, err))
check(ls[3].startswith("1 temp w@y.test 451 4.3.0 tern: unable to read the message nosuch") and ls[4].startswith("1 msg temp 451"), "batch: unreadable alone: %r" % out)
check(ls[5:7] == ["2 ok v@y.test 250 2.0.0 Ok", "2 msg ok 250 2.0.0 Ok"], "batch: message 2: %r" % out)
check(ls[7].startswith("3 perm u@y.test 553") and "5.6.7" in ls[7] and len(ls) == 9, "batch: smtputf8 flag of message 3: %r" % out)
d = open(dump).read()
check(d.count("X-Client-Addr") == 2 and "\n.dot\n" in d and "second" in d and "X-Mail-Args: <>" in d and "third" not in d,
      "batch: two transactions, dot-stuffed: " + d)
stop(p)
wait_port("127.0.0.1", 12525, up=False)

# 5xx to one message's MAIL: that message only
p, dump = sink("127.0.0.1", 12525, "-f", "mail")
out, rc, err = smtpout(SMTP, b"m1\t10\t-\t\tv@y.test\nm2\t10\t-\ta@b.test\tu@y.test\n")
check(out.splitlines()[0].startswith("0 perm v@y.test 5") and out.splitlines()[2].startswith("1 perm u@y.test 5"), "5xx on mail: %r" % out)
stop(p)
wait_port("127.0.0.1", 12525, up=False)

# nobody listening: every message temporary, each reported
out, rc, err = smtpout(SMTP, b"m1\t10\t-\t\tv@y.test\nm2\t10\t-\t\tu@y.test\n")
check(rc == 0 and [l.split()[:2] for l in out.splitlines()] == [["0", "temp"], ["0", "msg"], ["1", "temp"], ["1", "msg"]], "refused: %r" % out)

# bad lists: usage errors, nothing printed
for bad in (b"", b"m1\t10\t-\t\n", b"m1\tx\t-\t\tv@y.test\n", b"m1\t10\t?\t\tv@y.test\n", b"m1\t10\t-\t\tv@y.test"):
    out, rc, err = smtpout(SMTP, bad)
    check(rc == 100 and out == "", "bad list %r: %d %r" % (bad, rc, out))
out, rc, err = smtpout(["-m", "direct"], b"m1\t10\t-\t\tv@y.test\nm2\t10\t-\t\tu@z.test\n")
check(rc == 100 and "one domain" in err, "direct: one domain: %d %s" % (rc, err))
out, rc, err = smtpout(["-m", "direct"], b"m1\t10\t-\t\tv@y.test\nm2\t10\t-\t\tu@xn--bcher-kva.test\n")
check(rc == 100 and "one domain: u@b\u00fccher.test/u@xn--bcher-kva.test" in err, "direct: the address in its log form: %d %s" % (rc, err))
out, rc, err = smtpout(["-m", "-f", "a@b.test", "direct"], b"m1\t10\t-\t\tv@y.test\n")
check(rc == 100, "-m with -f: usage")
finish()

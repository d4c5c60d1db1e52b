# tern-smtp-in writing the queue itself (TERN_QUEUE_INJECT empty: the
# code of tern-queue-inject, in process): a message and a BDAT message are
# queued and listed; a refused message leaves no file at all, and a kill -9
# during DATA leaves only a file in tmp/ (not a queued message).
import os, re, signal, time
from smtpin import *

setup()


def real(args=()):
    s = Session(args, extra={"TERN_QUEUE_INJECT": ""})
    s.cmd("EHLO client.example.org")
    return s


def listing():
    return subprocess.run(["tern-queue", "-c", "c", "list"], capture_output=True, text=True).stdout


s = real()
s.cmd("MAIL FROM:<sender@remote.example>")
s.cmd("RCPT TO:<bob@example.com>")
s.cmd("DATA")
s.send("Subject: real\r\n\r\nhello\r\n.\r\n")
r = s.reply()
m = re.match(r"250 2\.0\.0 ok id=(\S+)$", r or "")
check(m is not None, "queued by tern-queue-inject: %r" % r)
s.send("MAIL FROM:<>\r\nRCPT TO:<alice@example.com>\r\n" + bdat("Subject: b\r\n\r\nbdat\r\n", True))
rs = [s.reply() for _ in range(3)]
m2 = re.match(r"250 2\.0\.0 ok id=(\S+)$", rs[2] or "")
check(m2 is not None, "BDAT queued: %r" % rs)
s.end()
l = listing()
check(m and m.group(1) in l and "<sender@remote.example>" in l and "<bob@example.com>" in l, "listed: %r" % l)
check(m2 and m2.group(1) in l and "<alice@example.com>" in l, "BDAT message listed: %r" % l)

# refused message and kill -9: nothing more in the queue
before = listing()
s = real()
s.cmd("MAIL FROM:<a@remote.example>")
s.cmd("RCPT TO:<bob@example.com>")
s.cmd("DATA")
s.send("Subject: x\r\n\r\n" + "ok\r\n" * 1000 + "bare\nLF\r\n.\r\n")
r = s.reply()
check(ok(r, "554", "5.6.0"), "refused: %r" % r)
tmpdir = D + "/data/queue/tmp"
check(os.listdir(tmpdir) == [], "refused: its tmp file removed: %r" % os.listdir(tmpdir))
s.cmd("MAIL FROM:<a@remote.example>")
s.cmd("RCPT TO:<bob@example.com>")
s.cmd("DATA")
s.send("Subject: partial\r\n\r\n" + "line\r\n" * 2000)
time.sleep(0.5)
s.p.send_signal(signal.SIGKILL)
s.p.wait()
time.sleep(1)
s.c.close()
ids = lambda l: sorted(x.split()[0] for x in l.split("\n") if x and x[0] != " ")
check(ids(listing()) == ids(before), "no new message after a refusal and a kill -9: %r" % listing())
check(len(os.listdir(tmpdir)) == 1, "kill -9: the partial message is a tmp file: %r" % os.listdir(tmpdir))
done()

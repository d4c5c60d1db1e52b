# tern-smtp-in as MX: configured domains and addresses only, postmaster,
# catch-all, no relay; the queue's answers; kill -9 during DATA queues nothing.
import signal, time
from smtpin import *

setup()
sh("tern-conf -c c add-domain catch.example")
with open("c/domains/catch.example", "a") as f:
    f.write("catchall alice\n")
sh("tern-conf -c c compile")

s = mx_session()
s.cmd("MAIL FROM:<a@remote.example>")
for rcpt, c, e in (("bob@example.com", "250", "2.1.5"), ("BOB@Example.COM", "250", "2.1.5"),
                   ("bob+folder@example.com", "250", "2.1.5"), ("nobody@example.com", "550", "5.1.1"),
                   ("bob@remote.example", "550", "5.7.1"), ("bob@sub.example.com", "550", "5.7.1"),
                   ("bob@[192.0.2.1]", "550", "5.7.1"), ("@relay.example:bob@example.com", "250", "2.1.5"),
                   ("bob%other.example@example.com", "550", "5.1.1"), ("whoever@catch.example", "250", "2.1.5"),
                   ("postmaster", "250", "2.1.5"), ("PostMaster@example.com", "250", "2.1.5"),
                   ("postmaster@catch.example", "250", "2.1.5"), ("abuse", "550", "5.1.1")):
    r = s.cmd("RCPT TO:<%s>" % rcpt)
    check(ok(r, c, e), "RCPT %s: %r" % (rcpt, r))
s.cmd("DATA")
s.send("Subject: x\r\n\r\nhi\r\n.\r\n")
check(ok(s.reply(), "250"), "queued")
q = queued()
check(len(q) == 1 and q[0][0][q[0][0].index("--") + 1:] ==
      ["bob@example.com", "BOB@example.com", "bob+folder@example.com", "bob@example.com",
       "whoever@catch.example", "bob@example.com", "bob@example.com", "postmaster@catch.example"],
      "recipients as given, postmaster to the postmaster account: %r" % (q[0][0] if q else q))
s.end()
check("reply=\"550 5.7.1 relaying denied\" cmd=RCPT addr=bob@remote.example" in log(), "relay refusal logged")

# the queue's answers
for fexit, c, e in (("100", "554", "5.0.0"), ("111", "451", "4.3.0"), ("0", "250", "2.0.0")):
    clearq()
    s = Session(extra={"FAKE_EXIT": fexit})
    s.cmd("EHLO x.example")
    s.cmd("MAIL FROM:<a@remote.example>")
    s.cmd("RCPT TO:<bob@example.com>")
    s.cmd("DATA")
    s.send("hi\r\n.\r\n")
    r = s.reply()
    check(ok(r, c, e), "inject exit %s: %r" % (fexit, r))
    s.end()
s = Session(extra={"TERN_QUEUE_INJECT": D + "/missing"})
s.cmd("EHLO x.example")
s.cmd("MAIL FROM:<a@remote.example>")
s.cmd("RCPT TO:<bob@example.com>")
r = s.cmd("DATA")
if r.startswith("354"):
    s.send("hi\r\n.\r\n")
    r = s.reply()
check(ok(r, "451", "4.3.0"), "no inject: %r" % r)
s.end()

# kill -9 during DATA: the fake inject reads all, pauses (its "fsync"),
# then commits; the server's death must kill it first
for pause in ("0", "1"):
    clearq()
    s = Session(extra={"FAKE_PAUSE": pause})
    s.cmd("EHLO x.example")
    s.cmd("MAIL FROM:<a@remote.example>")
    s.cmd("RCPT TO:<bob@example.com>")
    s.cmd("DATA")
    s.send("Subject: partial\r\n\r\n" + "line\r\n" * 1000)
    for _ in range(50):
        if any(n.endswith(".started") for n in os.listdir("q")):
            break
        time.sleep(0.1)
    time.sleep(0.3)
    s.p.send_signal(signal.SIGKILL)
    s.p.wait()
    time.sleep(1.5 + float(pause))
    check(not any(n.endswith(".msg") for n in os.listdir("q")), "kill -9 in DATA (pause %s): nothing committed: %r" % (pause, os.listdir("q")))
    s.c.close()

# an aborted message (bad data) kills inject before it commits, even a slow one
clearq()
s = Session(extra={"FAKE_PAUSE": "1"})
s.cmd("EHLO x.example")
s.cmd("MAIL FROM:<a@remote.example>")
s.cmd("RCPT TO:<bob@example.com>")
s.cmd("DATA")
s.send("Subject: x\r\n\r\n" + "ok\r\n" * 100 + "bad\nline\r\n.\r\n")
check(ok(s.reply(), "554", "5.6.0"), "bad message refused")
time.sleep(2)
check(not any(n.endswith(".msg") for n in os.listdir("q")), "aborted message: nothing committed")
s.end()
done()

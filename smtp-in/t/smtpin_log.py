# tern-smtp-in's log, with the real queue (no fake inject): one accept line
# per message with its queue id, the sender and every recipient in log form
# (both forms of an IDN domain); a temporary failure logs why (the errno
# text and the path): a queue that is a file, a data directory the session's
# user cannot write (as nobody), a write that fails (RLIMIT_FSIZE), a
# configuration that cannot be read, a TLS helper that is not there.
import os, resource, shutil, signal, subprocess, tempfile
from smtpin import *

setup()
sh("tern-conf -c c add-domain b\u00fccher.example")
sh("tern-conf -c c add-address alice j\u00f8rn@b\u00fccher.example")
sh("tern-conf -c c add-address alice alice@b\u00fccher.example")
sh("tern-conf -c c compile")
REAL = {"TERN_QUEUE_INJECT": ""}


def send(s, rcpts, body="Subject: x\r\n\r\nhi\r\n", utf8=False):
    s.cmd("MAIL FROM:<a@remote.example>" + (" SMTPUTF8" if utf8 else ""))
    for r in rcpts:
        check(ok(s.cmd("RCPT TO:<%s>" % r), "250"), "RCPT %s" % r)
    r = s.cmd("DATA")
    if not ok(r, "354"):
        return r
    s.send(body + ".\r\n")
    return s.reply(20)


def lastwarn():
    w = [l for l in log().splitlines() if ": warning: " in l]
    return w[-1] if w else ""


# the accept line
s = Session(extra=REAL)
s.cmd("EHLO client.example.org")
r = send(s, ["bob@example.com", "alice@xn--bcher-kva.example", "j\u00f8rn@b\u00fccher.example"], utf8=True)
check(ok(r, "250") and "id=" in r, "accepted: %r" % r)
qid = r.split("id=")[1] if r else "?"
todo = os.listdir("data/queue/todo") if os.path.isdir("data/queue/todo") else []
check(todo == [qid], "the reply's id is the queued file: %r %r" % (qid, todo))
acc = [l for l in log().splitlines() if " accept " in l]
want = ('rcpt="<bob@example.com>,<alice@b\u00fccher.example/alice@xn--bcher-kva.example>,'
        '<j\u00f8rn@b\u00fccher.example/\\"j\\\\u00f8rn\\"@xn--bcher-kva.example>"')
check(len(acc) == 1 and (" id=%s " % qid) in acc[0] and " from=<a@remote.example> " in acc[0]
      and " nrcpt=3 " in acc[0] and want in acc[0], "one accept line with id, from, every rcpt: %r" % acc)
r = send(s, ["postmaster@example.com"])
acc = [l for l in log().splitlines() if " accept " in l]
check(len(acc) == 2 and 'rcpt=<bob@example.com>' in acc[1], "postmaster: the queued address: %r" % acc[-1:])
s.end()

# the queue is a file: 451, and the log says where and why
shutil.rmtree("data/queue")
open("data/queue", "w").close()
s = Session(extra=REAL)
s.cmd("EHLO client.example.org")
r = send(s, ["bob@example.com"])
check(ok(r, "451", "4.3.0"), "queue is a file: %r" % r)
w = lastwarn()
check("Not a directory" in w and ("path=%s/data/queue/tmp" % D) in w, "queue is a file: cause logged: %r" % w)
s.end()
os.unlink("data/queue")

# as nobody on a root-owned data directory
top = tempfile.mkdtemp(prefix="tern-smtpin-log.")
try:
    os.chmod(top, 0o755)
    sh("tern-conf -c %s/c init mail.example.com %s/data" % (top, top))
    sh("tern-conf -c %s/c add-domain example.com && tern-conf -c %s/c add-account bob bob@example.com" % (top, top))
    sh("tern-conf -c %s/c compile && mkdir %s/data && chmod -R a+rX %s" % (top, top, top))
    s = Session(extra=REAL, conf=top + "/c", prefix=("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"))
    s.cmd("EHLO client.example.org")
    r = send(s, ["bob@example.com"])
    check(ok(r, "451", "4.3.0"), "as nobody: %r" % r)
    w = lastwarn()
    check("Permission denied" in w and ("path=%s/data/queue" % top) in w, "as nobody: cause logged: %r" % w)
    s.end()
finally:
    shutil.rmtree(top)

# a write that fails: files of at most 2 KiB (SIGXFSZ ignored)
def small():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


s = Session(extra=REAL, preexec_fn=small)
s.cmd("EHLO client.example.org")
r = send(s, ["bob@example.com"], "Subject: x\r\n\r\n" + ("y" * 70 + "\r\n") * 200)
check(ok(r, "451", "4.3.0"), "write fails: %r" % r)
w = lastwarn()
check("File too large" in w and ("path=%s/data/queue/tmp/" % D) in w, "write fails: cause logged: %r" % w)
s.end()

# the TLS helper's control fd is not open: the session ends, and says why
s = Session(extra={"SSLCTLFD": "37", "SSLREADFD": "38", "SSLWRITEFD": "39"})
s.cmd("EHLO client.example.org")
check(ok(s.cmd("STARTTLS"), "220"), "STARTTLS: 220")
check(s.closed() and s.end() == 111, "no helper: closed, exit 111")
w = lastwarn()
check("op=write path=SSLCTLFD" in w and "Bad file descriptor" in w, "no helper: cause logged: %r" % w)

# the configuration cannot be read any more: 451 at MAIL, and why
s = Session(extra=REAL)
s.cmd("EHLO client.example.org")
os.rename("c/config.cdb", "c/config.cdb.good")
os.mkdir("c/config.cdb")
r = s.cmd("MAIL FROM:<a@remote.example>")
check(ok(r, "451", "4.3.0"), "unreadable config: %r" % r)
w = lastwarn()
check(("path=%s/c/config.cdb" % D) in w or "path=c/config.cdb" in w, "unreadable config: cause logged: %r" % w)
s.end()
os.rmdir("c/config.cdb")
os.rename("c/config.cdb.good", "c/config.cdb")
done()

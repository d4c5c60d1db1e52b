# smtpin.py: helpers for the tests of tern-smtp-in (smtpin-*.test run the
# group files smtpin_GROUP.py, which import this).  A configuration with
# example.com (bob, alice; postmaster bob), a fake tern-queue-inject that
# saves argv and the message and commits by rename at end of input, and a
# session driver over a socketpair.  Prints "N passed, N failed".
import os, re, select, signal, socket, subprocess, sys, time

D = os.getcwd()
MAXSIZE = 20000


import sys as _sys
_sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check, freeport


def done():
    terntest.report()
    sys.exit(0)


def sh(cmd, inp=None):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True, input=inp)
    assert r.returncode == 0, (cmd, r.stdout, r.stderr)
    return r.stdout


# The fake inject: "started" when it runs, then the message is committed by
# rename only after stdin ended and a pause (standing for fsync).
FAKE = """#!/bin/sh
n=$$
printf '%s\\n' "$@" > "$Q/$n.args"
: > "$Q/$n.started"
cat > "$Q/$n.tmp" || exit 111
sleep ${FAKE_PAUSE:-0}
mv "$Q/$n.tmp" "$Q/$n.msg"
echo "fake$n"
exit ${FAKE_EXIT:-0}
"""


def setup(pw="bob password"):
    sh("tern-conf -c c init mail.example.com %s/data" % D)
    sh("tern-conf -c c add-domain example.com")
    sh("tern-conf -c c add-account bob bob@example.com")
    sh("tern-conf -c c add-account alice alice@example.com")
    with open("c/tern.conf", "a") as f:
        f.write("postmaster bob\nmax-message-size %d\n" % MAXSIZE)
    sh("tern-conf -c c compile")
    sh("tern-passwd -c c bob", pw + "\n")
    os.makedirs("q", exist_ok=True)
    with open("inject", "w") as f:
        f.write(FAKE)
    os.chmod("inject", 0o755)


def setup_serial():
    """setup(), then one delivery at a time (queue-concurrency 1: one
    worker); the queue's directory"""
    setup()
    with open("c/tern.conf", "a") as f:
        f.write("queue-concurrency 1\n")
    sh("tern-conf -c c compile")
    return D + "/data/queue"


def mailfiles(who, sub="cur"):
    """{path: bytes} of the files in sub/ (cur or tmp) of each of account
    who's mailboxes (after setup())"""
    out, base = {}, D + "/data/accounts/" + who + "/mail"
    for mb in os.listdir(base) if os.path.isdir(base) else ():
        d = base + "/" + mb + "/" + sub
        for f in os.listdir(d) if os.path.isdir(d) else ():
            try: out[d + "/" + f] = open(d + "/" + f, "rb").read()
            except OSError: pass
    return out


def qempty():
    """the queue of setup() holds no message (todo/ and mess/ empty)"""
    q = D + "/data/queue"
    return not [n for d in ("todo", "mess") for n in os.listdir(q + "/" + d)]


def queued():
    """[(argv list, message bytes)] committed by the fake inject, oldest first."""
    out = []
    names = sorted((n for n in os.listdir("q") if n.endswith(".msg")),
                   key=lambda n: os.stat("q/" + n).st_mtime)
    for n in names:
        args = open("q/" + n[:-4] + ".args").read().split("\n")[:-1]
        out.append((args, open("q/" + n, "rb").read()))
    return out


def clearq():
    for n in os.listdir("q"):
        os.unlink("q/" + n)


def env(extra=None):
    e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "192.0.2.7", "TCPLOCALIP": "127.0.0.1",
         "TERN_QUEUE_INJECT": D + "/inject", "Q": D + "/q"}
    e.update(extra or {})
    return e


class Session:
    """tern-smtp-in ARGS on one end of a socketpair (after the command
    prefix, such as setpriv; popen: more arguments of Popen)."""

    def __init__(self, args=(), extra=None, greet=True, conf="c", prefix=(), **popen):
        self.c, s = socket.socketpair()
        self.p = subprocess.Popen(list(prefix) + ["tern-smtp-in", "-c", conf] + list(args), stdin=s, stdout=s,
                                  stderr=open("log", "ab"), env=env(extra), **popen)
        s.close()
        self.buf = b""
        if greet:
            self.greeting = self.reply()

    def send(self, b):
        self.c.sendall(b if isinstance(b, bytes) else b.encode())

    def line(self, timeout=10):
        end = time.time() + timeout
        while b"\n" not in self.buf:
            left = end - time.time()
            if left <= 0 or not select.select([self.c], [], [], left)[0]:
                return None
            d = self.c.recv(65536)
            if not d:
                return None
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return l.decode(errors="replace").rstrip("\r")

    def reply(self, timeout=10):
        """The next whole reply as one string (lines joined by |), or None."""
        lines = []
        while True:
            l = self.line(timeout)
            if l is None:
                return None
            lines.append(l)
            if len(l) < 4 or l[3] != "-":
                return "|".join(lines)

    def cmd(self, c, timeout=10):
        self.send(c + "\r\n")
        return self.reply(timeout)

    def onemsg(self, n):
        """message n (Subject tN, X-Seq: N) from sender@remote.example to
        bob@example.com, then QUIT; the reply to its end of data"""
        self.cmd("EHLO client.example.org")
        self.cmd("MAIL FROM:<sender@remote.example>")
        self.cmd("RCPT TO:<bob@example.com>")
        self.cmd("DATA")
        r = self.cmd("Subject: t%d\r\nX-Seq: %d\r\n\r\nbody %d\r\n." % (n, n, n), timeout=60) or ""
        self.send("QUIT\r\n")
        self.c.close()
        self.p.wait()
        return r

    def closed(self, timeout=10):
        """True if the server closed the connection (EOF) within timeout;
        a reset (it closed with our bytes unread) is a close too."""
        end = time.time() + timeout
        while select.select([self.c], [], [], max(0, end - time.time()))[0]:
            try:
                if not self.c.recv(65536):
                    return True
            except ConnectionResetError:
                return True
            if time.time() > end:
                break
        return False

    def end(self):
        self.c.close()
        try:
            return self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return "timeout"


def code(r):
    return [r[:3], r[4:].split(" ")[0]] if r else None


def bdat(chunk, last=False):
    return "BDAT %d%s\r\n%s" % (len(chunk.encode()), " LAST" if last else "", chunk)


def ok(r, c, e=None):
    """reply r has code c (and enhanced code e)"""
    return r is not None and r.startswith(c) and (e is None or r[4:].startswith(e))


def mx_session():
    s = Session()
    s.cmd("EHLO client.example.org")
    return s


def log():
    return open("log").read() if os.path.exists("log") else ""

# common.py: what the tern-imap tests share: check(), a config with
# accounts bob and eve, store delivery, an imaplib client over a socketpair.
import imaplib, os, socket, subprocess, sys, time

D = os.getcwd()
BIN = os.environ["TERN_BIN"]


import sys as _sys
_sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check


def sh(cmd, inp=None):
    return subprocess.run(cmd, shell=True, capture_output=True, input=inp)


class T(imaplib.IMAP4):
    def __init__(self, env=None):
        self.env = env or {}
        imaplib.IMAP4.__init__(self)

    def open(self, host="", port=0, timeout=None):
        a, b = socket.socketpair()
        e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "127.0.0.1"}
        e.update(self.env)
        self.proc = subprocess.Popen(["tern-imap", "-c", D + "/c"], stdin=b, stdout=b, env=e)
        b.close()
        self.sock = a
        self.file = a.makefile("rb")

    def raw(self, data):
        self.sock.sendall(data)


def setup():
    for c in ["tern-conf -c c init mail.example.com %s/data" % D, "tern-conf -c c add-domain example.com",
              "tern-conf -c c add-account bob bob@example.com", "tern-conf -c c add-account eve eve@example.com"]:
        r = sh(c)
        assert r.returncode == 0, r.stderr
    sh("tern-passwd -c c bob", b"bob-password\n")
    sh("tern-passwd -c c eve", b"eve-password\n")


def deliver(acct, box, msg):
    r = sh("%s/t/deliver data/accounts/%s %s" % (BIN, acct, box), msg)
    return int(r.stdout)


MSG = (b"From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: hello %d\r\n"
       b"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <m%d@x>\r\n\r\nbody text %d\r\n")



def ok(r):
    """the tagged line of a Raw answer (untagged lines, tagged line) is OK"""
    return r[1].split(b" ")[1:2] == [b"OK"]


class Raw:
    """A raw IMAP client: cmd() returns (untagged lines, tagged line)."""

    def __init__(self, env=None, stderr=None):
        a, b = socket.socketpair()
        e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "127.0.0.1"}
        e.update(env or {})
        self.proc = subprocess.Popen(["tern-imap", "-c", D + "/c"], stdin=b, stdout=b, env=e, stderr=stderr)
        b.close()
        self.sock = a
        self.f = a.makefile("rb")
        self.n = 0
        self.greeting = self.line()

    def line(self):
        l = self.f.readline()
        while l.endswith(b"}\r\n") and b"{" in l:
            n = int(l[l.rindex(b"{") + 1:-3])
            l += self.f.read(n) + self.f.readline()
        return l

    def send(self, data):
        self.sock.sendall(data)

    def cmd(self, text):
        self.n += 1
        tag = b"t%d" % self.n
        self.send(tag + b" " + (text if isinstance(text, bytes) else text.encode()) + b"\r\n")
        return self.until(tag)

    def expect(self, text, lines, what, sort=False):
        """one check: the untagged lines of text's answer are lines (in any
        order with sort), named what and showing the answer; the answer"""
        r = self.cmd(text)
        check((sorted(r[0]) if sort else r[0]) == lines, "%s: %r" % (what, r))
        return r

    def ok(self, text, what):
        """one check: text's answer is a tagged OK, named what and showing
        the answer; the answer"""
        r = self.cmd(text)
        check(ok(r), "%s: %r" % (what, r))
        return r

    def append(self, box, msg, date=None):
        """APPEND msg (a LITERAL+ literal) to box; the tagged line"""
        self.n += 1
        tag = b"t%d" % self.n
        d = b' "' + date.encode() + b'"' if date else b""
        self.send(tag + b" APPEND " + box.encode() + d + b" {%d+}\r\n" % len(msg) + msg + b"\r\n")
        return self.until(tag)[1]

    def until(self, tag):
        out = []
        while True:
            l = self.line()
            if not l:
                return out, b""
            if l.startswith(tag + b" "):
                return out, l
            out.append(l)


def listener(*opts, stderr=None):
    """tern-imap under tern-listen (options opts) on a free port of
    127.0.0.1, accepting connections; (process, port)."""
    port = terntest.freeport()
    p = subprocess.Popen(["tern-listen"] + list(opts) + ["127.0.0.1", str(port), "tern-imap", "-c", D + "/c"],
                         stderr=stderr)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            break
        except OSError:
            time.sleep(0.1)
    return p, port


def mbsyncrc(port, rc="mbsyncrc", mail="mail"):
    """rc (mbsyncrc): bob's mailboxes through port, Maildirs in mail/ (Sync All)"""
    with open(rc, "w") as f:
        f.write("""IMAPAccount tern
Host 127.0.0.1
Port %d
User bob
Pass bob-password
SSLType None
AuthMechs PLAIN LOGIN

IMAPStore far
Account tern

MaildirStore near
Path %s/%s/
Inbox %s/%s/INBOX
SubFolders Verbatim

Channel c
Far :far:
Near :near:
Patterns *
Create Both
Expunge Both
Sync All
SyncState *
""" % (port, D, mail, D, mail))

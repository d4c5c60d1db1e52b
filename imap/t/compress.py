# compress.py: COMPRESS=DEFLATE (RFC 4978): a raw client with zlib
# (wbits -15) does LOGIN, SELECT, FETCH, APPEND of a large literal and IDLE
# through deflate; a second COMPRESS is NO, an unknown mechanism BAD; a
# decompression bomb leaves memory bounded; mbsync uses it.
# Prints "N passed, N failed".
import os, socket, subprocess, sys, time, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, MSG, D, ok


class Z(common.Raw):
    """A raw IMAP client that can switch to deflate both ways."""

    def __init__(self):
        self.z = None
        self.rbuf = self.wire = b""
        self.wire_in = 0
        common.Raw.__init__(self, stderr=subprocess.PIPE)
        self.sock.settimeout(60)

    def on(self):
        self.z = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.d = zlib.decompressobj(-15)
        rest, self.rbuf = self.rbuf, b""
        self.rbuf = self.d.decompress(rest)

    def send(self, data, flush=True):
        if self.z:
            data = self.z.compress(data) + (self.z.flush(zlib.Z_SYNC_FLUSH) if flush else b"")
        self.sock.sendall(data)

    def more(self):
        try:
            b = self.sock.recv(65536)
        except ConnectionResetError:   # what an unread reply became
            b = b""
        if not b:
            return False
        self.wire_in += len(b)
        self.wire += b
        self.rbuf += self.d.decompress(b) if self.z else b
        return True

    def line(self):
        while b"\n" not in self.rbuf:
            if not self.more():
                r, self.rbuf = self.rbuf, b""
                return r
        i = self.rbuf.index(b"\n") + 1
        l, self.rbuf = self.rbuf[:i], self.rbuf[i:]
        if l.endswith(b"}\r\n") and b"{" in l:
            n = int(l[l.rindex(b"{") + 1:-3])
            while len(self.rbuf) < n:
                if not self.more():
                    break
            l += self.rbuf[:n]
            self.rbuf = self.rbuf[n:]
            l += self.line()
        return l


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmHWM:"):
                return int(l.split()[1])
    return 0


def basic():
    for i in range(1, 4):
        deliver("bob", "Inbox", MSG % (i, i, i))
    c = Z()
    check(b"COMPRESS" not in c.greeting, "no COMPRESS before login: %r" % c.greeting)
    r = c.cmd("COMPRESS DEFLATE")
    check(r[1].split(b" ")[1:2] in ([b"NO"], [b"BAD"]), "COMPRESS before login refused: %r" % (r,))
    check(ok(c.cmd("LOGIN bob bob-password")), "LOGIN")
    r = c.cmd("CAPABILITY")
    check(b" COMPRESS=DEFLATE" in r[0][0], "CAPABILITY after login lists COMPRESS=DEFLATE: %r" % (r,))
    r = c.cmd("COMPRESS GZIP")
    check(r[1].split(b" ")[1:2] == [b"BAD"], "unknown mechanism BAD: %r" % (r,))
    # the OK, then deflate: a command pipelined right behind COMPRESS is
    # already compressed
    c.n += 1
    c.sock.sendall(b"t%d COMPRESS DEFLATE\r\n" % c.n)
    l = c.line()
    check(l.startswith(b"t%d OK" % c.n), "COMPRESS DEFLATE OK: %r" % l)
    c.on()
    r = c.cmd("SELECT Inbox")
    check(ok(r) and b"* 3 EXISTS\r\n" in r[0], "SELECT through deflate: %r" % (r,))
    w0 = c.wire
    r = c.cmd("FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    w = c.wire[len(w0):]
    check(w.count(b"\x00\x00\xff\xff") == 1 and w.endswith(b"\x00\x00\xff\xff"),
          "one sync flush for the burst of 4 lines, at its end: %r" % w)
    check(ok(r) and len(r[0]) == 3 and b"hello 3" in r[0][2], "FETCH through deflate: %r" % (r,))
    r = c.cmd("COMPRESS DEFLATE")
    check(r[1].split(b" ", 1)[1].startswith(b"NO [COMPRESSIONACTIVE]"), "second COMPRESS NO [COMPRESSIONACTIVE]: %r" % (r,))
    big = b"Subject: big\r\n\r\n" + b"".join(b"line %07d of a large appended message\r\n" % i for i in range(60000))
    c.n += 1
    c.send(b"t8 APPEND Inbox {%d}\r\n" % len(big))
    l = c.line()
    check(l.startswith(b"+ "), "APPEND continuation through deflate: %r" % l)
    c.send(big[:100000], flush=False)
    c.send(big[100000:] + b"\r\n")
    r = c.until(b"t8")
    check(ok(r), "APPEND of %d bytes through deflate: %r" % (len(big), r))
    r = c.cmd("NOOP")
    r2 = c.cmd("FETCH 4 (RFC822.SIZE BODY.PEEK[])")
    check(ok(r2) and big in b"".join(r2[0]), "the large message reads back whole: %r" % (r2[1],))
    check(c.wire_in * 5 < len(big), "the reply was compressed (%d bytes on the wire)" % c.wire_in)
    c.n += 1
    c.send(b"t11 IDLE\r\n")
    check(c.line().startswith(b"+ "), "IDLE through deflate")
    deliver("bob", "Inbox", MSG % (5, 5, 5))
    l = c.line()
    check(l == b"* 5 EXISTS\r\n", "IDLE reports a delivery through deflate (flushed): %r" % l)
    c.send(b"DONE\r\n")
    r = c.until(b"t11")
    check(ok(r), "IDLE DONE: %r" % (r,))
    # pipelined commands in one compressed block: all answered
    c.send(b"p1 NOOP\r\np2 NOOP\r\np3 NOOP\r\n")
    r = c.until(b"p3")
    check(ok(r) and sum(1 for x in r[0] if x.startswith(b"p")) == 2, "pipelined commands: %r" % (r,))
    r = c.cmd("LOGOUT")
    check(ok(r) and r[0][:1] == [b"* BYE logging out\r\n"] or ok(r), "LOGOUT: %r" % (r,))
    check(c.proc.wait(timeout=60) == 0, "exit 0")


def bomb():
    c = Z()
    c.cmd("LOGIN bob bob-password")
    c.n += 1
    c.sock.sendall(b"t2 COMPRESS DEFLATE\r\n")
    check(c.line().startswith(b"t2 OK"), "COMPRESS OK")
    c.on()
    before = rss(c.proc.pid)
    # 400 MB of one line from about 400 kB: dropped as too long, memory flat
    c.sock.sendall(c.z.compress(b"t3 NOOP "))
    for _ in range(400):
        c.sock.sendall(c.z.compress(b"A" * (1 << 20)))
    c.send(b"\r\n")
    l = c.line()
    check(l.startswith(b"t3 BAD") and b"too long" in l, "a 400 MB line from a bomb is BAD: %r" % l)
    after = rss(c.proc.pid)
    print("bomb: VmHWM %d kB before, %d kB after 400 MB inflated" % (before, after))
    check(after - before < 4096, "memory stayed bounded (VmHWM %d kB before, %d kB after)" % (before, after))
    r = c.cmd("NOOP")
    check(ok(r), "the session goes on: %r" % (r,))
    # a literal far beyond the limit: refused, the session closes
    c.send(b"t5 LOGIN {900000000+}\r\n" + b"A" * 100000)
    r = c.until(b"t5")
    check(r[1].startswith(b"t5 BAD") and not c.more(), "an over-long literal+ through deflate is BAD: %r" % (r,))
    check(c.proc.wait(timeout=60) == 100, "and the session ends (exit 100)")
    # corrupt deflate data: the session ends, temporary for nothing
    c = Z()
    c.cmd("LOGIN bob bob-password")
    c.cmd("COMPRESS DEFLATE")
    c.on()
    c.sock.sendall(b"\xff\xff\xff\xff garbage")
    check(c.proc.wait(timeout=60) == 100, "corrupt deflate input ends the session (exit 100)")
    check(b"bad compressed data" in c.proc.stderr.read(), "and says why")


def plainlit():
    """the BAD for an over-long LITERAL+ goes out before the session ends,
    also with input behind it (it was lost: no flush with input pending)"""
    c = Z()
    c.sock.sendall(b"t1 LOGIN {900000000+}\r\n" + b"A" * 100000)
    r = c.until(b"t1")
    check(r[1].startswith(b"t1 BAD"), "an over-long literal+ is BAD, flushed before the end: %r" % (r,))
    check(c.proc.wait(timeout=60) == 100, "and the session ends (exit 100)")


def mbsync():
    """mbsync (isync) uses COMPRESS=DEFLATE when offered: a pull through it"""
    for i in range(6, 9):
        deliver("bob", "Inbox", MSG % (i, i, i))
    os.makedirs("mail/INBOX", exist_ok=True)
    p, port = common.listener()
    common.mbsyncrc(port)
    try:
        r = subprocess.run(["mbsync", "-Dn", "-c", "mbsyncrc", "-a"], capture_output=True, text=True, timeout=120)
    finally:
        p.terminate()
        p.wait()
    out = r.stdout + r.stderr
    check(r.returncode == 0, "mbsync exit 0: %s" % out[-500:])
    check("COMPRESS DEFLATE" in out, "mbsync sent COMPRESS DEFLATE: %s" % out[-2000:])
    n = len(os.listdir(os.path.join(D, "mail", "INBOX", "cur"))) + len(os.listdir(os.path.join(D, "mail", "INBOX", "new")))
    check(n == 8, "mbsync pulled all 8 of Inbox through deflate: %d" % n)


setup()
basic()
bomb()
plainlit()
mbsync()
common.terntest.report()

# starttls.py: tern-imap behind tern-tls (STARTTLS mode) from a
# non-loopback address: LOGINDISABLED before TLS, login after it.
# Prints "N passed, N failed".
import imaplib, os, socket, ssl, subprocess

D = os.getcwd()


import sys as _sys
_sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check


def sh(cmd, inp=None):
    return subprocess.run(cmd, shell=True, capture_output=True, input=inp)


class T(imaplib.IMAP4):
    def open(self, host="", port=0, timeout=None):
        self.host = host
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        self.sock = socket.create_connection(ls.getsockname())
        s, _ = ls.accept()
        e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "192.0.2.7"}
        self.proc = subprocess.Popen(["tern-tls", "-k", "k.pem", "-c", "c.pem", "tern-imap", "-c", D + "/c"],
                                     stdin=s, stdout=s, env=e)
        s.close()
        ls.close()
        self.file = self.sock.makefile("rb")


r = sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -out c.pem"
       " -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost")
assert r.returncode == 0, r.stderr
for c in ["tern-conf -c c init mail.example.com %s/data" % D, "tern-conf -c c add-domain example.com",
          "tern-conf -c c add-account bob bob@example.com"]:
    assert sh(c).returncode == 0
sh("tern-passwd -c c bob", b"bob-password\n")
m = T("localhost")
caps = m.capability()[1][0]
check(b"STARTTLS" in caps and b"LOGINDISABLED" in caps and b"AUTH=" not in caps, "before TLS: %r" % caps)
try:
    m.login("bob", "bob-password")
    check(False, "login before TLS refused")
except imaplib.IMAP4.error as e:
    check(b"PRIVACYREQUIRED" in str(e).encode(), "login before TLS refused: %s" % e)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations("c.pem")
typ, _ = m.starttls(ctx)
check(typ == "OK", "STARTTLS")
caps = m.capability()[1][0]
check(b"STARTTLS" not in caps and b"LOGINDISABLED" not in caps and b"AUTH=SCRAM-SHA-256" in caps, "after TLS: %r" % caps)
typ, _ = m.login("bob@example.com", "bob-password")
check(typ == "OK", "login over TLS")
typ, data = m.select("Inbox")
check(typ == "OK", "select over TLS")
# COMPRESS=DEFLATE inside TLS (tern-imap deflates on tern-tls's fds)
import zlib
m.sock.sendall(b"z1 COMPRESS DEFLATE\r\n")
check(m.file.readline().startswith(b"z1 OK"), "COMPRESS inside TLS")
zo, zi = zlib.compressobj(6, zlib.DEFLATED, -15), zlib.decompressobj(-15)
m.sock.sendall(zo.compress(b"z2 NOOP\r\nz3 LOGOUT\r\n") + zo.flush(zlib.Z_SYNC_FLUSH))
got = b""
while b"z3 OK" not in got:
    b = m.file.read1(65536)
    if not b:
        break
    got += zi.decompress(b)
check(b"z2 OK" in got and b"* BYE" in got and b"z3 OK" in got, "commands deflated inside TLS: %r" % got)
m.shutdown()
check(m.proc.wait(10) == 0, "tern-tls exit 0")


class S(imaplib.IMAP4_SSL):
    """implicit TLS: tern-tls -S in front of tern-imap"""

    def open(self, host="", port=0, timeout=None):
        self.host = host
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        raw = socket.create_connection(ls.getsockname())
        s, _ = ls.accept()
        e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "192.0.2.7"}
        self.proc = subprocess.Popen(["tern-tls", "-S", "-k", "k.pem", "-c", "c.pem", "tern-imap", "-c", D + "/c"],
                                     stdin=s, stdout=s, env=e)
        s.close()
        ls.close()
        self.sock = self.ssl_context.wrap_socket(raw, server_hostname=host)
        self.file = self.sock.makefile("rb")


m = S("localhost", ssl_context=ctx)
caps = m.capability()[1][0]
check(b"STARTTLS" not in caps and b"LOGINDISABLED" not in caps and b"AUTH=PLAIN" in caps, "implicit TLS capabilities: %r" % caps)
typ, _ = m.login("bob", "bob-password")
check(typ == "OK", "login over implicit TLS")
m.logout()
check(m.proc.wait(10) == 0, "tern-tls -S exit 0")

def tlsraw():
    """tern-tls (STARTTLS mode) and tern-imap on a connected socket, the
    greeting read: (socket, process)"""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname())
    s, _ = ls.accept()
    e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "192.0.2.7"}
    p = subprocess.Popen(["tern-tls", "-k", "k.pem", "-c", "c.pem", "tern-imap", "-c", D + "/c"],
                         stdin=s, stdout=s, stderr=open("tlsraw.err", "ab"), env=e)
    s.close()
    ls.close()
    c.settimeout(30)
    rawline(c)
    return c, p


def rawline(c):
    """one line read a byte at a time (nothing past it), b"" on timeout or EOF"""
    l = b""
    try:
        while not l.endswith(b"\n"):
            b = c.recv(1)
            if not b:
                break
            l += b
    except OSError:
        pass
    return l


def tlslines(t, tag):
    """lines read over TLS up to the one tagged tag"""
    out, f = [], t.makefile("rb")
    while True:
        l = f.readline()
        out.append(l)
        if not l or l.startswith(tag + b" "):
            return out


# STARTTLS alone, then with a command pipelined behind it in the same
# write: the OK goes out in plaintext before the hand-over, and what came
# after STARTTLS is discarded, never run inside TLS (CVE-2011-0411 class)
for pipelined in (False, True):
    what = "pipelined" if pipelined else "alone"
    c, p = tlsraw()
    t = None
    c.sendall(b"a1 STARTTLS\r\n" + (b"a2 NOOP\r\n" if pipelined else b""))
    l = rawline(c)
    check(l == b"a1 OK begin TLS now\r\n", "STARTTLS %s: plaintext reply: %r" % (what, l))
    try:
        t = ctx.wrap_socket(c, server_hostname="localhost")
        t.sendall(b"a3 NOOP\r\n")
        out = tlslines(t, b"a3")
    except (OSError, ssl.SSLError) as e:
        out = [repr(e).encode()]
    check(out and out[-1].startswith(b"a3 OK"), "STARTTLS %s: NOOP over TLS: %r" % (what, out))
    check(not any(l.startswith(b"a1 ") or l.startswith(b"a2 ") for l in out),
          "STARTTLS %s: no plaintext command answered inside TLS: %r" % (what, out))
    (t or c).close()
    try:
        rc = p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    check(rc == 0, "STARTTLS %s: tern-tls exit 0 (%r)" % (what, rc))
log = open("tlsraw.err", "rb").read()
check(log.count(b"discarded") == 1 and b"plaintext after STARTTLS" in log, "the discard is logged once: %r" % log)
terntest.report()

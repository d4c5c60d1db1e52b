# tlsc.py: scripted tests of tern-tlsc on loopback against tern-tls as the
# server (self-signed certificates made here).  tern-tlsc runs in helper
# mode (fds 3/4/5, as tern-smtp-out uses it) and with a prog.
# Prints "N passed, N failed".  Runs in an empty temp dir.
import hashlib, os, socket, subprocess, sys, threading, time



import sys as _sys
_sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True)


def gencerts():
    for name, cn in (("srv", "localhost"), ("other", "other.test")):
        r = sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s.key"
               " -out %s.crt -days 30 -subj /CN=%s -addext subjectAltName=DNS:%s" % (name, name, cn, cn))
        assert r.returncode == 0, r.stderr
    r = sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt -days 30"
           " -subj /CN=localhost -addext subjectAltName=DNS:localhost")
    assert r.returncode == 0, r.stderr


SERVER_STARTTLS = r'''
import os, sys
os.write(1, b"220 hello\r\n")
l = os.read(0, 100)
if l != b"STARTTLS\r\n": sys.exit(3)
os.write(1, b"220 go\r\n")
os.write(int(os.environ["SSLCTLFD"]), b"Y")
facts = os.read(int(os.environ["SSLCTLFD"]), 512)
r, w = int(os.environ["SSLREADFD"]), int(os.environ["SSLWRITEFD"])
os.write(w, b"secure " + facts.split(b"\0")[0] + b"\r\n")
while True:
    d = os.read(r, 65536)
    if not d: break
    os.write(w, d)
'''


def server(args):
    """tern-tls ARGS on a loopback listener; returns (port, thread)."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)

    def run():
        s, _ = ls.accept()
        p = subprocess.Popen(["tern-tls"] + args, stdin=s, stdout=s, stderr=subprocess.DEVNULL)
        s.close()
        ls.close()
        p.wait()
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return ls.getsockname()[1], t


class Helper:
    """tern-tlsc without prog: we keep the socket and fds 3/4/5's other ends."""
    def __init__(self, port, args):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.ctl, ctl = socket.socketpair()
        wr, self.w = os.pipe()   # helper reads fd 4
        self.r, ww = os.pipe()   # helper writes fd 5
        # bash puts them on 3/4/5: no fd juggling in a forked python child
        a, b, c = ctl.fileno(), wr, ww
        sh = ('exec 253<&%d 254<&%d 255>&%d %d<&- %d<&- %d>&- ; exec 3<&253 4<&254 5>&255 253<&- 254<&- 255>&- ; '
              'exec tern-tlsc "$@"' % (a, b, c, a, b, c))
        self.p = subprocess.Popen(["bash", "-c", sh, "tern-tlsc"] + args, stdin=self.sock, stdout=self.sock,
                                  stderr=subprocess.PIPE, pass_fds=(a, b, c))
        ctl.close(); os.close(wr); os.close(ww)

    def facts(self, cmd=b"Y"):
        if cmd: self.ctl.sendall(cmd)
        out = b""
        while True:
            d = self.ctl.recv(512)
            if not d: break
            out += d
        return out

    def close_w(self):
        if self.w >= 0:
            os.close(self.w)
            self.w = -1   # never twice: the number may belong to another fd by now

    def readall(self, n=None):
        out = b""
        while n is None or len(out) < n:
            d = os.read(self.r, 65536)
            if not d: break
            out += d
        return out

    def finish(self):
        self.close_w()
        rest = self.readall()
        err = self.p.stderr.read().decode()
        return rest, self.p.wait(), err


def implicit(args, label):
    port, t = server(["-S", "-k", "srv.key", "-c", "srv.crt", "cat"])
    h = Helper(port, ["-S"] + args)
    facts = h.facts(None)
    ok = facts.startswith(b"SSL_PROTOCOL=TLSv1.2\0")
    if ok:
        os.write(h.w, b"ping\r\n")
        got = h.readall(6)
        h.close_w()
    rest, rc, err = h.finish()
    return ok, (got + rest) if ok else rest, rc, err


def main():
    gencerts()
    ok, rest, rc, err = implicit(["-n", "localhost", "-a", "srv.crt"], "verified")
    check(ok and rest == b"ping\r\n" and rc == 0, "verified: %r %r %d %s" % (ok, rest, rc, err))
    ok, rest, rc, err = implicit(["-n", "wrong.test", "-a", "srv.crt"], "wrong name")
    check(not ok and rc == 111 and "BAD_SERVER_NAME" in err, "wrong name: %r %d %s" % (ok, rc, err))
    ok, rest, rc, err = implicit(["-n", "localhost", "-a", "other.crt"], "untrusted")
    check(not ok and rc == 111 and "NOT_TRUSTED" in err, "untrusted: %r %d %s" % (ok, rc, err))
    ok, rest, rc, err = implicit(["-k", "-n", "wrong.test", "-a", "other.crt"], "-k")
    check(ok and rest == b"ping\r\n" and rc == 0, "-k: %r %r %d %s" % (ok, rest, rc, err))
    # no -n: the chain is checked, the name is not
    ok, rest, rc, err = implicit(["-a", "srv.crt"], "no name")
    check(ok and rc == 0, "no name: %r %d %s" % (ok, rc, err))
    # an RSA server
    port, t = server(["-S", "-k", "rsa.key", "-c", "rsa.crt", "cat"])
    h = Helper(port, ["-S", "-n", "localhost", "-a", "rsa.crt"])
    check(h.facts(None).startswith(b"SSL_PROTOCOL=TLSv1.2\0"), "rsa handshake")
    h.finish()
    starttls()
    bulk()
    withprog()
    misc()
    terntest.report()


def starttls():
    open("srv.py", "w").write(SERVER_STARTTLS)
    for cmd in (b"Y", b"y"):
        port, t = server(["-k", "srv.key", "-c", "srv.crt", sys.executable, "srv.py"])
        h = Helper(port, ["-n", "localhost", "-a", "srv.crt"])
        f = h.sock.makefile("rb")
        greet = f.readline()
        h.sock.sendall(b"STARTTLS\r\n")
        go = f.readline()
        facts = h.facts(cmd)
        os.write(h.w, b"after\r\n")
        want = b"secure SSL_PROTOCOL=TLSv1.2\r\nafter\r\n"
        rest = h.readall(len(want))
        h.close_w()
        rest2, rc, err = h.finish()
        rest += rest2
        check(greet == b"220 hello\r\n" and go == b"220 go\r\n" and rest == want and rc == 0,
              "starttls %r: %r %r %r %d %s" % (cmd, greet, go, rest, rc, err))
        check(facts.startswith(b"SSL_PROTOCOL=TLSv1.2\0") if cmd == b"Y" else facts == b"",
              "starttls facts %r: %r" % (cmd, facts))
    # declining: the helper exits 0 and leaves the connection alone
    port, t = server(["-k", "srv.key", "-c", "srv.crt", sys.executable, "srv.py"])
    h = Helper(port, ["-n", "localhost", "-a", "srv.crt"])
    h.ctl.close()
    rc = h.p.wait(timeout=10)
    check(rc == 0, "decline: %d %s" % (rc, h.p.stderr.read()))
    check(h.sock.makefile("rb").readline() == b"220 hello\r\n", "decline: connection still ours")


def bulk():
    port, t = server(["-S", "-k", "srv.key", "-c", "srv.crt", "cat"])
    h = Helper(port, ["-S", "-n", "localhost", "-a", "srv.crt"])
    h.facts(None)
    data = os.urandom(1 << 20)

    def feed():
        os.write(h.w, data)
    th = threading.Thread(target=feed)
    th.start()
    got = h.readall(len(data))
    th.join()
    rest, rc, err = h.finish()
    check(hashlib.sha256(got + rest).digest() == hashlib.sha256(data).digest() and rc == 0,
          "1 MiB both ways: %d bytes back, rc %d %s" % (len(got + rest), rc, err))


def withprog():
    for args, srv in ((["-S"], ["-S", "-k", "srv.key", "-c", "srv.crt", "cat"]),):
        port, t = server(srv)
        s = socket.create_connection(("127.0.0.1", port))
        p = subprocess.run(["tern-tlsc"] + args + ["-n", "localhost", "-a", "srv.crt", "sh", "-c",
                            'echo ping ; read l ; echo "got $l $SSL_PROTOCOL" >&2'],
                           stdin=s, stdout=s, stderr=subprocess.PIPE, text=True, timeout=20)
        check(p.returncode == 0 and p.stderr == "got ping TLSv1.2\n", "prog -S: %d %r" % (p.returncode, p.stderr))
        s.close()
    # -S and a failed handshake: prog does not run, exit 100
    port, t = server(["-S", "-k", "srv.key", "-c", "srv.crt", "cat"])
    s = socket.create_connection(("127.0.0.1", port))
    p = subprocess.run(["tern-tlsc", "-S", "-n", "bad.test", "-a", "srv.crt", "sh", "-c", "echo ran >&2"],
                       stdin=s, stdout=s, stderr=subprocess.PIPE, text=True, timeout=20)
    check(p.returncode == 100 and "ran" not in p.stderr, "prog -S failed: %d %r" % (p.returncode, p.stderr))
    # STARTTLS mode: prog gets the UCSPI-TLS variables
    port, t = server(["-k", "srv.key", "-c", "srv.crt", sys.executable, "srv.py"])
    s = socket.create_connection(("127.0.0.1", port))
    prog = ('import os\nassert os.read(0, 100) == b"220 hello\\r\\n"\nos.write(1, b"STARTTLS\\r\\n")\n'
            'assert os.read(0, 100) == b"220 go\\r\\n"\nc = int(os.environ["SSLCTLFD"])\nos.write(c, b"Y")\n'
            'f = os.read(c, 512)\nprint(os.read(int(os.environ["SSLREADFD"]), 100))\n')
    open("cli.py", "w").write(prog)
    p = subprocess.run(["tern-tlsc", "-n", "localhost", "-a", "srv.crt", sys.executable, "cli.py"],
                       stdin=s, stdout=s, stderr=subprocess.PIPE, text=True, timeout=20)
    s.close()
    check(p.returncode == 0, "prog starttls: %d %s" % (p.returncode, p.stderr))


def misc():
    p = sh("tern-tlsc -h")
    check(p.returncode == 0 and p.stdout.startswith("usage: tern-tlsc"), "-h")
    p = sh("tern-tlsc -t x")
    check(p.returncode == 100, "usage")
    p = sh("tern-tlsc -a nonexistent.crt </dev/null")
    check(p.returncode == 111 and "unable to read trust anchors nonexistent.crt" in p.stderr, "no cafile: " + p.stderr)
    open("empty.crt", "w").write("nothing\n")
    p = sh("tern-tlsc -a empty.crt </dev/null")
    check(p.returncode == 111 and "no trust anchor in empty.crt" in p.stderr, "empty cafile: " + p.stderr)
    open("bad.crt", "w").write("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
    p = sh("tern-tlsc -a bad.crt </dev/null")
    check(p.returncode == 111, "bad cafile: " + p.stderr)
    if os.path.exists("/etc/ssl/certs/ca-certificates.crt"):
        p = sh("tern-tlsc </dev/null 3</dev/null 4</dev/null 5>/dev/null")
        check(p.returncode == 0, "system bundle loads: " + p.stderr)


main()

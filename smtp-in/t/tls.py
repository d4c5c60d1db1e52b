# tls.py GROUP: scripted tests of tern-tls on loopback, run by tls-GROUP.test.
# A listening socket on 127.0.0.1 hands each accepted connection to tern-tls
# as fds 0/1; clients are python's ssl module and openssl s_client.
# Prints "N passed, N failed".  Runs in an empty temp dir, as root.
import hashlib, os, select, socket, ssl, subprocess, sys, time

D = os.getcwd()


import sys as _sys
_sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True)


def gencerts():
    for name, opt in (("rsa", "-newkey rsa:2048"),
                      ("ec", "-newkey ec -pkeyopt ec_paramgen_curve:P-256")):
        r = sh("openssl req -x509 %s -nodes -keyout %s.key -out %s.crt -days 30"
               " -subj /CN=localhost -addext subjectAltName=DNS:localhost" % (opt, name, name))
        assert r.returncode == 0, r.stderr
    sh("openssl rsa -traditional -in rsa.key -out rsa1.key")   # PKCS#1
    sh("openssl ec -in ec.key -out ec1.key")                    # SEC1


def der(crt):
    return ssl.PEM_cert_to_DER_cert(open(crt).read())


def script(name, body):
    with open(name, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(name, 0o755)
    return os.path.join(D, name)


def start(args, env=None, preexec=None):
    """tern-tls ARGS on a fresh loopback connection: (client socket, process)."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    c = socket.create_connection(ls.getsockname())
    s, _ = ls.accept()
    e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "127.0.0.1"}
    e.update(env or {})
    p = subprocess.Popen(["tern-tls"] + args, stdin=s, stdout=s, stderr=subprocess.PIPE,
                         env=e, preexec_fn=preexec, text=True)
    s.close()
    ls.close()
    return c, p


def finish(p, secs=10):
    try:
        err = p.communicate(timeout=secs)[1]
    except subprocess.TimeoutExpired:
        p.kill()
        err = p.communicate()[1]
        return "timeout", err
    return p.returncode, err


def client_ctx(ca, ciphers=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for f in [ca] if ca else ["rsa.crt", "ec.crt"]:
        ctx.load_verify_locations(f)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if ciphers:
        ctx.set_ciphers(ciphers)
    return ctx


def readline(s):
    b = b""
    while not b.endswith(b"\n"):
        c = s.recv(1)
        if not c:
            break
        b += c
    return b.decode(errors="replace")


def recvall(s, n=1 << 20):
    b = b""
    while len(b) < n:
        c = s.recv(65536)
        if not c:
            break
        b += c
    return b


def env_of(line):
    return dict(w.split("=", 1) for w in line.split() if "=" in w)


PROG_IMPLICIT = """printf 'hello proto=%s cipher=%s sni=%s ctl=%s\\n' "$SSL_PROTOCOL" "$SSL_CIPHER" \\
  "${SSL_TLS_SNI_SERVERNAME-unset}" "${SSLCTLFD-unset}"
read line ; printf 'got %s\\n' "$line"
"""


def implicit_one(args, ciphers=None, name="localhost"):
    """One -S session; returns (hello env, peer cert DER, exit code, stderr)."""
    prog = script("implicit.sh", PROG_IMPLICIT)
    c, p = start(["-S"] + args + [prog])
    ctx = client_ctx(None, ciphers)
    ctx.check_hostname = name is not None
    t = ctx.wrap_socket(c, server_hostname=name)
    hello = env_of(readline(t))
    t.sendall(b"ping\n")
    got = readline(t)
    info = (t.version(), t.cipher()[0], t.getpeercert(binary_form=True))
    t.close()
    code, err = finish(p)
    return hello, info, got, code, err


def implicit():
    for key, crt in (("rsa.key", "rsa.crt"), ("ec.key", "ec.crt"),
                     ("rsa1.key", "rsa.crt"), ("ec1.key", "ec.crt")):
        hello, (ver, cipher, peer), got, code, err = implicit_one(["-k", key, "-c", crt])
        check(ver == "TLSv1.2", key + ": TLS 1.2 negotiated, got %s" % ver)
        check(hello.get("proto") == "TLSv1.2", key + ": SSL_PROTOCOL %s" % hello)
        check(hello.get("cipher") == cipher, key + ": SSL_CIPHER %s vs %s" % (hello, cipher))
        check("GCM" in cipher or "CHACHA" in cipher, key + ": AEAD suite " + cipher)
        check(hello.get("sni") == "localhost", key + ": SNI passed on %s" % hello)
        check(hello.get("ctl") == "unset", key + ": no SSLCTLFD in -S mode")
        check(peer == der(crt), key + ": the certificate presented is " + crt)
        check(got == "got ping\n", key + ": data round trip %r" % got)
        check(code == 0 and err == "", key + ": exit %s %r" % (code, err))
    both = ["-k", "rsa.key", "-c", "rsa.crt", "-k", "ec.key", "-c", "ec.crt"]
    _, (_, cipher, peer), _, code, _ = implicit_one(both, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305")
    check(peer == der("ec.crt") and "ECDSA" in cipher, "two pairs: ECDSA client gets ec.crt " + cipher)
    _, (_, cipher, peer), _, code, _ = implicit_one(both, "ECDHE-RSA-AES256-GCM-SHA384")
    check(peer == der("rsa.crt") and cipher == "ECDHE-RSA-AES256-GCM-SHA384", "two pairs: RSA client gets rsa.crt " + cipher)
    _, (_, cipher, _), _, _, _ = implicit_one(["-k", "ec.key", "-c", "ec.crt"], "ECDHE-ECDSA-CHACHA20-POLY1305")
    check(cipher == "ECDHE-ECDSA-CHACHA20-POLY1305", "chacha20 suite " + cipher)
    hello, _, _, _, _ = implicit_one(["-k", "ec.key", "-c", "ec.crt"], None, None)
    check(hello.get("sni") == "unset", "no SNI: variable unset %s" % hello)
    s_client()


def s_client():
    prog = script("implicit.sh", PROG_IMPLICIT)
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    port = ls.getsockname()[1]
    for flag, ok in (("-tls1_2", True), ("-tls1_3", False), ("-tls1_1", False)):
        cl = subprocess.Popen("echo sclient | openssl s_client -connect 127.0.0.1:%d %s -servername localhost"
                              " -CAfile rsa.crt -verify_return_error -ign_eof" % (port, flag),
                              shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        s, _ = ls.accept()
        p = subprocess.Popen(["tern-tls", "-S", "-k", "rsa.key", "-c", "rsa.crt", prog], stdin=s, stdout=s,
                             stderr=subprocess.PIPE, text=True, env={"PATH": os.environ["PATH"]})
        s.close()
        out = cl.communicate(timeout=10)[0]
        code, err = finish(p)
        if ok:
            check("Protocol  : TLSv1.2" in out and "got sclient" in out and "Verify return code: 0" in out,
                  "s_client -tls1_2: " + out[-300:])
            check(code == 0, "s_client -tls1_2: exit %s" % code)
        else:
            check("got sclient" not in out and code == 100 and "handshake-failed ip=" in err,
                  "s_client %s refused: exit %s %r" % (flag, code, err))
    ls.close()

PROG_STARTTLS = """printf '220 ready\\r\\n'
read cmd ; echo "$cmd" >> seen
case "$cmd" in STARTTLS*) ;; *) exit 7 ;; esac
printf '220 go\\r\\n'
eval "printf $MODE >&$SSLCTLFD"
info=$(eval "cat <&$SSLCTLFD" | tr '\\0' ' ')
eval "exec 0<&$SSLREADFD 1>&$SSLWRITEFD"
[ "$MODE" = y ] || [ -n "$info" ] || exit 9
printf 'tls %s\\n' "$info"
read line ; echo "$line" >> seen ; printf 'got %s\\n' "$line"
"""


def starttls_one(mode, send=b"STARTTLS\r\n"):
    prog = script("starttls.sh", PROG_STARTTLS)
    if os.path.exists("seen"):
        os.unlink("seen")
    c, p = start(["-k", "ec.key", "-c", "ec.crt", prog], {"MODE": mode})
    greet = readline(c)
    c.sendall(send)
    go = readline(c)
    res = {"greet": greet, "go": go}
    try:
        t = client_ctx(None).wrap_socket(c, server_hostname="localhost")
        res["tls"] = readline(t)
        res["cipher"] = t.cipher()[0]
        res["version"] = t.version()
        t.sendall(b"secret\n")
        res["got"] = readline(t)
        t.close()
    except (ssl.SSLError, OSError) as e:
        res["error"] = str(e)
        c.close()
    res["code"], res["err"] = finish(p)
    res["seen"] = open("seen").read() if os.path.exists("seen") else ""
    return res


def starttls():
    r = starttls_one("Y")
    check(r["greet"] == "220 ready\r\n" and r["go"] == "220 go\r\n", "plaintext part %r" % r)
    e = env_of(r.get("tls", ""))
    check(e.get("SSL_PROTOCOL") == "TLSv1.2" and r.get("version") == "TLSv1.2", "Y: TLS 1.2 %r" % r)
    check(e.get("SSL_CIPHER") == r.get("cipher"), "Y: SSL_CIPHER on the control fd %r" % r)
    check(e.get("SSL_TLS_SNI_SERVERNAME") == "localhost", "Y: SNI on the control fd %r" % r)
    check(r.get("got") == "got secret\n", "Y: data through TLS %r" % r)
    check(r["seen"] == "STARTTLS\nsecret\n", "Y: prog saw %r" % r["seen"])
    check(r["code"] == 0 and r["err"] == "", "Y: exit %s %r" % (r["code"], r["err"]))
    r = starttls_one("y")
    check(r.get("tls") == "tls \n" and r.get("got") == "got secret\n", "y: TLS without facts %r" % r)
    check(r["code"] == 0, "y: exit %s" % r["code"])
    # prog declines: the helper lets go of the connection, prog's code is ours
    prog = script("starttls.sh", PROG_STARTTLS)
    c, p = start(["-k", "ec.key", "-c", "ec.crt", prog], {"MODE": "Y"})
    greet = readline(c)
    c.sendall(b"QUIT\r\n")
    rest = c.recv(100)
    code, err = finish(p)
    check(greet == "220 ready\r\n" and rest == b"", "decline: EOF after prog exits %r" % rest)
    check(code == 7 and err == "", "decline: prog's exit code 7 propagated, got %s %r" % (code, err))
    # plaintext pipelined after STARTTLS (CVE-2011-0411) never reaches prog
    r = starttls_one("Y", b"STARTTLS\r\nINJECT\r\n")
    check("error" in r and r["seen"] == "STARTTLS\n", "injection: handshake refused, prog saw %r" % r["seen"])
    check(r["code"] == 9, "injection: prog got no facts (exit 9), got %s" % r["code"])
    check("tern-tls: info: handshake-failed ip=127.0.0.1 err=" in r["err"], "injection: logged %r" % r["err"])

def status(pid):
    d = {}
    for line in open("/proc/%d/status" % pid):
        k, _, v = line.partition(":")
        d[k] = v.split()
    return d


def fdlinks(pid):
    out = []
    for f in os.listdir("/proc/%d/fd" % pid):
        try:
            out.append(os.readlink("/proc/%d/fd/%s" % (pid, f)))
        except OSError:
            pass
    return out


def priv():
    key = os.path.join(D, "root.key")
    open(key, "w").write(open("rsa.key").read())
    os.chmod(key, 0o600)
    body = ("printf 'ids %%s %%s\\n' \"$(id -u)\" \"$(id -g)\"\n"
            "if cat %s >/dev/null 2>&1 ; then echo keyread=yes ; else echo keyread=no ; fi\n"
            "printf 'fds' ; for f in /proc/$$/fd/* ; do printf ' %%s' \"$(readlink $f)\" ; done ; echo\n"
            "printf 'env %%s\\n' \"$(env | tr '\\n' ' ')\"\n"
            "read line ; echo \"got $line\"\n") % key
    env = {"TLS_UID": "65534", "TLS_GID": "65534", "UID": "1", "GID": "1",
           "KEYFILE": key, "CERTFILE": os.path.join(D, "rsa.crt")}
    c, p = start(["-S", "/bin/sh", "-c", body], env)
    t = client_ctx("rsa.crt").wrap_socket(c, server_hostname="localhost")
    ids, keyread, fds, penv = readline(t), readline(t), readline(t), readline(t)
    st = status(p.pid)   # the session is idle: prog waits for a line
    hfds = fdlinks(p.pid)
    rss = int(st["VmRSS"][0])
    print("info: RSS of one idle tern-tls session: %d KiB" % rss)
    t.sendall(b"bye\n")
    got = readline(t)
    t.close()
    code, err = finish(p)
    check(st["Uid"] == ["65534"] * 4 and st["Gid"] == ["65534"] * 4, "helper runs as 65534: %s %s" % (st["Uid"], st["Gid"]))
    check(st["Groups"] == [], "helper has no supplementary groups %s" % st["Groups"])
    check(key not in hfds and not any(x.endswith(".key") for x in hfds), "helper holds no key fd %s" % hfds)
    check(ids == "ids 1 1\n", "prog runs as UID/GID 1: %r" % ids)
    check(keyread == "keyread=no\n", "prog cannot read the 0600 key: %r" % keyread)
    check(".key" not in fds and "fds" in fds, "prog's fds hold no key: %r" % fds)
    check("PRIVATE" not in penv and key not in penv and "KEYFILE" not in penv and "TLS_UID" not in penv,
          "prog's environment has no key and no TLS_* %r" % penv)
    check("SSL_PROTOCOL=TLSv1.2" in penv, "prog's environment has SSL_PROTOCOL %r" % penv)
    check(got == "got bye\n" and code == 0 and err == "", "session ends: %r %s %r" % (got, code, err))
    # the 1 MiB RSS goal is measured by make bench, not asserted here
    # not root and TLS_UID cannot be reached: refuse to run
    import shutil, tempfile
    tmp = tempfile.mkdtemp(dir="/tmp")
    try:
        os.chmod(tmp, 0o755)
        for f in ("rsa.key", "rsa.crt"):
            shutil.copy(f, tmp)
            os.chmod(os.path.join(tmp, f), 0o644)
        c, p = start(["-S", "-k", tmp + "/rsa.key", "-c", tmp + "/rsa.crt", "/bin/true"], {"TLS_UID": "1"},
                     preexec=lambda: (os.setgid(65534), os.setuid(65534)))
        code, err = finish(p)
        c.close()
        check(code == 111 and err == "tern-tls: fatal: unable to drop privileges: setuid: Operation not permitted\n",
              "drop fails: exit %s %r" % (code, err))
    finally:
        shutil.rmtree(tmp)


def run(args, env=None):
    e = {"PATH": os.environ["PATH"]}
    e.update(env or {})
    return subprocess.run(["tern-tls"] + args, capture_output=True, text=True, env=e, stdin=subprocess.DEVNULL)


def errors():
    sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec2.key")
    sh("openssl genpkey -algorithm RSA -aes128 -pass pass:x -out enc.key")
    open("junk.key", "w").write("hello\n")
    ran = script("ran.sh", "touch ran\n")
    cases = [
        (["-k", "nosuch.key", "-c", "rsa.crt", ran], 111, "unable to read key nosuch.key: No such file or directory"),
        (["-k", "junk.key", "-c", "rsa.crt", ran], 111, "unable to read key junk.key: no private key found"),
        (["-k", "rsa.crt", "-c", "rsa.crt", ran], 111, "unable to read key rsa.crt: no private key found"),
        (["-k", "enc.key", "-c", "rsa.crt", ran], 111, "unable to read key enc.key: encrypted keys are not supported"),
        (["-k", "rsa.key", "-c", "nosuch.crt", ran], 111, "unable to read certificate nosuch.crt: No such file or directory"),
        (["-k", "rsa.key", "-c", "rsa.key", ran], 111, "unable to read certificate rsa.key: no certificate found"),
        (["-k", "rsa.key", "-c", "ec.crt", ran], 111, "key rsa.key does not match certificate ec.crt"),
        (["-k", "ec2.key", "-c", "ec.crt", ran], 111, "key ec2.key does not match certificate ec.crt"),
        (["-k", "rsa.key", "-c", "rsa.crt", "-k", "rsa1.key", "-c", "rsa.crt", ran], 100, "the two keys must be of different types"),
        (["-k", "rsa.key", ran], 100, "usage: tern-tls"),
        (["-k", "rsa.key", "-c", "rsa.crt"], 100, "usage: tern-tls"),
        (["-t", "0", "-k", "rsa.key", "-c", "rsa.crt", ran], 100, "usage: tern-tls"),
    ]
    for args, want, msg in cases:
        r = run(args)
        check(r.returncode == want and r.stderr.startswith("tern-tls: ") and msg in r.stderr
              and r.stderr.count("\n") == 1, "%s: exit %d %r" % (args, r.returncode, r.stderr))
    check(not os.path.exists("ran"), "prog never ran with a bad key or usage")
    r = run(["-h"])
    check(r.returncode == 0 and r.stdout.startswith("usage: tern-tls "), "-h: %r" % r.stdout)
    for what, send, flags, name in (("garbage", b"GET / HTTP/1.0\r\n\r\n" * 3, [], "err="),
                                    ("timeout", None, ["-t", "1"], "err=1001 reason=timeout"),
                                    ("eof", b"", [], "err=1002 reason=eof")):
        c, p = start(["-S"] + flags + ["-k", "rsa.key", "-c", "rsa.crt", ran])
        t0 = time.time()
        if send is not None:
            c.sendall(send)
            c.shutdown(socket.SHUT_WR)
        c.settimeout(10)
        try:
            while c.recv(4096):
                pass
            closed = True
        except OSError:
            closed = False
        code, err = finish(p)
        c.close()
        check(closed and code == 100, "%s: connection closed, exit 100, got %s" % (what, code))
        check(err.startswith("tern-tls: info: handshake-failed ip=127.0.0.1 ") and name in err
              and err.count("\n") == 1, "%s: one info line %r" % (what, err))
        check(not os.path.exists("ran"), what + ": prog did not run")
        if what == "timeout":
            check(0.9 < time.time() - t0 < 5, "timeout after about 1 s: %.1f" % (time.time() - t0))
    # prog that cannot be run: the exec failure code comes back
    c, p = start(["-S", "-k", "rsa.key", "-c", "rsa.crt", "./nosuch"])
    t = client_ctx("rsa.crt").wrap_socket(c, server_hostname="localhost")
    data = t.recv(100)
    t.close()
    code, err = finish(p)
    check(data == b"" and code == 127 and "unable to exec ./nosuch" in err, "exec fails: %s %r" % (code, err))


def bulk():
    n = 1 << 20
    data = os.urandom(n)
    c, p = start(["-S", "-k", "ec.key", "-c", "ec.crt", "/bin/cat"])
    t = client_ctx("ec.crt").wrap_socket(c, server_hostname="localhost", suppress_ragged_eofs=False)
    t.setblocking(False)
    sent, got = 0, []
    have = 0
    deadline = time.time() + 30
    while have < n and time.time() < deadline:
        r, w, _ = select.select([t], [t] if sent < n else [], [], 1)
        if w:
            try:
                sent += t.send(data[sent:sent + 16384])
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                pass
        while True:
            try:
                b = t.recv(65536)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                break
            if not b:
                break
            got.append(b)
            have += len(b)
    back = b"".join(got)
    check(sent == n and hashlib.sha256(back).digest() == hashlib.sha256(data).digest(),
          "1 MiB each way, full duplex: sent %d got %d" % (sent, len(back)))
    t.setblocking(True)
    t.settimeout(10)
    try:
        t.unwrap()    # close_notify both ways
        clean = True
    except (ssl.SSLError, OSError) as e:
        clean = str(e)
    code, err = finish(p)
    check(clean is True and code == 0 and err == "", "close_notify exchanged, exit 0: %r %s %r" % (clean, code, err))
    # prog ends first: the client gets a close_notify, not a bare EOF
    prog = script("bye.sh", "head -c 1048576 /dev/zero\n")
    c, p = start(["-S", "-k", "rsa.key", "-c", "rsa.crt", prog])
    t = client_ctx("rsa.crt").wrap_socket(c, server_hostname="localhost", suppress_ragged_eofs=False)
    try:
        back = recvall(t, n + 1)
        ok = True
    except ssl.SSLEOFError:
        ok = False
    t.close()
    code, err = finish(p)
    check(ok and back == bytes(n) and code == 0, "1 MiB from prog, then close_notify: %s %d %s" % (ok, len(back), code))


if __name__ == "__main__":
    gencerts()
    globals()[sys.argv[1]]()
    sys.exit(1 if terntest.report() else 0)

# tls.py GROUP: scripted tests of tern-tls on loopback, run by tls-GROUP.test.
# A listening socket on 127.0.0.1 hands each accepted connection to tern-tls
# as fds 0/1; clients are python's ssl module and openssl s_client.
# Prints "N passed, N failed".  Runs in an empty temp dir, as root.
import hashlib, os, select, socket, ssl, subprocess, sys, time

npass = nfail = 0
D = os.getcwd()


def check(cond, what):
    global npass, nfail
    if cond:
        npass += 1
    else:
        nfail += 1
        print("FAIL " + what)


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
            check("got sclient" not in out and code == 100 and "handshake failed" in err,
                  "s_client %s refused: exit %s %r" % (flag, code, err))
    ls.close()


if __name__ == "__main__":
    gencerts()
    globals()[sys.argv[1]]()
    print("%d passed, %d failed" % (npass, nfail))
    sys.exit(1 if nfail else 0)

# dkimqueue.py: tern-queue-run signs submitted mail before its first attempt.
# A message from an account, From: a domain with three selectors (RSA
# PKCS#1, RSA PKCS#8, Ed25519), reaches smtp-sink with three signatures
# that dkimpy and opendkim-testmsg (dnsmasq in its own namespace) verify; one
# from port 25 (ip, no account) is not signed; with a key file missing
# the message waits (logged), then leaves signed once the key is back;
# a signed message whose attempt failed is not signed again after a
# restart (the envelope's "dkim" mark); messages taken into another's
# batch are signed too.
import atexit, base64, os, subprocess, time
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

W = os.getcwd()
# a failure that ends the script early must not leave a runner behind
atexit.register(lambda: [p.kill() for p in procs if p.poll() is None])
Q = W + "/c/data/queue"
CHECK = os.path.join(os.environ["TERN_SRC"], "queue/t/dkim-check")


def sh(*a, **kw):
    return subprocess.run(list(a), capture_output=True, text=True, **kw)


port = terntest.freeport()
sh("tern-conf", "-c", "c", "init", "mail.example.org", "data")
sh("tern-conf", "-c", "c", "add-domain", "example.org")
sh("tern-conf", "-c", "c", "add-account", "bob", "bob@example.org")
sh("openssl", "genrsa", "-traditional", "-out", "k1.pem", "2048")
sh("openssl", "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "k2.pem")
check("BEGIN RSA PRIVATE KEY" in open("k1.pem").read() and "BEGIN PRIVATE KEY" in open("k2.pem").read(), "keys: PKCS#1 and PKCS#8")
sh("openssl", "genpkey", "-algorithm", "ed25519", "-out", "k3.pem")
txt = {}
for k, s in (("k1", "s1"), ("k2", "s2"), ("k3", "s3")):
    der = subprocess.run(["openssl", "pkey", "-in", k + ".pem", "-pubout", "-outform", "DER"], capture_output=True).stdout
    sh("openssl", "pkey", "-in", k + ".pem", "-pubout", "-out", k + ".pub")
    txt[s] = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode() if k != "k3" else \
        "v=DKIM1; k=ed25519; p=" + base64.b64encode(der[-32:]).decode()
    open(s + ".txt", "w").write(txt[s] + "\n")
with open("c/domains/example.org", "a") as f:
    f.write("dkim s1 %s/k1.pem\ndkim s2 %s/k2.pem\ndkim s3 %s/k3.pem\n" % (W, W, W))
open("c/transports/relay", "w").write("smtp 127.0.0.1:%d\nno-starttls\n" % port)
open("c/routes", "w").write("route relay to=dst.test\n")
r = sh("tern-conf", "-c", "c", "compile")
check(r.returncode == 0, "compile: " + r.stdout + r.stderr)

MSG = ("From: Bob <bob@example.org>\r\nTo: x@dst.test\r\nSubject: %s\r\n  folded  subject\r\n"
       "Date: Fri, 04 Dec 2026 01:00:00 +0000\r\nMessage-ID: <%s@example.org>\r\nMIME-Version: 1.0\r\n"
       "Content-Type: text/plain; charset=utf-8\r\n\r\nhello  world \r\n\r\nline\twith tab\r\n\r\n\r\n")


def inject(tag, *opts):
    p = subprocess.run(["tern-queue-inject", "-c", "c", "-f", "bob@example.org"] + list(opts) + ["x@dst.test"],
                       input=(MSG % (tag, tag)).encode(), capture_output=True)
    return p.stdout.decode().strip()


exec(open(os.path.join(os.environ["TERN_SRC"], "queue/t/queue.inc.py")).read())


def received(dump, tag):
    """the message of dump whose Subject is tag, as smtp-sink got it (its own X- fields dropped)"""
    d = open(dump, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    for m in d.split(b"X-Client-Addr:")[1:]:
        if ("Subject: %s\r\n" % tag).encode() in m:
            lines = m.split(b"\r\n")[1:]
            while lines and lines[0].startswith(b"X-"): lines.pop(0)
            return b"\r\n".join(lines)
    return None


def dkimpy(msg):
    """dkimpy's verdict for each signature of msg, keys from txt"""
    import dkim
    d = dkim.DKIM(msg)
    n = msg.split(b"\r\n\r\n")[0].count(b"DKIM-Signature:")
    def dns(name, timeout=5):
        return txt.get(name.decode().split(".")[0], "").encode() or None
    return [d.verify(idx=i, dnsfunc=dns) for i in range(n)]


def only(msg, sel):
    """msg with the signatures of other selectors removed"""
    head, body = msg.split(b"\r\n\r\n", 1)
    out, skip = [], False
    for l in head.split(b"\r\n"):
        if l[:1] in (b" ", b"\t"):
            if not skip: out.append(l)
            continue
        skip = l.startswith(b"DKIM-Signature:") and (b" s=%s;" % sel.encode()) not in l
        if not skip: out.append(l)
    return b"\r\n".join(out) + b"\r\n\r\n" + body


def opendkim(msg, sel):
    open("v.eml", "wb").write(only(msg, sel))
    p = subprocess.run(["bash", CHECK, "v.eml", {"s1": "k1", "s2": "k2", "s3": "k3"}[sel] + ".pub", sel, "example.org"],
                       capture_output=True, text=True, timeout=120)
    return p.stdout.strip() + p.stderr.strip()


run = runner()
sk, dump = sink("127.0.0.1", port)
# submitted by an account: three signatures, each verified by both verifiers
i1 = inject("sub", "-a", "bob")
check(waitfor(lambda: gone(i1)), "submitted: delivered")
check("dkim id=%s domain=example.org selectors=s1,s2,s3" % i1 in log(), "submitted: signing logged: " + log()[-600:])
m1 = received(dump, "sub") or b""
check(m1.count(b"DKIM-Signature:") == 3, "submitted: three signatures: %r" % m1[:300])
check(b"h=from:from:to:subject:date:message-id:mime-version:content-type;" in m1.replace(b"\r\n\t", b""), "submitted: h= with From oversigned")
check(b"c=relaxed/relaxed" in m1 and m1.count(b"a=rsa-sha256") == 2 and m1.count(b"a=ed25519-sha256") == 1 and b" l=" not in m1 and b"t=" in m1, "submitted: relaxed, rsa-sha256, t=, no l=")
v = dkimpy(m1)
check(v == [True, True, True], "submitted: dkimpy verifies all three: %r" % v)
for s in ("s1", "s2", "s3"):
    out = opendkim(m1, s)
    check(out == "dkim=pass", "submitted: opendkim-testmsg verifies %s: %s" % (s, out))
# injected locally (no client address): signed too
i1b = inject("local")
check(waitfor(lambda: gone(i1b)) and (received(dump, "local") or b"").count(b"DKIM-Signature:") == 3, "local inject: signed")
# from port 25 (an address, no account): not signed
i2 = inject("inbound", "-i", "192.0.2.9", "-H", "client.test")
check(waitfor(lambda: gone(i2)), "inbound: delivered")
m2 = received(dump, "inbound") or b"x"
check(b"DKIM-Signature:" not in m2 and "dkim id=%s" % i2 not in log(), "inbound: not signed")
# a key file missing: the message waits, logged; signed and sent once it is back
os.rename("k2.pem", "k2.away")
i3 = inject("nokey", "-a", "bob")
check(waitfor(lambda: "dkim id=%s domain=example.org key=%s/k2.pem error=" % (i3, W) in log()), "no key: logged: " + log()[-400:])
check(os.path.exists(Q + "/mess/" + i3) and received(dump, "nokey") is None, "no key: still queued, nothing sent")
os.rename("k2.away", "k2.pem")
check(waitfor(lambda: gone(i3)), "no key: sent once the key is back")
m3 = received(dump, "nokey") or b""
check(dkimpy(m3) == [True, True, True] and open(dump, "rb").read().count(b"Subject: nokey") == 1, "no key: signed, sent once")
# signed, the attempt failed, the runner killed: after the restart, not signed again
stop(sk)
wait_port("127.0.0.1", port, up=False)
i4 = inject("restart", "-a", "bob")
check(waitfor(lambda: os.path.exists(Q + "/state/" + i4)), "restart: attempt failed, recorded")
head = open(Q + "/mess/" + i4, "rb").read().split(b"\n\n", 1)
check(b"\ndkim\n" in head[0] + b"\n" and head[1].count(b"DKIM-Signature:") == 3, "restart: the queue file marked and signed")
run.kill(); run.wait()
sk, dump = sink("127.0.0.1", port, dump="dump2")
run = runner()
check(waitfor(lambda: gone(i4)), "restart: delivered")
m4 = received(dump, "restart") or b""
check(m4.count(b"DKIM-Signature:") == 3 and dkimpy(m4) == [True, True, True], "restart: still three signatures, verified")
check(log().count("dkim id=%s domain" % i4) == 1, "restart: signed once")
# queued while no runner runs, then all due at once: the first one's
# delivery takes the others into its batch (one connection): each must be
# signed before it goes, not only the one that was scheduled
run.kill(); run.wait()
ids = [inject("batch%d" % n, "-a", "bob") for n in range(4)]
run = runner()
check(waitfor(lambda: all(gone(i) for i in ids)), "batch: delivered")
got = [received(dump, "batch%d" % n) or b"" for n in range(4)]
check([g.count(b"DKIM-Signature:") for g in got] == [3, 3, 3, 3], "batch: every message signed: %r" % [g.count(b"DKIM-Signature:") for g in got])
check(all(dkimpy(g) == [True, True, True] for g in got), "batch: every message verified")
run.kill(); run.wait()
stop(sk)
finish()

# dkimpostfix.py: see dkimpostfix.test.  A message submitted by an account
# with two selectors (RSA, Ed25519) crosses a real Postfix (SMTP in,
# Maildir out) and opendkim-testmsg, using our dnsmasq through the
# bind-mounted resolv.conf, finds each signature good in the delivered
# file, and a changed body bad; one from port 25 arrives unsigned.
import atexit, base64, os, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check

W = os.getcwd()
D = tempfile.mkdtemp(prefix="tern-dkimpf.")   # Postfix's users must reach it
os.chmod(D, 0o755)
Q = W + "/c/data/queue"
procs = []
# a failure that ends the script early must not leave a process behind
atexit.register(lambda: [p.kill() for p in procs if p.poll() is None])


def sh(*a):
    return subprocess.run(list(a), capture_output=True, text=True)


def waitfor(f, t=90):
    for _ in range(int(t * 10)):
        if f(): return True
        time.sleep(0.1)
    return False


def finish():
    sh("postfix", "-c", D + "/etc", "stop")
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try: p.wait(10)
            except subprocess.TimeoutExpired: p.kill()
    sh("rm", "-rf", D)
    terntest.report()


# keys and their records
sh("openssl", "genrsa", "-out", "k1.pem", "2048")
sh("openssl", "genpkey", "-algorithm", "ed25519", "-out", "k2.pem")
recs = ""
for k, s in (("k1", "s1"), ("k2", "s2")):
    der = subprocess.run(["openssl", "pkey", "-in", k + ".pem", "-pubout", "-outform", "DER"], capture_output=True).stdout
    txt = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode() if s == "s1" else \
        "v=DKIM1; k=ed25519; p=" + base64.b64encode(der[-32:]).decode()
    recs += 'txt-record=%s._domainkey.example.org,"%s"\n' % (s, txt)
open("dns.conf", "w").write("port=53\nlisten-address=127.0.0.1\nbind-interfaces\nno-resolv\nno-hosts\nuser=root\n"
                            "local=/example.org/\nlog-facility=%s/dnsmasq.log\n" % W + recs)
procs.append(subprocess.Popen(["dnsmasq", "-k", "-C", "dns.conf"], stderr=open("dnsmasq.err", "w")))
check(waitfor(lambda: "started" in (open("dnsmasq.log").read() if os.path.exists("dnsmasq.log") else "")), "dnsmasq starts")

# Postfix on loopback: dst.test in a Maildir
port = terntest.freeport()
terntest.postfix_conf(D, port)
r = sh("postfix", "-c", D + "/etc", "check")
check(r.returncode == 0, "postfix check: " + r.stdout + r.stderr)
procs.append(subprocess.Popen(["postfix", "-c", D + "/etc", "start-fg"], stdout=open("postfix.log", "w"), stderr=subprocess.STDOUT))


def up():
    import socket
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


check(waitfor(up), "postfix listens")

# tern: example.org signs with s1 (RSA) and s2 (Ed25519), dst.test goes to Postfix
sh("tern-conf", "-c", "c", "init", "mail.example.org", "data")
sh("tern-conf", "-c", "c", "add-domain", "example.org")
sh("tern-conf", "-c", "c", "add-account", "bob", "bob@example.org")
with open("c/domains/example.org", "a") as f:
    f.write("dkim s1 %s/k1.pem\ndkim s2 %s/k2.pem\n" % (W, W))
open("c/transports/pf", "w").write("smtp 127.0.0.1:%d\nno-starttls\n" % port)
open("c/routes", "w").write("route pf to=dst.test\n")
r = sh("tern-conf", "-c", "c", "compile")
check(r.returncode == 0, "compile: " + r.stdout + r.stderr)
procs.append(subprocess.Popen(["tern-queue-run", "-c", "c"], env=dict(os.environ, TERN_QUEUE_BASE_DELAY="1"),
                              stderr=open("run.log", "w")))
MSG = ("From: Bob <bob@example.org>\r\nTo: x@dst.test\r\nSubject: %s\r\nDate: Fri, 04 Dec 2026 01:00:00 +0000\r\n"
       "Message-ID: <%s@example.org>\r\n\r\nhello  there\r\n")


def inject(tag, *opts):
    return subprocess.run(["tern-queue-inject", "-c", "c", "-f", "bob@example.org"] + list(opts) + ["x@dst.test"],
                          input=(MSG % (tag, tag)).encode(), capture_output=True).stdout.decode().strip()


def delivered(tag):
    new = D + "/mail/Maildir/new"
    for f in os.listdir(new) if os.path.isdir(new) else []:
        m = open(os.path.join(new, f), "rb").read().decode("utf-8", "replace")
        if "Subject: %s\n" % tag in m:
            return m
    return None


inject("signed", "-a", "bob")
inject("inbound", "-i", "192.0.2.9", "-H", "client.test")
check(waitfor(lambda: delivered("signed") and delivered("inbound")), "both delivered to Postfix's Maildir: " +
      open("run.log").read()[-500:] + open("postfix.log").read()[-800:])


def testmsg(msg):
    p = subprocess.run(["opendkim-testmsg"], input=msg.encode(), capture_output=True, timeout=60)
    return p.returncode, (p.stdout + p.stderr).decode().strip()


m = delivered("signed") or ""
check(m.count("DKIM-Signature:") == 2 and "Received: from mail.example.org" in m, "signed: Postfix delivered it with both signatures")
for sel in ("s1", "s2"):
    rc, out = testmsg(terntest.dkim_only(m, sel))
    check(rc == 0 and out == "", "signed, as Postfix delivered it: opendkim-testmsg verifies %s (%d %s)" % (sel, rc, out))
rc, out = testmsg(m.replace("hello  there", "hello there!"))
check(rc != 0 and "Bad signature" in out, "signed, body changed: opendkim-testmsg fails it (%d %s)" % (rc, out))
m = delivered("inbound") or ""
rc, out = testmsg(m)
check("DKIM-Signature" not in m and rc != 0 and "No signature" in out, "inbound: unsigned (%d %s)" % (rc, out))
finish()

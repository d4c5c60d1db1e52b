# tern-smtp-in -s: AUTH only over TLS (STARTTLS through tern-tls, or -S),
# every mechanism, failures delayed and limited, the sender checked;
# smtplib against tern-listen + tern-tls + tern-smtp-in on 127.0.0.1.
import base64, hashlib, hmac, smtplib, ssl, time
from smtpin import *

setup(pw="correct horse")
r = subprocess.run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem"
                   " -out cert.pem -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1",
                   shell=True, capture_output=True)
assert r.returncode == 0, r.stderr
CTX = ssl.create_default_context(cafile="cert.pem")


def listener(args):
    """tern-listen on a free port running ARGS; (port, process)"""
    for _ in range(5):
        port = freeport()
        p = subprocess.Popen(["tern-listen", "127.0.0.1", str(port)] + args, env=env(),
                             stderr=open("log", "ab"))
        for _ in range(50):
            if "info: start ip=127.0.0.1 port=%d" % port in log():
                return port, p
            if p.poll() is not None:
                break
            time.sleep(0.1)
        p.kill()
    raise SystemExit("no listener")


class Scram:
    """A small SCRAM client (RFC 5802, no channel binding), for smtplib.auth."""

    def __init__(self, h, user, pw):
        self.h, self.user, self.pw, self.n = h, user, pw, 0
        self.nonce = base64.b64encode(os.urandom(15)).decode()

    def __call__(self, chal=None):
        self.n += 1
        if self.n == 1:
            self.first = "n=%s,r=%s" % (self.user, self.nonce)
            return "n,," + self.first
        chal = chal.decode()
        if self.n == 2:
            f = dict(x.split("=", 1) for x in chal.split(","))
            if not f["r"].startswith(self.nonce):
                raise ValueError("server nonce")
            sp = hashlib.pbkdf2_hmac(self.h, self.pw.encode(), base64.b64decode(f["s"]), int(f["i"]))
            key = hmac.new(sp, b"Client Key", self.h).digest()
            final = "c=biws,r=" + f["r"]
            auth = ("%s,%s,%s" % (self.first, chal, final)).encode()
            sig = hmac.new(hashlib.new(self.h, key).digest(), auth, self.h).digest()
            self.want = "v=" + base64.b64encode(hmac.new(hmac.new(sp, b"Server Key", self.h).digest(),
                                                         auth, self.h).digest()).decode()
            return final + ",p=" + base64.b64encode(bytes(a ^ b for a, b in zip(key, sig))).decode()
        self.verified = chal == self.want
        return ""


def mechs(c):
    return c.esmtp_features.get("auth", "").split()


# no TLS helper at all: no AUTH, 538 for AUTH, 530 for MAIL
s = Session(["-s"])
r = s.cmd("EHLO me.example")
check("AUTH" not in r and "STARTTLS" not in r, "no AUTH in clear text: %r" % r)
check(ok(s.cmd("AUTH PLAIN " + base64.b64encode(b"\0bob\0correct horse").decode()), "538", "5.7.11"), "AUTH before TLS: 538")
check(ok(s.cmd("MAIL FROM:<bob@example.com>"), "530", "5.7.0"), "MAIL before AUTH: 530")
s.end()

port, lp = listener(["tern-tls", "-k", "key.pem", "-c", "cert.pem", "tern-smtp-in", "-c", "c", "-s"])
c = smtplib.SMTP("127.0.0.1", port)
c.ehlo("me.example")
check(c.has_extn("starttls") and not c.has_extn("auth"), "587: STARTTLS offered, AUTH not yet")
check(c.docmd("AUTH", "LOGIN")[0] == 538, "AUTH before STARTTLS: 538")
check(c.docmd("MAIL", "FROM:<bob@example.com>")[0] == 530, "MAIL before STARTTLS: 530")
c.starttls(context=CTX)
c.ehlo("me.example")
check(mechs(c) == ["SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN"] and not c.has_extn("starttls"),
      "after STARTTLS: AUTH %r" % mechs(c))
check(c.docmd("MAIL", "FROM:<bob@example.com>")[0] == 530, "MAIL before AUTH: 530")
c.user, c.password = "bob", "correct horse"
r = c.auth("PLAIN", c.auth_plain)
check(r[0] == 235, "AUTH PLAIN: %r" % (r,))
check(c.docmd("AUTH", "PLAIN")[0] == 503, "AUTH twice: 503")
r = c.docmd("MAIL", "FROM:<alice@example.com>")
check(r[0] == 553 and r[1].startswith(b"5.7.1"), "MAIL FROM another account's address: %r" % (r,))
clearq()
c.sendmail("bob+sent@example.com", ["someone@far.example", "alice@example.com"], "Subject: s\r\n\r\nhi\r\n")
q = queued()
check(len(q) == 1 and q[0][0][:8] == ["-c", "c", "-y", "3", "-a", "bob", "-i", "127.0.0.1"] and
      q[0][0][-3:] == ["--", "someone@far.example", "alice@example.com"], "submitted, relayed: %r" % q)
check(len(q) == 1 and b"with ESMTPSA id" in q[0][1], "ESMTPSA in Received:")
c.quit()


def session(implicit=False):
    if implicit:
        c = smtplib.SMTP_SSL("127.0.0.1", iport, context=CTX)
        c.ehlo("me.example")
    else:
        c = smtplib.SMTP("127.0.0.1", port)
        c.starttls(context=CTX)
        c.ehlo("me.example")
    c.user, c.password = "bob", "correct horse"
    return c


for mech in ("LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"):
    c = session()
    if mech.startswith("SCRAM"):
        a = Scram(mech[6:].replace("-", "").lower(), "bob", "correct horse")
        r = c.auth(mech, a, initial_response_ok=True)
        check(getattr(a, "verified", False), mech + ": server signature verified")
    else:
        r = c.auth(mech, getattr(c, "auth_" + mech.lower().replace("-", "_")), initial_response_ok=False)
    check(r[0] == 235, mech + ": %r" % (r,))
    check(c.docmd("MAIL", "FROM:<bob@example.com>")[0] == 250, mech + ": MAIL as bob")
    c.quit()
c = session()
c.user = "bob@example.com"
check(c.auth("PLAIN", c.auth_plain)[0] == 235, "user name as an address")
c.quit()

# failures: delayed 1 s, 2 s, then 421 and closed
c = session()
check(c.docmd("AUTH", "PLAIN *")[0] == 501, "bad base64 initial response: 501")
c.docmd("AUTH", "LOGIN")
check(c.docmd("*")[0] == 501, "AUTH cancelled: 501")
c.password = "wrong horse"
times = []
for i in range(2):
    t0 = time.time()
    try:
        c.auth("PLAIN", c.auth_plain)
        r = None
    except smtplib.SMTPAuthenticationError as e:
        r = e.smtp_code, e.smtp_error
    times.append(time.time() - t0)
    check(r and r[0] == 535 and r[1].startswith(b"5.7.8"), "wrong password %d: %r" % (i, r))
check(0.9 < times[0] < 1.8 and 1.9 < times[1] < 2.8, "delays %r" % times)
t0 = time.time()
r = c.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0nobody\0correct horse").decode())
check(r[0] == 421 and time.time() - t0 > 3.5, "third failure (unknown user): 421 after 4 s: %r" % (r,))
check(c.sock.recv(100) == b"", "closed after 421")
check("result=fail mech=PLAIN user=bob ip=127.0.0.1 failures=2" in log(), "failure logged")
c.close()

# STARTTLS with pipelined plaintext after it: the plaintext is dropped
raw = socket.create_connection(("127.0.0.1", port))
f = raw.makefile("rb")
f.readline()
raw.sendall(b"EHLO me.example\r\n")
while f.readline()[3:4] == b"-":
    pass
raw.sendall(b"STARTTLS\r\nRSET\r\n")
check(f.readline().startswith(b"220 2.0.0"), "STARTTLS 220")
t = CTX.wrap_socket(raw, server_hostname="localhost")
t.sendall(b"NOOP\r\n")
r = t.recv(100)
check(r.startswith(b"250 2.0.0 ok"), "the injected RSET got no reply: %r" % r)
t.close()
check("discarded=6 why=\"plaintext after STARTTLS\"" in log(), "injection logged")
lp.terminate()

# implicit TLS (465): tern-tls -S, tern-smtp-in -s -S
iport, ip = listener(["tern-tls", "-S", "-k", "key.pem", "-c", "cert.pem", "tern-smtp-in", "-c", "c", "-s", "-S"])
c = session(True)
check(not c.has_extn("starttls") and "PLAIN" in mechs(c), "465: AUTH at once, no STARTTLS")
check(c.auth("SCRAM-SHA-256", Scram("sha256", "bob", "correct horse"), initial_response_ok=True)[0] == 235, "465: SCRAM-SHA-256")
clearq()
c.sendmail("bob@example.com", ["x@far.example"], "Subject: i\r\n\r\nhi\r\n")
c.quit()
q = queued()
check(len(q) == 1 and b"with ESMTPSA id" in q[0][1], "465: queued, ESMTPSA")
ip.terminate()
lp.wait()
ip.wait()
done()

# submit.py: tern-sendmail mode submit (see submit.test).
import os, subprocess, sys, time
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "sendmail/t"))
from fakesmtp import Fake

dovecot_smarthost("tern-sendmail-test")
relay = Fake(12526)
dv = start(["dovecot", "-F", "-c", D + "/dovecot.conf"], "127.0.0.1", 12587)
check(dv.poll() is None, "dovecot started")
HOME = os.getcwd()
MSG = b"To: r@dst.test\nCc: Carol <c@dst.test>\nBcc: hidden@dst.test\nSubject: via dovecot\n\nhello\n"


def conf(name, **kw):
    kv = {"mode": "submit", "host": "127.0.0.1", "port": "12587", "tls": "starttls", "ca-file": D + "/cert.pem",
          "username": "alice", "password-file": D + "/pw", "from": "alice@a.test", "local-hostname": "client.test"}
    kv.update(kw)
    path = os.path.join(HOME, name + ".conf")
    open(path, "w").write("".join("%s %s\n" % (k, v) for k, v in kv.items() if v is not None))
    return path


def sendmail(args, msg=MSG, env=None):
    e = {"PATH": os.environ["PATH"], "HOME": HOME} if env is None else env
    p = subprocess.run(["tern-sendmail"] + args, input=msg, capture_output=True, timeout=60, env=e)
    return p.returncode, p.stderr.decode()


def dead():
    try:
        return open(HOME + "/dead.letter", "rb").read()
    except OSError:
        return b""


for mech in ("SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN"):
    n = len(relay.got)
    rc, err = sendmail(["-C", conf(mech, mechanisms=mech), "-t"])
    check(rc == 0 and err == "", "%s: exit %d: %s" % (mech, rc, err))
    check(len(relay.got) == n + 1 and sorted(relay.got[-1][1]) == ["c@dst.test", "hidden@dst.test", "r@dst.test"],
          "%s: relayed to the three recipients: %r" % (mech, relay.got[n:]))
time.sleep(1)   # the log process writes behind
log = open(D + "/dovecot.log").read().upper()
for m in ("SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN"):
    check(log.count("METHOD=" + m + ",") + log.count("METHOD=" + m + ")") >= 1, "dovecot logged " + m)
frm, rcpts, data = relay.got[-1]
check(frm == "alice@a.test", "envelope sender from the configuration: " + str(frm))
check(b"\nBcc:" not in data and b"hidden" not in data, "Bcc removed: %r" % data)
check(b"From: alice@a.test\r\n" in data and b"\r\nDate: " in data and b"@client.test>\r\n" in data,
      "From, Date, Message-ID added: %r" % data)
check(b"Received: by client.test" not in data, "no Received of ours in mode submit")

# no mechanisms configured: the strongest the server offers (SCRAM-SHA-256)
before = open(D + "/dovecot.log").read().upper().count("METHOD=SCRAM-SHA-256")
rc, err = sendmail(["-C", conf("auto"), "r@dst.test"])
time.sleep(1)
check(rc == 0 and open(D + "/dovecot.log").read().upper().count("METHOD=SCRAM-SHA-256") == before + 1,
      "default mechanisms: SCRAM-SHA-256 chosen: %d %s" % (rc, err))
# implicit TLS, and no TLS with CRAM-MD5
rc, err = sendmail(["-C", conf("implicit", tls="implicit", port="12465"), "r@dst.test"])
check(rc == 0, "tls implicit: %d %s" % (rc, err))
rc, err = sendmail(["-C", conf("notls", tls="none", mechanisms="CRAM-MD5"), "r@dst.test"])
check(rc == 0, "tls none, CRAM-MD5: %d %s" % (rc, err))
rc, err = sendmail(["-C", conf("notlsplain", tls="none", mechanisms="PLAIN"), "r@dst.test"])
check(rc == 75 and "without TLS" in err, "tls none, PLAIN refused by tern-smtp-out: %d %s" % (rc, err))

# a wrong password: temporary (75), the reason, the message in dead.letter
for mech in ("SCRAM-SHA-256", "CRAM-MD5", "PLAIN"):
    size = len(dead())
    n = len(relay.got)
    rc, err = sendmail(["-C", conf("bad" + mech, **{"password-file": D + "/badpw", "mechanisms": mech}), "-t"],
                       msg=MSG.replace(b"hello", mech.encode()))
    check(rc == 75 and "535" in err and "saved in %s/dead.letter" % HOME in err,
          "wrong password %s: %d %s" % (mech, rc, err))
    check(mech.encode() in dead()[size:] and b"Bcc: hidden@dst.test" in dead()[size:] and len(relay.got) == n,
          "wrong password %s: kept whole in dead.letter, nothing relayed" % mech)
check(os.stat(HOME + "/dead.letter").st_mode & 0o777 == 0o600, "dead.letter is 0600")
# an untrusted certificate: 75
rc, err = sendmail(["-C", conf("untrusted", **{"ca-file": None}), "r@dst.test"])
check(rc == 75, "unverified certificate: %d %s" % (rc, err))
# nothing listening: 75
rc, err = sendmail(["-C", conf("down", port="12999"), "r@dst.test"])
check(rc == 75 and "not sent to 1 of 1 recipients" in err, "server down: %d %s" % (rc, err))

# refusals from the fake server directly (no TLS, no auth)
fake = Fake(12530, {"nouser": "550 5.1.1 no such user", "policy": "554 5.7.1 not allowed", "later": "450 4.2.0 busy"})
plain = conf("fake", port="12530", tls="none", username=None, **{"password-file": None})
for rcpt, want in (("nouser", 67), ("policy", 69), ("later", 75)):
    n = len(fake.got)
    rc, err = sendmail(["-C", plain, "ok@x.test", rcpt + "@x.test"])
    check(rc == want and ("not sent to %s@x.test" % rcpt) in err and "not sent to 1 of 2 recipients" in err,
          "%s: exit %d (want %d): %s" % (rcpt, rc, want, err))
    check(len(fake.got) == n + 1 and fake.got[-1][1] == ["ok@x.test"], "%s: the other recipient got it" % rcpt)
rc, err = sendmail(["-C", plain, "nouser@x.test", "later@x.test"])
check(rc == 75, "a temporary and a permanent failure: 75: %d" % rc)
rc, err = sendmail(["-v", "-C", plain, "ok@x.test"])
check(rc == 0 and "info: sent to ok@x.test: 250" in err, "-v: %s" % err)
# the report lines log an address by the one rule (U-label, then A-label form)
rc, err = sendmail(["-v", "-C", plain, "ok@bücher.test", "nouser@xn--bcher-kva.test"])
check(rc == 67 and "info: sent to ok@bücher.test/ok@xn--bcher-kva.test: 250" in err
      and "warning: not sent to nouser@bücher.test/nouser@xn--bcher-kva.test: permanent failure: 550" in err,
      "IDN recipients logged in both forms: %s" % err)

# as cron: env -i, setsid, no HOME, stdin from a file
open("cron.msg", "wb").write(b"Subject: cron\n\nout\n")
with open("cron.msg", "rb") as f:
    p = subprocess.run(["setsid", os.environ["TERN_BIN"] + "/tern-sendmail", "-C", plain, "root"], stdin=f,
                       capture_output=True, env={}, timeout=60)
check(p.returncode == 0 and p.stdout == b"" and p.stderr == b"", "env -i setsid: %d %r" % (p.returncode, p.stderr))
check(fake.got[-1][1] == ["root@client.test"] and b"\r\nout\r\n" in fake.got[-1][2], "env -i: root@local-hostname")

# the same -t input through msmtp's sendmail mode and tern-sendmail
cmp = Fake(12531)
IN = (b"To: Bob <bob@x.test>, \"Eve, E\" <eve@x.test>\nCc: team: c1@x.test, c2@x.test;\nBcc: b1@x.test,\n b2@x.test\n"
      b"Subject: compare\n\nline\n.\n..two dots\nlast line without newline")
p = subprocess.run(["msmtp", "--host=127.0.0.1", "--port=12531", "--tls=off", "--auth=off", "--from=alice@a.test",
                    "-t", "-i", "extra@y.test"], input=IN, capture_output=True, timeout=60, env={"HOME": HOME})
check(p.returncode == 0, "msmtp: %d %r" % (p.returncode, p.stderr))
rc, err = sendmail(["-C", conf("cmp", port="12531", tls="none", username=None, **{"password-file": None}),
                    "-t", "-i", "extra@y.test"], msg=IN)
check(rc == 0, "tern-sendmail: %d %s" % (rc, err))
if len(cmp.got) == 2:
    (f1, r1, d1), (f2, r2, d2) = cmp.got
    check(f1 == f2 == "alice@a.test", "same sender: %s %s" % (f1, f2))
    check(sorted(r1) == sorted(r2) and len(r2) == 7, "same recipients: %r %r" % (r1, r2))
    # the addresses whole: tern-sendmail's Message-ID ends in 16 random hex
    # digits and "@client.test", which ended in "b1@" one run in 256
    bcc = lambda d: [l for l in d.split(b"\r\n\r\n", 1)[0].split(b"\r\n") if l.lower().startswith(b"bcc:")]
    check(not bcc(d1) and not bcc(d2) and all(a not in d for a in (b"b1@x.test", b"b2@x.test") for d in (d1, d2)),
          "Bcc removed by both: %r %r" % (d1[:400], d2[:400]))
    h1, b1 = d1.split(b"\r\n\r\n", 1)
    h2, b2 = d2.split(b"\r\n\r\n", 1)
    check(b1 == b2 == b"line\r\n.\r\n..two dots\r\nlast line without newline\r\n", "same body: %r %r" % (b1, b2))
    for f in (b"To:", b"Cc:", b"Subject:"):
        g1 = [l for l in h1.split(b"\r\n") if l.startswith(f)]
        g2 = [l for l in h2.split(b"\r\n") if l.startswith(f)]
        check(g1 == g2 and g1, "same %s field: %r %r" % (f, g1, g2))
    for f in (b"From: alice@a.test", b"Date: "):
        check(any(l.startswith(f) for l in h1.split(b"\r\n")) and any(l.startswith(f) for l in h2.split(b"\r\n")),
              "both added %r" % f)
else:
    check(False, "msmtp and tern-sendmail each sent one message: %r" % cmp.got)
finish()

# smtp-in/t/junk.test: junk-reject through tern-smtp-in writing the queue.
import os, re, signal, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "queue", "t"))
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "smtp-in", "t"))
from junkfix import *
from smtpin import Session, log

setup({"bob": ["junk-reject temporary", "rejects-mailbox Rejects"],
       "alice": ["junk-reject permanent", "rejects-mailbox Spam"],
       "dave": ["junk-reject permanent"],
       "erin": ["junk-reject temporary"],
       "carol": [],
       "frank": ["junk-reject temporary", "rejects-mailbox Rejects"],
       "gina": ["junk-reject permanent", "rejects-mailbox Spam"]})
spam, ham = train("bob", smtpable)
train("alice")
train("dave")
train("frank")
train("gina")
Q = DATA + "/queue"


def send(rcpts, path, extra={}, prefix=()):
    """one message in an MX session: the final reply"""
    s = Session(extra=dict(extra, TERN_QUEUE_INJECT=""), prefix=prefix)
    s.cmd("EHLO client.example.net")
    s.cmd("MAIL FROM:<x@remote.example>")
    for r in rcpts:
        s.cmd("RCPT TO:<%s@example.org>" % r)
    s.cmd("DATA")
    s.send(smtpdata(path))
    r = s.reply(timeout=60)
    s.cmd("QUIT")
    s.end()
    return r or ""


def queued():
    return sorted(os.listdir(Q + "/todo")) if os.path.isdir(Q + "/todo") else []


def tmpfiles():
    return os.listdir(Q + "/tmp") if os.path.isdir(Q + "/tmp") else []


def variant(path, n, msgid=None):
    """path's message with its Message-ID replaced (msgid, else a new one
    per n) and an X-Variant: n field: a file in the work directory"""
    lines = open(path, "rb").read().split(b"\n")
    end = lines.index(b"") if b"" in lines else len(lines)
    keep, i = [], 0
    while i < end:
        j = i + 1
        while j < end and lines[j][:1] in (b" ", b"\t"):
            j += 1
        if not lines[i].lower().startswith(b"message-id:"):
            keep += lines[i:j]
        i = j
    mid = msgid or "<variant%d.%d@remote.example>" % (n, os.getpid())
    out = W + "/variant%d" % n
    open(out, "wb").write(b"\n".join([b"Message-ID: " + mid.encode(), b"X-Variant: %d" % n] + keep + lines[end:]))
    return out


def junklines(account):
    return re.findall(r"^tern-smtp-in: info: junk session=\S+ account=%s (.*)$" % account, log(), re.M)


# every recipient refuses, temporarily: 451 4.7.1, not queued, a copy in Rejects
r = send(["bob"], spam)
check(r.startswith("451 4.7.1 "), "junk-reject temporary: 451 4.7.1: %r" % r)
check(queued() == [] and tmpfiles() == [], "nothing queued, nothing left in tmp/: %r %r" % (queued(), tmpfiles()))
l = junklines("bob")
check(len(l) == 1 and re.match(r"junk=(0\.99|1\.00) action=temporary copy=Rejects$", l[0]), "logged with the probability: %r" % l)
check(re.search(r'reject session=\S+ reply="451 4\.7\.1 [^"]*" cmd=DATA', log()), "and the reject line")
recs = records("bob", "Rejects")
check(len(recs) == 1 and recs[0][1] & 0xffff == F_SEEN and not recs[0][1] >> 16,
      "the copy in Rejects: \\Seen only (rejects is neutral), untrained: %r" % recs)
check(stats("bob") == (NHAM, NSPAM), "bob's filter unchanged: %r" % (stats("bob"),))
# the sender tries again (451 is temporary): no second copy, twice
for k in (2, 3):
    r = send(["bob"], spam)
    n = len(records("bob", "Rejects"))
    check(r.startswith("451 4.7.1 ") and n == 1, "attempt %d of the same message: refused, still one copy: %r %d" % (k, r, n))
check(re.match(r"junk=(0\.99|1\.00) action=temporary copy=Rejects kept=earlier$", junklines("bob")[-1]),
      "the retry's line says its copy was kept before: %r" % junklines("bob")[-1:])
# another message: its own copy; one with that Message-ID and other bytes (a
# sender that rewrites a retry) is the same message, as the reference counts it
spam2 = variant(spam, 2)
r = send(["bob"], spam2)
check(r.startswith("451 4.7.1 ") and len(records("bob", "Rejects")) == 2, "a different message: a second copy: %r %d" % (r, len(records("bob", "Rejects"))))
r = send(["bob"], variant(spam, 3, "<variant2.%d@remote.example>" % os.getpid()))
check(r.startswith("451 4.7.1 ") and len(records("bob", "Rejects")) == 2, "same Message-ID, other bytes: no copy: %r %d" % (r, len(records("bob", "Rejects"))))
# permanently: 550 5.7.1; alice's rejects mailbox Spam is a junk mailbox: $Junk, trained
r = send(["alice"], spam)
check(r.startswith("550 5.7.1 "), "junk-reject permanent: 550 5.7.1: %r" % r)
recs = records("alice", "Spam")
check(len(recs) == 1 and recs[0][1] & 0xffff == F_SEEN | F_JUNK and (recs[0][1] >> 16) == 2,
      "a copy in Spam: \\Seen $Junk, trained as spam: %r" % recs)
check(stats("alice") == (NHAM, NSPAM + 1), "alice's filter counts it: %r" % (stats("alice"),))
r = send(["dave"], spam)
check(r.startswith("550 5.7.1 ") and "copy=" not in junklines("dave")[-1], "no rejects mailbox: refused, no copy: %r" % r)
# temporary and permanent together: temporary wins, each gets its copy
r = send(["bob", "alice"], variant(spam, 4))
check(r.startswith("451 4.7.1 ") and len(records("bob", "Rejects")) == 3 and len(records("alice", "Spam")) == 2,
      "temporary and permanent recipients: 451 4.7.1, two copies: %r" % r)
check(queued() == [], "still nothing queued")
# two attempts of one message at once (two sender queues): one copy
import threading
spam5, got = variant(spam, 5), []
ts = [threading.Thread(target=lambda: got.append(send(["bob"], spam5))) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
check(len(got) == 2 and all(r.startswith("451 4.7.1 ") for r in got) and len(records("bob", "Rejects")) == 4,
      "two attempts at once: both refused, one copy: %r %d" % (got, len(records("bob", "Rejects"))))
# the rejects mailbox keeps 14 days (as the reference's): a copy prunes the
# older ones, oldest first; a trained one (alice's Spam is a junk mailbox)
# is untrained first
import time
def live(name, mbox):
    return [x for x in records(name, mbox) if not x[1] & 0x8000]   # not expunged


def local(account, mailbox, days, path):
    with open(path, "rb") as f:
        r = subprocess.run(["tern-queue-local", "-m", mailbox, "-c", "c", "-d", str(int(time.time() - days * 86400)), account],
                           stdin=f, capture_output=True)
    check(r.returncode == 0, "tern-queue-local -m %s -d (%d days ago): %r" % (mailbox, days, r.stderr))
for days in (20, 15, 13):
    local("frank", "Rejects", days, ham)
local("gina", "Spam", 15, ham)
check(len(live("frank", "Rejects")) == 3 and stats("gina") == (NHAM, NSPAM + 1),
      "3 old copies in frank's Rejects, 1 in gina's Spam, trained: %r" % (stats("gina"),))
r = send(["frank", "gina"], variant(spam, 6))
n = len(live("frank", "Rejects"))
check(r.startswith("451 4.7.1 ") and n == 2, "frank: the copies of 20 and 15 days ago removed, that of 13 kept, the new one made: %d" % n)
check(len(live("gina", "Spam")) == 1 and stats("gina") == (NHAM, NSPAM + 1),
      "gina: the old copy removed and untrained, the new one trained: %d %r" % (len(live("gina", "Spam")), stats("gina")))
check(re.search(r"^tern-queue-local: info: prune account=frank mailbox=Rejects removed=2$", log(), re.M)
      and re.search(r"^tern-queue-local: info: prune account=gina mailbox=Spam removed=1$", log(), re.M),
      "the prunes are logged: %r" % log()[-600:])
# ham is accepted (logged action=accept); so is an untrained filter's unsure
r = send(["bob"], ham)
check(r.startswith("250 ") and re.match(r"junk=0\.0\d action=accept$", junklines("bob")[-1]), "ham accepted: %r %r" % (r, junklines("bob")[-1:]))
r = send(["erin"], spam)
check(r.startswith("250 ") and junklines("erin") == ["junk=unsure action=accept"], "untrained filter: accepted: %r %r" % (r, junklines("erin")))
# a recipient without junk-reject: accepted, and delivered: bob's copy to Junk, carol's to the Inbox
n = len(queued())
r = send(["bob", "carol"], spam)
check(r.startswith("250 ") and len(queued()) == n + 1, "bob and carol: accepted and queued: %r" % r)
run = subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run.log", "wb"))
try:
    waitfor(lambda: len(records("carol", "Inbox")) == 1 and len(records("bob", "Junk")) == 1)
    check(len(records("carol", "Inbox")) == 1 and len(records("bob", "Junk")) == 1 and len(records("bob", "Inbox")) == 1,
          "delivered: carol's Inbox, bob's Junk (and the ham in bob's Inbox): %r" % open("run.log").read()[-600:])
finally:
    stop(run)
# through the junk door (junk-socket), with the session as another user
# that may not read the store, as tern-users(7) sets it up: a retry is
# recognised too: tern-queue-local -R, run by the door, keeps ACCT/rejects
# (three attempts made three copies before: the session could not open it)
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
def opento(path, mode):
    os.chmod(path, os.stat(path).st_mode | mode)
opento(os.path.dirname(W), 0o011)
opento(W, 0o011)
for dp, dn, fn in os.walk(W + "/c"):
    opento(dp, 0o055)
    for f in fn:
        opento(os.path.join(dp, f), 0o044)
opento(DATA, 0o011)
opento(Q, 0o011)
for d in ("tmp", "todo", "pool"):
    os.makedirs(Q + "/" + d, exist_ok=True)
    opento(Q + "/" + d, 0o077 if d == "pool" else 0o033)  # pool/ is synced: opened for reading
door = subprocess.Popen(["s6-ipcserver", W + "/door.sock", "s6-sudod", "tern-door", "-c", W + "/c"],
                        stderr=open("door.log", "wb"))
try:
    waitfor(lambda: os.path.exists(W + "/door.sock"))
    with open("c/tern.conf", "a") as f:
        f.write("junk-socket %s/door.sock\n" % W)
    sh("tern-conf", "-c", "c", "compile")
    spam7, n0 = variant(spam, 7), len(records("bob", "Rejects"))
    check(subprocess.run(NOBODY + ["sh", "-c", "exec 3<>%s/rejects" % acct("bob")]).returncode != 0,
          "the session's user cannot open bob's rejects ring")
    got = [send(["bob"], spam7, prefix=NOBODY) for _ in range(3)]
    n = len(records("bob", "Rejects"))
    check(all(r.startswith("451 4.7.1 ") for r in got) and n == n0 + 1,
          "through the door, three attempts: refused, one copy: %r %d -> %d %r" % (got, n0, n, open("door.log").read()[-300:]))
    check(re.match(r"junk=(0\.99|1\.00) action=temporary copy=Rejects kept=earlier$", junklines("bob")[-1]),
          "the door's retry line says its copy was kept before: %r" % junklines("bob")[-1:])
    check("op=classify" not in log()[-2000:] and "op=copy" not in log()[-2000:], "no error through the door: %r" % log()[-400:])
finally:
    stop(door)
    lines = [l for l in open("c/tern.conf").read().splitlines() if not l.startswith("junk-socket")]
    open("c/tern.conf", "w").write("\n".join(lines) + "\n")
    sh("tern-conf", "-c", "c", "compile")
# a damaged filter: 451 4.3.0, a warning names the file
jdir = acct("dave") + "/junk"
for f in os.listdir(jdir):
    p = jdir + "/" + f
    if os.path.isfile(p) and os.path.getsize(p) > 0:
        open(p, "r+b").write(b"\xff" * min(64, os.path.getsize(p)))
r = send(["dave"], spam)
check(r.startswith("451 4.3.0 "), "damaged filter: 451 4.3.0: %r" % r)
check(re.search(r"^tern-junk: fatal: damaged database %s/\S+: " % re.escape(jdir), log(), re.M)
      and re.search(r"^tern-smtp-in: warning: error session=\S+ op=classify account=dave error=", log(), re.M),
      "tern-junk's line names the file, then the session's warning: %r" % log()[-400:])
# tern-junk not in PATH: 451 4.3.0 and a warning that says so
os.makedirs("only", exist_ok=True)
os.symlink(os.path.join(os.environ["TERN_BIN"], "tern-smtp-in"), "only/tern-smtp-in")
r = send(["bob"], spam, {"PATH": W + "/only:/usr/bin:/bin"})
check(r.startswith("451 4.3.0 ") and re.search(r'op=classify account=bob error="tern-junk could not run \(PATH\?\)"', log()),
      "no tern-junk in PATH: 451 4.3.0, said: %r" % log()[-300:])
sys.exit(1 if report() else 0)

# queue/t/junk.test: tern-queue-run's local deliveries with junk filters.
import os, re, shutil, signal, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "queue", "t"))
from junkfix import *

setup({"bob": [], "alice": [], "carol": ["nofilter"]})
spam, ham = train("bob")
env = dict(os.environ, TERN_QUEUE_BASE_DELAY="1")
run = subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run.log", "wb"), env=env)


def log():
    return open("run.log", errors="replace").read()


def inject(path, rcpt, *opts):
    r = sh("tern-queue-inject", "-c", "c", *opts, "-f", "x@remote.example", rcpt, inp=open(path, "rb").read())
    return r.stdout.decode().strip()


def delivery(mid, result="ok"):
    """the delivery line of message mid with that result, within a minute"""
    pat = re.compile(r"^tern-queue-run: \w+: delivery id=%s .*result=%s.*$" % (re.escape(mid), result), re.M)
    m = waitfor(lambda: pat.search(log()))
    return m.group(0) if m else ""


def junkval(line):
    m = re.search(r" junk=(\S+)", line)
    return m.group(1) if m else None


try:
    outside = ("-i", "192.0.2.7", "-H", "mx.remote.example")
    # a sure spam from outside: Junk, $Junk, trained as spam, logged
    line = delivery(inject(spam, "bob@example.org", *outside))
    v = junkval(line)
    check(v is not None and v != "unsure" and float(v) >= 0.95 and line.endswith(" mailbox=Junk"),
          "spam: the delivery line says junk=P mailbox=Junk: %r" % line)
    recs = records("bob", "Junk")
    check(mailboxes("bob").get("Junk", (0, ""))[1] == "\\Junk", "bob's Junk has special use \\Junk: %r" % mailboxes("bob"))
    check(len(recs) == 1 and recs[0][1] & F_JUNK and not recs[0][1] & F_NOTJUNK, "spam in Junk with $Junk: %r" % recs)
    check(len(recs) == 1 and (recs[0][1] >> 16) & 3 == 2, "and trained as spam (state 2): %r" % recs)
    check(stats("bob") == (NHAM, NSPAM + 1), "the filter counts one more spam: %r" % (stats("bob"),))
    check(records("bob", "Inbox") == [], "nothing in bob's Inbox")
    # a sure ham from outside: Inbox, untrained, the probability logged
    line = delivery(inject(ham, "bob@example.org", *outside))
    v = junkval(line)
    check(v is not None and v != "unsure" and float(v) <= 0.05 and "mailbox=" not in line,
          "ham: junk=P on the delivery line, no mailbox: %r" % line)
    recs = records("bob", "Inbox")
    check(len(recs) == 1 and not recs[0][1] & (F_JUNK | F_NOTJUNK) and not recs[0][1] >> 16,
          "ham in the Inbox, no junk flag, untrained: %r" % recs)
    check(stats("bob") == (NHAM, NSPAM + 1), "the filter unchanged by the ham: %r" % (stats("bob"),))
    # the same spam submitted by bob, and from the local sendmail: not classified
    line = delivery(inject(spam, "bob@example.org", "-a", "bob", "-i", "192.0.2.7"))
    check(line and junkval(line) is None, "a submission is not classified: %r" % line)
    line = delivery(inject(spam, "bob@example.org"))
    check(line and junkval(line) is None, "local mail (no ip) is not classified: %r" % line)
    check(len(records("bob", "Inbox")) == 3 and len(records("bob", "Junk")) == 1, "both in the Inbox")
    # an account whose filter has not trained: unsure, Inbox; no filter: as before
    line = delivery(inject(spam, "alice@example.org", *outside))
    check(junkval(line) == "unsure" and "mailbox=" not in line, "untrained filter: junk=unsure: %r" % line)
    check(len(records("alice", "Inbox")) == 1 and not records("alice", "Inbox")[0][1] >> 16, "untrained filter: Inbox, untrained")
    line = delivery(inject(spam, "carol@example.org", *outside))
    check(line and junkval(line) is None and len(records("carol", "Inbox")) == 1, "no filter: Inbox, no junk=: %r" % line)
    # tern-queue-local by itself: -j classifies, its info line says so
    r = sh("tern-queue-local", "-j", "-c", "c", "bob", inp=open(spam, "rb").read())
    err = r.stderr.decode()
    check(r.returncode == 0 and re.match(r"tern-queue-local: info: junk account=bob junk=\S+ mailbox=Junk\n$", err),
          "tern-queue-local -j: exit 0 and one info line: %d %r" % (r.returncode, err))
    r = sh("tern-queue-local", "-c", "c", "bob", inp=open(spam, "rb").read())
    check(r.returncode == 0 and r.stderr == b"" and len(records("bob", "Inbox")) == 4, "without -j: the Inbox, silent")
    # -m: into that mailbox (made when missing), -S: \Seen, no classifying; with -j: usage
    r = sh("tern-queue-local", "-S", "-m", "Lists/x", "-c", "c", "bob", inp=open(spam, "rb").read())
    recs = records("bob", "Lists/x")
    check(r.returncode == 0 and len(recs) == 1 and recs[0][1] & 0xffff == F_SEEN | F_NOTJUNK and (recs[0][1] >> 16) == 1,
          "-S -m Lists/x: \\Seen and the notjunk mailbox's $NotJunk, trained as ham: %d %r" % (r.returncode, recs))
    r = sh("tern-queue-local", "-j", "-m", "Lists/x", "-c", "c", "bob", inp=b"x")
    check(r.returncode == 100, "-j with -m: usage, exit 100: %d" % r.returncode)
    # a damaged filter: the delivery waits, a warning names the file; repaired, it goes to Junk
    jdir = acct("bob") + "/junk"
    saved = {}
    for n in sorted(os.listdir(jdir)):
        p = jdir + "/" + n
        if os.path.isfile(p) and os.path.getsize(p) > 0:
            saved[p] = open(p, "rb").read()
            open(p, "r+b").write(b"\xff" * min(64, len(saved[p])))
    check(saved, "bob's filter has files to damage: %r" % os.listdir(jdir))
    mid = inject(spam, "bob@example.org", *outside)
    line = delivery(mid, "temp")
    check("local delivery failed temporarily (exit 111)" in line, "damaged filter: the delivery fails temporarily: %r" % line)
    warn = re.search(r"^tern-queue-local: warning: unable to classify for account bob: damaged junk filter: (\S+): .*\(the message waits in the queue\)$",
                     log(), re.M)
    check(warn and warn.group(1).startswith(jdir), "a warning names the damaged file: %r" % (warn and warn.group(0)))
    check(os.path.exists(DATA + "/queue/mess/" + mid) or any(mid in n for n in os.listdir(DATA + "/queue/todo")),
          "the message stays queued")
    check(len(records("bob", "Inbox")) == 4 and len(records("bob", "Junk")) == 2, "nothing went to the Inbox")
    for p, b in saved.items():
        open(p, "wb").write(b)
    line = delivery(mid, "ok")
    check(line.endswith(" mailbox=Junk") and len(records("bob", "Junk")) == 3, "repaired: the retry goes to Junk: %r" % line)
    # the workers keep an account's junk settings compiled while config.cdb
    # stays the same file: a new one (compile) is used from the next job on
    n = len(records("bob", "Inbox"))
    line = delivery(inject(ham, "bob@example.org"))
    recs = records("bob", "Inbox")
    check(line and len(recs) == n + 1 and not recs[-1][1] & (F_JUNK | F_NOTJUNK), "local mail to the Inbox: no junk flag: %r" % recs[-1:])
    lines = open("c/accounts/bob").read().splitlines()
    lines = [l for l in lines if not l.startswith("junk-mailbox ")] + ["junk-mailbox ^(junk|spam|inbox)"]
    open("c/accounts/bob", "w").write("\n".join(lines) + "\n")
    r = sh("tern-conf", "-c", "c", "compile")
    check(r.returncode == 0, "compile: %r" % r.stderr)
    line = delivery(inject(ham, "bob@example.org"))
    recs = records("bob", "Inbox")
    check(line and len(recs) == n + 2 and recs[-1][1] & F_JUNK, "junk-mailbox ^(junk|spam|inbox) compiled: the next one has $Junk: %r" % recs[-1:])
finally:
    stop(run)
# the runner with TERN_QUEUE_LOCAL (an exec of tern-queue-local per delivery): -j passed, its info line
run = subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run.log", "wb"), env=dict(env, TERN_QUEUE_LOCAL="tern-queue-local"))
try:
    n = len(records("bob", "Junk"))
    line = delivery(inject(spam, "bob@example.org", *outside))
    check(line and len(records("bob", "Junk")) == n + 1 and re.search(r"^tern-queue-local: info: junk account=bob junk=\S+ mailbox=Junk$", log(), re.M),
          "TERN_QUEUE_LOCAL: classified by tern-queue-local -j, into Junk, its info line: %r" % log()[-300:])
finally:
    stop(run)
sys.exit(1 if report() else 0)

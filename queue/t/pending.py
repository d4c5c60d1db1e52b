# pending.py: a worker's deliveries kept for the bulk sync are only
# written into tmp/ (tern-queue-run(8), TERN_QUEUE_SYNC_WAIT): nothing in
# cur/ before the sync.  1: four messages in one batch, the mailbox of one
# of them moved away before the sync (the runner's stop sends it): its
# commit fails and only it is put off (111, result=temp), the other three
# are delivered; moved back, it is delivered on the retry, once.  2: a
# worker holding five kept deliveries killed with SIGKILL: each is put
# off and delivered on the retry, each once (none was in cur/).  The long
# TERN_QUEUE_SYNC_WAIT makes the window (TERN_QUEUE_SYNC_QUIET=0: no
# early sync when deliveries pause); every wait is on a condition.  3: a
# lone delivery is synced once none has come for TERN_QUEUE_SYNC_QUIET ms.
import os, re, signal, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "smtp-in/t"))
from smtpin import *
from terntest import waitfor

Q = setup_serial()


def inject(n, who):
    m = "Subject: m%d\r\nX-Seq: %d\r\n\r\nbody %d\r\n" % (n, n, n)
    return sh("tern-queue-inject -c c -f sender@remote.example %s@example.com" % who, m).strip()


def seqs(who):
    return sorted(int(m.group(1)) for b in mailfiles(who, "cur").values() for m in [re.search(rb"X-Seq: (\d+)\r\n", b)] if m)


def whole(who):
    return all(re.search(rb"\r\nbody \d+\r\n$", b) for b in mailfiles(who, "cur").values())


def start(log, **env):
    e = dict(os.environ, **env)
    return subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open(log, "ab"), env=e)


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)


def written(who, n, skip=()):
    """n files in who's tmp/ (besides skip), each whole"""
    t = {k: v for k, v in mailfiles(who, "tmp").items() if k not in skip}
    return len(t) == n and all(re.search(rb"\r\nbody \d+\r\n$", b) for b in t.values())


def lines(log, pat):
    return [l for l in open(log, errors="replace").read().splitlines() if re.search(pat, l)]


# 1: one commit fails at the sync, the others of its batch do not
ids = [inject(0, "alice"), inject(1, "bob"), inject(2, "alice"), inject(3, "alice")]
r = start("run1.log", TERN_QUEUE_SYNC_WAIT="10000", TERN_QUEUE_SYNC_QUIET="0")
check(waitfor(lambda: written("alice", 3) and written("bob", 1), 60), "4 deliveries written into tmp/")
check(not mailfiles("alice", "cur") and not mailfiles("bob", "cur"), "none in cur/ before the sync (not yet durable: not visible)")
bobtmp = list(mailfiles("bob", "tmp"))
mbox = os.path.dirname(os.path.dirname(bobtmp[0])) if bobtmp else None
if mbox: os.rename(mbox, mbox + ".away")
stop(r)
ok = lines("run1.log", r"delivery .*result=ok")
temp = lines("run1.log", r"delivery .*result=temp")
check(len(ok) == 3 and all("rcpt=alice@example.com" in l for l in ok), "the 3 of alice delivered at the sync: %r" % ok)
check(sorted(re.search(r"id=(\S+)", l).group(1) for l in ok) == sorted([ids[0], ids[2], ids[3]]), "each its own job's line")
check(len(temp) == 1 and "id=%s " % ids[1] in temp[0] and "rcpt=bob@example.com" in temp[0],
      "only bob's put off (111: its commit failed): %r" % temp)
check(lines("run1.log", r"commit a delivery in .*/bob/mail/"), "the worker says which commit failed")
check(not lines("run1.log", r"result=failed"), "no bounce")
check(seqs("alice") == [0, 2, 3] and whole("alice"), "alice's 3 whole in cur/: %r" % seqs("alice"))
if mbox: os.rename(mbox + ".away", mbox)
check(os.path.exists(Q + "/mess/" + ids[1]) and not mailfiles("bob", "cur"), "bob's message still queued, not in cur/")
sh("tern-queue -c c kick -all")  # its retry due now (the runner is down)
r = start("run2.log")
check(waitfor(lambda: qempty() and len(seqs("bob")) >= 1, 60), "bob's delivered on the retry")
stop(r)
check(seqs("bob") == [1] and whole("bob"), "bob's once, whole: %r" % seqs("bob"))
check(seqs("alice") == [0, 2, 3], "alice's not again: %r" % seqs("alice"))

# 2: kill -9 of a worker holding five kept deliveries
stale = set(mailfiles("bob", "tmp"))  # the file of the failed commit, left for tmp/'s cleanup (36 hours)
for n in range(10, 15): inject(n, "bob")
r = start("run3.log", TERN_QUEUE_SYNC_WAIT="10000", TERN_QUEUE_SYNC_QUIET="0")
check(waitfor(lambda: written("bob", 5, stale), 60), "5 deliveries written into tmp/")
check(seqs("bob") == [1], "none in cur/")
kids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(r.pid)], capture_output=True, text=True).stdout.split()
check(len(kids) == 1, "one worker: %r" % kids)
for k in kids: os.kill(int(k), signal.SIGKILL)
check(waitfor(lambda: len(lines("run3.log", r"delivery .*result=temp")) == 5, 60), "each of the 5 put off")
stop(r)
check(not lines("run3.log", r"result=(ok|failed)"), "none counted done or failed")
sh("tern-queue -c c kick -all")
r = start("run4.log")
check(waitfor(lambda: qempty() and len(seqs("bob")) >= 6, 60), "the 5 delivered on the retry")
stop(r)
check(seqs("bob") == [1, 10, 11, 12, 13, 14] and whole("bob"), "each once, whole: %r" % seqs("bob"))
check(len(lines("run4.log", r"delivery .*result=ok")) == 5, "5 delivery lines")

# 3: the quiet rule: no delivery answered for TERN_QUEUE_SYNC_QUIET ms,
# the kept ones sync without waiting out TERN_QUEUE_SYNC_WAIT (10 s here:
# a delivery logged within 8 s came by the quiet rule)
qid = inject(20, "alice")
r = start("run5.log", TERN_QUEUE_SYNC_WAIT="10000", TERN_QUEUE_SYNC_QUIET="100")
t0 = time.time()
check(waitfor(lambda: lines("run5.log", r"delivery .*id=%s .*result=ok" % qid), 8),
      "a lone delivery synced after the quiet time, not the 10 s wait (%.1f s)" % (time.time() - t0))
stop(r)
check(seqs("alice") == [0, 2, 3, 20] and whole("alice"), "delivered once, whole: %r" % seqs("alice"))
done()

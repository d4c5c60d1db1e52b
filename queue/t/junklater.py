# junklater.py: deliveries into Junk that train the filter share the
# workers' bulk sync (tern-queue-run(8), TERN_QUEUE_SYNC_WAIT) like every
# other delivery, and are trained only once committed and durable.
# 1: 20 sure spams from outside queued while the runner is down, one
# worker, under strace -f: all in Junk with $Junk, each trained as spam
# (index state 2), the filter counts 20 more spam; fewer fsync-class
# calls than messages from the first message file on (before: two syncs per delivery of its own, the
# immediate path, plus the filter's commit each); the filter's first write
# (its journal) comes after the last rename into cur/ and the syncfs
# after it; the worker opens the queue's fssync file once (it keeps it
# mapped), not twice per delivery.  2: a worker killed (SIGKILL) with a spam written into Junk's
# tmp/ and not yet committed: the filter has not learnt it; the message
# is delivered again and trained once.
import os, re, signal, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "queue", "t"))
from junkfix import *
from terntest import waitfor

N = 20
setup({"bob": []})
with open("c/tern.conf", "a") as f:
    f.write("queue-concurrency 1\n")
check(sh("tern-conf", "-c", "c", "compile").returncode == 0, "compile with queue-concurrency 1")
spam, ham = train("bob")
OUTSIDE = ("-i", "192.0.2.7", "-H", "mx.remote.example")
CALLS = "trace=openat,rename,renameat,renameat2,syncfs,fdatasync,fsync,write,pwrite64"


def inject(path, rcpt):
    r = sh("tern-queue-inject", "-c", "c", *OUTSIDE, "-f", "x@remote.example", rcpt, inp=open(path, "rb").read())
    return r.returncode == 0


def qempty():
    q = DATA + "/queue"
    return not [n for d in ("todo", "mess") for n in os.listdir(q + "/" + d)]


def junktmp():
    m = mailboxes("bob").get("Junk")
    d = "%s/mail/%d/tmp" % (acct("bob"), m[0]) if m else None
    return os.listdir(d) if d and os.path.isdir(d) else []


def first(lines, pat, start=0):
    for i in range(max(start, 0), len(lines)):
        if re.search(pat, lines[i]): return i
    return -1


def last(lines, pat):
    for i in range(len(lines) - 1, -1, -1):
        if re.search(pat, lines[i]): return i
    return -1


def children(pid):
    try:
        return [int(x) for x in open("/proc/%d/task/%d/children" % (pid, pid)).read().split()]
    except OSError:
        return []


# 1: twenty at once, one worker, under strace
check(all([inject(spam, "bob@example.org") for _ in range(N)]), "%d spams queued" % N)
# one batch: synced 3 s after the last answer (not at a fixed age: a
# loaded machine would split it)
env = dict(os.environ, TERN_QUEUE_SYNC_WAIT="60000", TERN_QUEUE_SYNC_QUIET="3000", TERN_QUEUE_BASE_DELAY="1")
st = subprocess.Popen(["strace", "-f", "-s", "200", "-o", "trace.bulk", "-e", CALLS, "tern-queue-run", "-c", "c"],
                      stderr=open("run.log", "ab"), env=env)
rpid = [None]


def runner():
    try:
        m = re.match(r"(\d+) ", open("trace.bulk").readline())
    except OSError:
        m = None
    rpid[0] = int(m.group(1)) if m else None
    return rpid[0]


waitfor(runner, 60)
check(waitfor(lambda: qempty() and len(records("bob", "Junk")) == N, 180), "%d delivered into Junk, the queue empty" % N)
if rpid[0]: os.kill(rpid[0], signal.SIGTERM)
st.wait(timeout=120)
recs = records("bob", "Junk")
check(len(recs) == N and all(r[1] & F_JUNK for r in recs), "all %d in Junk with $Junk: %d" % (N, len(recs)))
check(len(recs) == N and all((r[1] >> 16) & 3 == 2 for r in recs), "each trained as spam (state 2): %r" % [r[1] >> 16 for r in recs])
check(stats("bob") == (NHAM, NSPAM + N), "the filter learnt them: %r (want %r)" % (stats("bob"), (NHAM, NSPAM + N)))
ls = open("trace.bulk").read().splitlines()
# (the first delivery makes the account's store and Junk, with fsyncs)
op = first(ls, r'openat\(.*/mail/\d+/tmp/[^"]*", O_WRONLY\|O_CREAT\|O_EXCL')
syncs = [l for l in ls[op:] if re.search(r' (fsync|fdatasync|syncfs)\(', l)] if op >= 0 else []
check(0 < len(syncs) < N, "%d deliveries into Junk: %d fsync-class calls from the first message file on (fewer than one per message)" % (N, len(syncs)))
# the worker keeps the queue's fssync file mapped (tern_fssync_keepmap):
# opened once, not twice per delivery
fo = [l for l in ls[op:] if re.search(r'openat\(.*/queue/fssync", O_RDWR', l)] if op >= 0 else []
check(len(fo) <= 2, "%d deliveries: the fssync state opened %d times by the worker (once, not per call)" % (N, len(fo)))
jw = first(ls, r'openat\(.*/junk/journal"')
rn = last(ls, r'rename\(".*/mail/\d+/tmp/[^"]*", ".*/cur/\d+"\) += 0')
sf = first(ls, r'syncfs\(\d+', rn) if rn >= 0 else -1
check(jw >= 0 and rn >= 0 and sf > rn and jw > sf,
      "the filter written only after the last rename into cur/ and the syncfs after it (%d, %d, %d)" % (rn, sf, jw))
check(not re.search(r'delivery.*result=temp', open("run.log", errors="replace").read()), "no delivery put off")

# 2: a worker killed before its commit
before = stats("bob")
check(inject(spam, "bob@example.org"), "one more spam queued")
env = dict(os.environ, TERN_QUEUE_SYNC_WAIT="60000", TERN_QUEUE_SYNC_QUIET="0", TERN_QUEUE_BASE_DELAY="1")
run = subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run2.log", "ab"), env=env)
got = waitfor(lambda: junktmp(), 60)
check(got, "written into Junk's tmp/, kept for the bulk sync: %r" % junktmp())
kids = children(run.pid)
check(len(kids) == 1, "one worker: %r" % kids)
for k in kids: os.kill(k, signal.SIGKILL)
check(stats("bob") == before and len(records("bob", "Junk")) == N, "killed before its commit: nothing recorded, the filter unchanged: %r" % (stats("bob"),))
# the runner retries it (a worker gone: temporary) into tmp/ again (the
# killed one's file stays there); SIGTERM makes the runner sync and stop
check(waitfor(lambda: len(junktmp()) >= 2, 120), "retried, written into tmp/ again: %r" % junktmp())
stop(run)
recs = records("bob", "Junk")
check(len(recs) == N + 1 and (recs[-1][1] >> 16) & 3 == 2, "delivered once, trained: %r" % (recs[N:],))
check(stats("bob") == (before[0], before[1] + 1) if before else False, "the filter learnt it once: %r" % (stats("bob"),))
report()

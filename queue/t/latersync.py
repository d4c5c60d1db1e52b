# latersync.py: the delivery workers' bulk sync (tern-queue-run(8),
# TERN_QUEUE_SYNC_WAIT), seen through strace -f of the runner and its
# workers.  1: three messages, one at a time: the worker writes each into
# tmp/ with no fsync of its own; a syncfs and a flush (fdatasync) come
# before its rename into cur/ (its data durable before its name), a
# second pair after it, and only then does the runner log its delivery
# and remove the queue file.  2: 20 messages queued while the runner is down, one
# worker (queue-concurrency 1): all arrive whole and the workers make
# fewer than one fsync-class call per message (before: an fsync of each
# file and one of cur/, two per message).  3: TERN_QUEUE_SYNC_WAIT=0: each
# delivery is fsynced before its rename, as before.
import os, re, signal, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "smtp-in/t"))
from smtpin import *
from terntest import waitfor

Q = setup_serial()
CALLS = "trace=openat,rename,renameat,renameat2,syncfs,fdatasync,fsync,unlink,unlinkat,write"


def send(n):
    return Session(extra={"TERN_QUEUE_INJECT": ""}).onemsg(n).startswith("250 ")


def stored():
    return list(mailfiles("bob").values())


def traced(out, extra=None):
    """the runner under strace -f: (strace, the runner's pid)"""
    st = subprocess.Popen(["strace", "-f", "-s", "300", "-o", out, "-e", CALLS, "tern-queue-run", "-c", "c"],
                          stderr=open("run.log", "ab"), env=dict(os.environ, **(extra or {})))
    pid = [None]
    def kid():
        # the trace's first line is the runner's (the only process then);
        # a listing of strace's children was once seen to name another
        try:
            m = re.match(r"(\d+) ", open(out).readline())
        except OSError:
            m = None
        pid[0] = int(m.group(1)) if m else None
        return pid[0]
    waitfor(kid, 60)
    return st, pid[0]


def stop(st, pid):
    if pid: os.kill(pid, signal.SIGTERM)
    st.wait(timeout=120)


def first(lines, pat, start):
    for i in range(max(start, 0), len(lines)):
        if re.search(pat, lines[i]): return i
    return -1


# 1: one at a time
st, rpid = traced("trace.one")
for n in range(3):
    check(send(n), "message %d: 250" % n)
    check(waitfor(lambda: qempty() and len(stored()) == n + 1, 120), "message %d delivered, the queue empty" % n)
stop(st, rpid)
ls = open("trace.one").read().splitlines()
prev = 0
for n in range(3):
    # its file in tmp/ (opened by a worker, written through that fd), then
    # renamed into cur/ under the same name
    op = first(ls, r'openat\(.*/mail/\d+/tmp/[^"]*", O_WRONLY\|O_CREAT\|O_EXCL.* = \d+$', prev)
    m = re.match(r'(\d+) +openat\(.*"([^"]*/tmp/[^"]*)".* = (\d+)$', ls[op]) if op >= 0 else None
    pid, tmp, fd = (m.group(1), m.group(2), m.group(3)) if m else ("-", "-", "-")
    wr = first(ls, r'^%s +write\(%s, ' % (pid, fd), op) if m else -1
    rn = first(ls, r'rename\("%s", ".*/cur/\d+"\) += 0' % re.escape(tmp), op) if m else -1
    sf = first(ls, r'syncfs\(\d+', wr) if wr >= 0 else -1
    fl = first(ls, r'fdatasync\(\d+', sf) if sf >= 0 else -1
    sf2 = first(ls, r'syncfs\(\d+', rn) if rn >= 0 else -1
    fl2 = first(ls, r'fdatasync\(\d+', sf2) if sf2 >= 0 else -1
    fl2end = first(ls, r'(fdatasync\(\d+\)|<\.\.\. fdatasync resumed>\)) += 0', fl2) if fl2 >= 0 else -1
    dl = first(ls, r'write\(2, .*delivery .*result=ok', op)
    ul = first(ls, r'unlink(at)?\(.*queue/mess/', op)
    check(op >= 0 and wr > op, "message %d: written into tmp/ by a worker" % n)
    check(wr >= 0 and sf > wr and fl > sf, "message %d: written, then a syncfs and a flush" % n)
    check(fl >= 0 and rn > fl, "message %d: renamed into cur/ only after them (its data durable before its name)" % n)
    check(rn >= 0 and sf2 > rn and fl2end > sf2, "message %d: renamed, then a second syncfs and flush" % n)
    check(fl2end >= 0 and dl > fl2end, "message %d: its delivery logged only after them" % n)
    check(fl2end >= 0 and ul > fl2end, "message %d: its queue file removed only after them" % n)
    # (the first delivery makes the account's store, with fsyncs)
    if n: check(fl2end >= 0 and not [l for l in ls[prev:fl2end] if re.search(r' fsync\(', l)],
                "message %d: no fsync from the last removal to its last flush (of the file or of cur/)" % n)
    prev = max(ul, prev)

# 2: twenty at once, one worker
for n in range(3, 23):
    check(send(n), "message %d: 250" % n) if n in (3, 22) else send(n)
st, rpid = traced("trace.bulk", {"TERN_QUEUE_SYNC_WAIT": "5000", "TERN_QUEUE_SYNC_QUIET": "0"})
check(waitfor(lambda: qempty() and len(stored()) == 23, 120), "20 more delivered, the queue empty")
stop(st, rpid)
ls = open("trace.bulk").read().splitlines()
syncs = len([l for l in ls if re.search(r' (fsync|fdatasync|syncfs)\(', l)])
check(0 < syncs <= 6, "20 deliveries: %d fsync-class calls (at most 6, fewer than one per message)" % syncs)
got = stored()
check(len(got) == 23 and all(re.search(rb"\r\nbody \d+\r\n$", m) for m in got), "all stored whole (%d)" % len(got))
check(not re.search(r'delivery.*result=temp', open("run.log").read()), "no delivery put off")

# 3: TERN_QUEUE_SYNC_WAIT=0, the old way
st, rpid = traced("trace.each", {"TERN_QUEUE_SYNC_WAIT": "0"})
check(send(23), "message 23: 250")
check(waitfor(lambda: qempty() and len(stored()) == 24, 120), "message 23 delivered")
stop(st, rpid)
ls = open("trace.each").read().splitlines()
rn = first(ls, r'rename.*/tmp/.*/cur/', 0)
fs = first(ls, r' fsync\(\d+\) += 0', 0)
check(rn >= 0 and 0 <= fs < rn, "TERN_QUEUE_SYNC_WAIT=0: the file fsynced before its rename into cur/")
check(first(ls, r'syncfs\(', 0) < 0, "TERN_QUEUE_SYNC_WAIT=0: no syncfs")
done()

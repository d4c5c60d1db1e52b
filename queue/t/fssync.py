# fssync.py: the order of a commit under strace: an SMTP session that
# writes the queue itself takes a file of the pool (a batch made and
# pool/ synced first when it is empty) and answers 250 only after the
# file's fdatasync and its rename into todo/, with no directory's sync
# (the default, tern-queue.5); with
# TERN_SYNC=syncfs (tern_fssync.h) only after the rename, a syncfs and a
# flush (fdatasync) through the message file's descriptor, with no fsync.
# A delivery worker with TERN_SYNC=syncfs syncs the same way around its
# rename into cur/ (queue/fssync counts its syncs), and the messages
# arrive whole.
import os, re, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "smtp-in/t"))
from smtpin import *
from terntest import waitfor

setup()
Q = D + "/data/queue"


def traced(mode, n):
    """one message through a session under strace: the calls in order"""
    out = "strace.%s" % (mode or "default")
    extra = {"TERN_QUEUE_INJECT": ""}
    if mode: extra["TERN_SYNC"] = mode
    s = Session(extra=extra, prefix=["strace", "-f", "-o", out, "-e",
                                     "trace=openat,rename,renameat,renameat2,syncfs,fdatasync,fsync,write,writev,sendto,sendmsg"])
    r = s.onemsg(n)
    return r, open(out).read().splitlines()


REPLY = r'(write|writev|sendto|sendmsg)\(\d+, .*"250 2\.0\.0'


def first(lines, pat, start=0):
    for i in range(start, len(lines)):
        if re.search(pat, lines[i]): return i
    return -1


def fdof(line):
    m = re.search(r"= (\d+)$", line)
    return m.group(1) if m else "?"


r, ls = traced("", 2)
check(r.startswith("250 "), "default: 250 (%r)" % r)
# the pool is empty at first: a batch made, pool/ fsynced once, then a take
pd = first(ls, r'openat\(.*queue/pool", O_RDONLY\|O_CLOEXEC\|O_DIRECTORY\) += \d+$')
ps = first(ls, r'^\d+ +fsync\(%s\) +\= 0' % (fdof(ls[pd]) if pd >= 0 else "?"), pd)
tk = first(ls, r'rename\(.*queue/pool/[^n][^"]*", .*queue/tmp/', ps)
op = first(ls, r'openat\(.*queue/tmp/.*O_RDWR.*= \d+$', tk)
fd = fdof(ls[op]) if op >= 0 else "?"
fs = first(ls, r'^\d+ +fdatasync\(%s\) +\= 0' % fd, op)
rn = first(ls, r'rename.*queue/tmp/.*queue/todo/', fs)
ok = first(ls, REPLY, rn)
check(pd >= 0 and ps > pd and tk > ps, "default: a batch of the pool synced before a file is taken into tmp/")
check(op > tk and fs > op and rn > fs, "default: the file's fdatasync before the rename into todo/")
check(rn >= 0 and ok > rn and first(ls, REPLY) == ok, "default: the 250 after both")
check(ok > fs and all(first(ls[fs + 1:ok], pat) < 0 for pat in (r'fsync\(', r'fdatasync\(', r'syncfs\(')),
      "default: no other sync between the file's and the 250 (no directory's)")
check(first(ls, r'syncfs\(', op) < 0, "default: no syncfs")


r, ls = traced("syncfs", 1)
check(r.startswith("250 "), "TERN_SYNC=syncfs: 250 (%r)" % r)
op = first(ls, r'openat\(.*queue/tmp/.*O_RDWR.*= \d+$')
fd = fdof(ls[op]) if op >= 0 else "?"
rn = first(ls, r'rename.*queue/tmp/.*queue/todo/', op)
sf = first(ls, r'syncfs\(%s\) +\= 0' % fd, rn)
fl = first(ls, r'fdatasync\(%s\) +\= 0' % fd, sf)
ok = first(ls, REPLY, fl)
check(op >= 0 and rn > op, "TERN_SYNC=syncfs: the message file taken into tmp/, renamed into todo/")
check(rn >= 0 and sf > rn, "TERN_SYNC=syncfs: syncfs through the message file's descriptor after the rename")
check(sf >= 0 and fl > sf, "TERN_SYNC=syncfs: a flush (fdatasync) after the syncfs")
check(fl >= 0 and ok > fl and first(ls, REPLY) == ok, "TERN_SYNC=syncfs: the 250 after both, never before")
check(first(ls, r' fsync\(', op) < 0, "TERN_SYNC=syncfs: no fsync of the file or of todo/")

def slot():
    """the one slot of queue/fssync in use: (started, done)"""
    b = open(Q + "/fssync", "rb").read()
    for i in range(63):
        c = [int.from_bytes(b[64 + 64 * i + 8 * k:72 + 64 * i + 8 * k], sys.byteorder) for k in range(8)]
        if c[0] or c[4]: return c[0], c[1]
    return 0, 0


check(open(Q + "/fssync", "rb").read(14) == b"tern-fssync 1\n", "queue/fssync made with its header")
before = slot()
runner = subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run.log", "ab"),
                          env=dict(os.environ, TERN_SYNC="syncfs"))
waitfor(lambda: len(mailfiles("bob")) >= 2, 60)
check(waitfor(qempty, 60), "the queue empties (each delivery reported after its syncs)")
got = list(mailfiles("bob").values())
check(len(got) == 2 and all(re.search(rb"\r\nbody \d\r\n$", m) for m in got), "both delivered whole (%d)" % len(got))
after = slot()
# (two deliveries may share one: the workers sync in bulk, tern-queue-run.8)
check(after[1] >= before[1] + 1 and after[0] == after[1], "TERN_SYNC=syncfs: the worker's syncs counted in queue/fssync (%r, %r)" % (before, after))
runner.terminate()
check(runner.wait() == 0, "runner: SIGTERM, exit 0")
done()

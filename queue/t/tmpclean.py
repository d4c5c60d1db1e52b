# tmpclean.py: a mailbox's tmp/ cleaned on its own (tern-store(5),
# Messages): a delivery into a mailbox whose tmp/ was last scanned 8
# hours ago or more (tmp/'s atime) removes the files there older than 36
# hours and keeps the younger ones; the scan marks tmp/ (atime now), so
# the next delivery does not scan again: one opendir of tmp/ for two
# deliveries in a row (strace); IMAP's SELECT does the same, EXAMINE not.
import os, socket, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "queue", "t"))
from junkfix import *

setup({"bob": ["nofilter"]})
CALLS = "trace=openat,unlink,unlinkat,utimensat,newfstatat,stat,statx"


def deliver(n, trace=None):
    # LeakSanitizer cannot run under ptrace (make check-asan): no leak check under strace
    pre = ["env", "ASAN_OPTIONS=%s%sdetect_leaks=0" % (os.environ.get("ASAN_OPTIONS", ""), ":" if os.environ.get("ASAN_OPTIONS") else ""),
           "strace", "-f", "-o", trace, "-e", CALLS] if trace else []
    r = sh(*pre, "tern-queue-local", "-c", "c", "bob", inp=b"Subject: m%d\r\n\r\nbody %d\r\n" % (n, n))
    return r.returncode == 0


def tmpdir(mbox="Inbox"):
    m = mailboxes("bob").get(mbox)
    return "%s/mail/%d/tmp" % (acct("bob"), m[0]) if m else "/nonexistent"


def scans(trace, tmp):
    """opendirs of tmp/ in a trace"""
    return [l for l in open(trace) if 'openat(' in l and '"%s"' % tmp in l and "O_DIRECTORY" in l]


def age(path, hours, atime_only=False):
    t = time.time() - hours * 3600
    st = os.stat(path)
    os.utime(path, (t, st.st_mtime if atime_only else t))


def imap(cmd):
    a, b = socket.socketpair()
    p = subprocess.Popen(["tern-imap", "-c", "c"], stdin=b, stdout=b, env=dict(os.environ, TCPREMOTEIP="127.0.0.1"))
    b.close()
    a.sendall(b"l LOGIN bob bob-password\r\na " + cmd + b" INBOX\r\nb LOGOUT\r\n")
    out = b""
    while True:
        x = a.recv(65536)
        if not x: break
        out += x
    p.wait(timeout=60)
    return subprocess.CompletedProcess([], 0, out, b"")


check(deliver(0), "the first delivery makes the store")
tmp = tmpdir()
for name, hours in (("old", 37), ("young", 1)):
    open(tmp + "/" + name, "w").write("left by a crash\n")
    age(tmp + "/" + name, hours)
# a new mailbox's tmp/ was just made: not due
check(deliver(1, "trace.fresh"), "delivered with tmp/ scanned (made) just now")
check(os.path.exists(tmp + "/old") and not scans("trace.fresh", tmp), "tmp/ made an hour ago at most: not scanned, the old file kept")
# the last scan 9 hours ago
age(tmp, 9, atime_only=True)
check(deliver(2, "trace.one"), "delivered with tmp/ last scanned 9 hours ago")
check(not os.path.exists(tmp + "/old"), "a file 37 hours old removed")
check(os.path.exists(tmp + "/young"), "a file 1 hour old kept")
check(len(scans("trace.one", tmp)) == 1, "tmp/ scanned once: %d" % len(scans("trace.one", tmp)))
check(abs(os.stat(tmp).st_atime - time.time()) < 600, "tmp/ marked as scanned now (atime)")
open(tmp + "/old2", "w").write("left by a crash\n")
age(tmp + "/old2", 40)
check(deliver(3, "trace.two"), "a second delivery in a row")
check(not scans("trace.two", tmp) and os.path.exists(tmp + "/old2"), "not scanned again (its file 40 hours old waits for the next scan)")
check(len(records("bob", "Inbox")) == 4, "4 messages in the Inbox: %d" % len(records("bob", "Inbox")))
# tmp/ in the future (the clock went back): scanned
age(tmp, -48, atime_only=True)
check(deliver(4, "trace.future"), "delivered with tmp/'s atime two days ahead")
check(len(scans("trace.future", tmp)) == 1 and not os.path.exists(tmp + "/old2"), "scanned, the old file removed")
# IMAP's SELECT
open(tmp + "/old3", "w").write("left by a crash\n")
age(tmp + "/old3", 40)
age(tmp, 9, atime_only=True)
sh("tern-passwd", "-c", "c", "bob", inp=b"bob-password\n")
sh("tern-conf", "-c", "c", "compile")
r = imap(b"EXAMINE")
check(b"a OK" in r.stdout and os.path.exists(tmp + "/old3"), "EXAMINE writes nothing: the old file kept: %r" % r.stdout[-200:])
r = imap(b"SELECT")
check(b"a OK" in r.stdout and not os.path.exists(tmp + "/old3"), "SELECT of a mailbox whose tmp/ is due removes its old file: %r" % r.stdout[-200:])
report()

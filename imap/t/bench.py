# bench.py (run by imap.bench): one mailbox of BENCH_MSGS (100,000)
# generated messages, the same bytes in tern's store and in a Maildir that
# a private Dovecot serves; tern-imap runs under tern-listen.  Both are
# warmed first (one untimed pass of every command: Dovecot builds its index
# and cache, both get the page cache), then each figure is timed on each
# server (commands: best of three): LOGIN+SELECT, UID FETCH 1:* (UID FLAGS RFC822.SIZE), FETCH 1:*
# (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)]), UID SEARCH SUBJECT zebra,
# SORT by DATE, ARRIVAL, SUBJECT, FROM and SIZE, THREAD REFERENCES,
# a full mbsync into an empty maildir; the first SORT (SUBJECT), SORT
# (FROM) and THREAD REFERENCES of a new session.  Then the RSS of idle sessions.
# BENCH_ONLY (a comma-separated list of mbsync, qresync, first, rss; empty:
# all) leaves the other parts out; the warm-up and the command table
# always run.
import atexit, os, re, shutil, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchkit import N, D, procs, accounts, servers, stop

ONLY = [x for x in os.environ.get("BENCH_ONLY", "").split(",") if x]


def want(part):
    return not ONLY or part in ONLY


class Client:
    """A raw client: cmd() returns the whole response, timed by the caller."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.n = 0
        self.buf = b""
        self.until(b"* OK")

    def until(self, marker):
        buf = bytearray(self.buf)
        start = 0
        while True:
            i = buf.find(marker, max(0, start - len(marker)))
            if i >= 0 and (i == 0 or buf[i-2:i] == b"\r\n"):
                e = buf.find(b"\r\n", i)
                if e >= 0:
                    self.buf = bytes(buf[e+2:])
                    return bytes(buf[:e+2])
            start = len(buf)
            d = self.s.recv(1 << 20)
            if not d:
                raise EOFError(bytes(buf[-200:]))
            buf += d

    def cmd(self, text):
        self.n += 1
        tag = b"b%d" % self.n
        self.s.sendall(tag + b" " + text.encode() + b"\r\n")
        r = self.until(tag + b" ")
        last = r[r.rfind(b"\r\n", 0, len(r) - 2) + 2:] if b"\r\n" in r[:-2] else r
        if not last.startswith(tag + b" OK"):
            sys.exit("bench: %s: %r" % (text, last))
        return r


CMDS = [("UID FETCH 1:* (UID FLAGS RFC822.SIZE)", b" FETCH (", N),
        ("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)])", b" FETCH (", N),
        ("UID SEARCH SUBJECT zebra", b"", 0),
        ("SORT (DATE) UTF-8 ALL", b"* SORT ", 1), ("SORT (ARRIVAL) UTF-8 ALL", b"* SORT ", 1),
        ("SORT (SUBJECT) UTF-8 ALL", b"* SORT ", 1), ("SORT (FROM) UTF-8 ALL", b"* SORT ", 1),
        ("SORT (SIZE) UTF-8 ALL", b"* SORT ", 1), ("THREAD REFERENCES UTF-8 ALL", b"* THREAD ", 1)]
FIRST = {}   # (port, command): its first run in the session


def session(port, user, pw):
    """times of LOGIN+SELECT and of each command in CMDS, and the client"""
    t = [time.perf_counter()]
    c = Client(port)
    c.cmd("LOGIN %s %s" % (user, pw))
    r = c.cmd("SELECT INBOX")
    if (b"* %d EXISTS" % N) not in r:
        sys.exit("bench: SELECT on port %d: %r" % (port, r[:300]))
    t.append(time.perf_counter())
    for text, what, count in CMDS:
        best = None
        for k in range(3):   # the best of three: the machine is shared
            t0 = time.perf_counter()
            r = c.cmd(text)
            best = min(best or 1e9, time.perf_counter() - t0)
            if not k:
                FIRST[(port, text)] = time.perf_counter() - t0
        t.append(t[-1] + best)
        if what and r.count(what) != count:
            sys.exit("bench: %s on %d: %d answers" % (text, port, r.count(what)))
        if not what and len(r.split(b"\r\n")[0].split()) != 2 + N // 1000:
            sys.exit("bench: %s on %d: %r" % (text, port, r[:200]))
    return [t[i+1] - t[i] for i in range(len(t) - 1)], c


def mbsync(port, user, pw, name, run):
    # the client's maildir in memory (tmpfs): on this disk's ext4 (no
    # journal), creating 100,000 files costs the client 2.7 to 4.5 s of CPU
    # depending on what was deleted in the minutes before, far more than
    # the server's work, and that noise decided the ratio
    near = "%s/near-%s-%d" % (NEAR, name, run)
    shutil.rmtree(near, ignore_errors=True)
    for sub in ["/INBOX/cur", "/INBOX/new", "/INBOX/tmp", "/INBOX", ""]:
        os.makedirs(near + sub, exist_ok=True)
        # mbsync sleeps a second when a maildir changed within this second
        os.utime(near + sub, (time.time() - 60, time.time() - 60))
    with open("mbsyncrc-" + name, "w") as f:
        f.write("FSync no\nIMAPAccount a\nHost 127.0.0.1\nPort %d\nUser %s\nPass %s\nSSLType None\nAuthMechs LOGIN\n\n"
                "IMAPStore far\nAccount a\n\nMaildirStore near\nPath %s/\nInbox %s/INBOX\n\n"
                "Channel c\nFar :far:\nNear :near:\nPatterns INBOX\nCreate Near\nSync Pull\nSyncState *\n"
                % (port, user, pw, near, near))
    t0, u0 = time.perf_counter(), os.times()
    r = subprocess.run(["mbsync", "-q", "-c", "mbsyncrc-" + name, "-a"], capture_output=True, text=True)
    t, u1 = time.perf_counter() - t0, os.times()
    mbcpu[name] = u1.children_user + u1.children_system - u0.children_user - u0.children_system
    got = len(os.listdir(near + "/INBOX/cur")) + len(os.listdir(near + "/INBOX/new"))
    if r.returncode or got != N:
        sys.exit("bench: mbsync from %s: rc %d, %d messages: %s" % (name, r.returncode, got, r.stderr[-500:]))
    shutil.rmtree(near)
    return t


mbcpu = {}
try:
    NEAR = tempfile.mkdtemp(prefix="tern-bench-near.", dir="/dev/shm")
    atexit.register(shutil.rmtree, NEAR, True)
except OSError:
    NEAR = D


def resync(port, rounds=3):
    """QRESYNC: the best time of SELECT INBOX (QRESYNC (uidvalidity
    modseq)) after another session changed the flags of 10 messages
    since modseq; each answer must hold exactly those 10 FETCH"""
    c, o = Client(port), Client(port)
    c.cmd("LOGIN bob bob-password")
    c.cmd("ENABLE QRESYNC")
    o.cmd("LOGIN bob bob-password")
    o.cmd("SELECT INBOX")
    r = c.cmd("EXAMINE INBOX")
    uv = int(re.search(rb"UIDVALIDITY (\d+)", r).group(1))
    hm = int(re.search(rb"HIGHESTMODSEQ (\d+)", r).group(1))
    best = 1e9
    for k in range(rounds):
        for j in range(1, 11):
            o.cmd("STORE %d %sFLAGS.SILENT (\\Flagged)" % (j * (N // 11), "-+"[k % 2 == 0]))
        o.cmd("NOOP")
        t0 = time.perf_counter()
        r = c.cmd("SELECT INBOX (QRESYNC (%d %d))" % (uv, hm))
        best = min(best, time.perf_counter() - t0)
        if r.count(b" FETCH (") != 10:
            sys.exit("bench: QRESYNC on %d: %d FETCH" % (port, r.count(b" FETCH (")))
        hm = int(re.search(rb"HIGHESTMODSEQ (\d+)", r).group(1))
    for x in (c, o):
        x.cmd("LOGOUT")
    return best


def firstsort(port, text, rounds=3):
    """the first SORT or THREAD of a new session after LOGIN and SELECT
    (the session's list, keys and ranks not made yet): the best of rounds
    sessions"""
    best = 1e9
    for k in range(rounds):
        c = Client(port)
        c.cmd("LOGIN bob bob-password")
        c.cmd("SELECT INBOX")
        t0 = time.perf_counter()
        r = c.cmd(text)
        best = min(best, time.perf_counter() - t0)
        if r.count(b"* " + text.split()[0].encode() + b" ") != 1:
            sys.exit("bench: %s on %d: %r" % (text, port, r[:200]))
        c.cmd("LOGOUT")
    return best


def rss(pid):
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmRSS:"):
            return int(l.split()[1])
    return 0


def children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


# the data: tern's store and Dovecot's Maildir, same messages
print("generated %d messages into the store and a Maildir in %.1f s" % (N, accounts((("bob", N),))))

try:
    # tern-listen, procs[0]; Dovecot on D (home/bob/Maildir, made nobody's), procs[1]
    tport, dport = servers("tern-imap-bench", (("bob", "bob-password"),), """protocol imap {
  mail_plugins = $mail_plugins imap_zlib
}
""", ("-c", "100", "-C", "100"))
    # warm-up: Dovecot indexes the Maildir and caches the fields; page cache
    t0 = time.perf_counter()
    session(dport, "bob", "bob-password")[1].cmd("LOGOUT")
    t1 = time.perf_counter()
    session(tport, "bob", "bob-password")[1].cmd("LOGOUT")
    t2 = time.perf_counter()
    print("warm-up pass (untimed in the table; Dovecot builds its index here): dovecot %.2f s, tern %.2f s" % (t1 - t0, t2 - t1))
    td, cd = session(dport, "bob", "bob-password")
    tt, ct = session(tport, "bob", "bob-password")
    cd.cmd("LOGOUT")
    ct.cmd("LOGOUT")
    # twice each, in both orders, disk writes settled before each
    best = {"dovecot": float("nan"), "tern": float("nan")}
    mbcpu["best-tern"] = mbcpu["best-dovecot"] = float("nan")
    for run, order in enumerate([("dovecot", "tern"), ("tern", "dovecot")] if want("mbsync") else []):
        for name in order:
            os.sync()
            t = mbsync(dport if name == "dovecot" else tport, "bob", "bob-password", name, run)
            best[name] = t if not run else min(best[name], t)
            mbcpu["best-" + name] = mbcpu[name] if not run else min(mbcpu["best-" + name], mbcpu[name])
    td.append(best["dovecot"])
    tt.append(best["tern"])
    names = ["LOGIN+SELECT"] + [c[0] for c in CMDS] + ["mbsync (full pull into an empty maildir in tmpfs, best of 2)"]
    print("%d messages, warm, seconds (goal: tern/dovecot <= 0.50)" % N)
    print("%-58s %8s %8s %7s" % ("", "tern", "dovecot", "ratio"))
    for k, name in enumerate(names):
        print("%-58s %8.3f %8.3f %7.2f" % (name, tt[k], td[k], tt[k] / td[k]))
    print("(commands: best of 3 in one session; mbsync's own CPU time: %.2f s against tern, %.2f s against dovecot)"
          % (mbcpu["best-tern"], mbcpu["best-dovecot"]))
    if want("qresync"):
        rd, rt = resync(dport), resync(tport)
        print("%-58s %8.3f %8.3f %7.2f" % ("QRESYNC SELECT, 10 flag changes since (best of 3)", rt, rd, rt / rd))
    for text in ("SORT (SUBJECT) UTF-8 ALL", "SORT (FROM) UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL") if want("first") else ():
        fd, ft = firstsort(dport, text), firstsort(tport, text)
        print("%-58s %8.3f %8.3f %7.2f" % ("first " + text + ", new session (best of 3)", ft, fd, ft / fd))
    print("first run in a session (SORT/THREAD keys from the header cache or Dovecot's index): "
          + ", ".join("%s tern %.3f dovecot %.3f" % (c[0], FIRST[(tport, c[0])], FIRST[(dport, c[0])])
                      for c in CMDS if c[0].startswith(("SORT", "THREAD"))))
    # idle sessions: one logged in only, one with the mailbox selected
    if not want("rss"):
        sys.exit(0)
    c1 = Client(tport)
    c1.cmd("LOGIN bob bob-password")
    c2 = Client(tport)
    c2.cmd("LOGIN bob bob-password")
    c2.cmd("SELECT INBOX")
    c2.cmd("NOOP")
    kids = children(procs[0].pid)
    d2 = Client(dport)
    d2.cmd("LOGIN bob bob-password")
    d2.cmd("SELECT INBOX")
    imaps = [k for k in children(procs[1].pid) if open("/proc/%d/comm" % k).read().strip() == "imap"]
    print("idle RSS (goal 2048 KiB): tern-imap logged in %s KiB, tern-imap with the %d-message Inbox selected %s KiB;"
          " dovecot imap (selected) %s KiB"
          % (rss(kids[0]) if kids else "?", N, rss(kids[1]) if len(kids) > 1 else "?",
             "/".join(str(rss(k)) for k in imaps) or "?"))
finally:
    stop()

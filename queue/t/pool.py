# pool.py: queue version 3 from its contract (tern-queue(5) "Message
# files", "Committing a message", "The pool", "Recovery"), with a real
# tern-queue-run and real tern-smtp-in sessions writing the queue in
# process.  The seal is checked here by its own reader (whole()), not
# tern's.  1: recovery at the runner's start: whole files in pool/ and
# tmp/ delivered once each and logged "recovered", a torn pool/ file
# removed ("torn"), an empty pool/ file kept, a whole tmp/ file locked by
# this process left alone until unlocked, a second link of a queued
# message removed, a whole tmp/ file older than 36 h recovered (never
# removed), a torn tmp/ file left, pool/n.* older than an hour removed
# and a fresh one kept, an empty pool/ file that old removed, a version
# 2 queue rewritten to 3.  2: one
# session's commit under strace: the file taken from pool/, one
# fdatasync (or fsync) on it, no sync of a directory between the 354
# and the 250, the rename into todo/ before
# the 250; a session's first batch is 2 files (n.*, a sync of pool/, the
# renames) and the message is queued.  3: sessions killed with
# SIGKILL at instants of DATA (before the final dot, after it, in the
# delay of its sync or of its rename under strace), and one killed in
# its sync of a new batch (its n.* never taken, the next session makes
# its own): nothing queued before its dot, no 250 lost, each message
# delivered at most once and every acknowledged one exactly once after
# the runner's next start.  40 concurrent sessions take only their
# own batches' files.  tern-queue-inject's files are sealed too.
import collections, fcntl, hashlib, os, re, signal, struct, subprocess, sys, termios, threading, time, zlib
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "smtp-in/t"))
from smtpin import *
from terntest import waitfor

setup()
Q = D + "/data/queue"
INQ = {"TERN_QUEUE_INJECT": ""}   # the session writes the queue itself


def summed(fmt, rest):
    """the seal's sum of rest: format 3 its CRC-32, format 2 its SHA-256"""
    return "%08x" % zlib.crc32(rest) if fmt == 3 else hashlib.sha256(rest).hexdigest()


def whole(b):
    """the id of a whole message file's bytes (its own seal checker, format 3
    or 2), or None"""
    nl = b.find(b"\n")
    m = re.fullmatch(rb"tern-queue (3 ([0-9a-f]{16}) ([0-9a-f]{8})|2 ([0-9a-f]{16}) ([0-9a-f]{64})) ([0-9a-f]{8,13}\.[0-9a-f]{1,16})", b[:nl]) if nl > 0 else None
    if not m: return None
    rest = b[nl + 1:]
    fmt, size, total = (3, m.group(2), m.group(3)) if m.group(2) else (2, m.group(4), m.group(5))
    if len(rest) != int(size, 16) or summed(fmt, rest).encode() != total: return None
    return m.group(6).decode()


def body(seq):
    return "Subject: p%d\r\nX-Seq: %d\r\n\r\nbody %d\r\n" % (seq, seq, seq)


def place(path, seq, rcpt="bob", flip=False, age=0, fmt=3):
    """a message file at path as a commit writes it (sealed, format 3, or 2
    as queue version 3 wrote it; flip: one byte of its message changed
    after): (its id, an open fd)"""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o640)
    t = time.time()
    qid = "%08x%05x.%x" % (int(t), int(t * 1e6) % 1000000, os.fstat(fd).st_ino)
    rest = ("time %d\nfrom <sender@remote.example>\nrcpt <%s@example.com>\n\n" % (int(t), rcpt) + body(seq)).encode()
    b = bytearray(("tern-queue %d %016x %s %s\n" % (fmt, len(rest), summed(fmt, rest), qid)).encode() + rest)
    if flip: b[-4] ^= 1
    os.write(fd, bytes(b))
    if age: os.utime(path, (t - age, t - age))
    return qid, fd


def seqs():
    """Counter of the X-Seq of every message delivered to bob or alice"""
    c = collections.Counter()
    for who in ("bob", "alice"):
        for b in mailfiles(who).values():
            m = re.search(rb"\r\nX-Seq: (\d+)\r\n", b)
            if m: c[int(m.group(1))] += 1
    return c


def qfiles(sub):
    """{name: bytes} of QDIR/sub"""
    out = {}
    for n in os.listdir(Q + "/" + sub) if os.path.isdir(Q + "/" + sub) else ():
        try: out[n] = open(Q + "/" + sub + "/" + n, "rb").read()
        except OSError: pass
    return out


def seqin(sub, seq):
    """the names of QDIR/sub holding message seq"""
    return [n for n, b in qfiles(sub).items() if b"\r\nX-Seq: %d\r\n" % seq in b]


def start(log):
    return subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open(log, "ab"))


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)


def lines(log, pat):
    return [l for l in open(log, errors="replace").read().splitlines() if re.search(pat, l)]


# 1: recovery at the runner's start
r = start("run0.log")
check(waitfor(lambda: os.path.exists(Q + "/lock"), 60), "the runner sets the queue up")
stop(r)
check(open(Q + "/version").read() == "4\n", "a new queue is version 4")
open(Q + "/version", "w").write("3\n")   # as a version 3 queue left it
os.makedirs(Q + "/pool", exist_ok=True)
ida, fa = place(Q + "/pool/a.crash", 1)                    # (a) whole, in pool/
idb, fb = place(Q + "/tmp/b.crash", 2, "alice")            # (b) whole, in tmp/
idc, fc = place(Q + "/pool/c.crash", 3, flip=True)         # (c) torn, in pool/
open(Q + "/pool/d.empty", "w").close()                     # (d) empty
ide, fe = place(Q + "/tmp/e.locked", 5)                    # (e) whole, locked
fcntl.flock(fe, fcntl.LOCK_EX)
open(Q + "/pool/n.old", "w").close()                       # (f) a killed batch's
os.utime(Q + "/pool/n.old", (time.time() - 7200, time.time() - 7200))
open(Q + "/pool/n.fresh", "w").close()
open(Q + "/pool/j.oldempty", "w").close()                 # (j) an exited writer's, 2 h old
os.utime(Q + "/pool/j.oldempty", (time.time() - 7200, time.time() - 7200))
idg, fg = place(Q + "/tmp/g.dup", 7)                       # (g) a second link of todo/ID
os.link(Q + "/tmp/g.dup", Q + "/todo/" + idg)
idh, fh = place(Q + "/tmp/h.old", 8, "alice", age=37 * 3600)  # (h) whole, 37 h old
idi, fi = place(Q + "/tmp/i.torn", 9, flip=True)           # (i) torn, in tmp/
idk, fk = place(Q + "/pool/k.fmt2", 10, fmt=2)             # (k) whole, format 2, in pool/
idl, fl = place(Q + "/pool/l.fmt2torn", 11, flip=True, fmt=2)   # (l) torn, format 2
for f in (fa, fb, fc, fg, fh, fi, fk, fl): os.close(f)
check(whole(open(Q + "/pool/a.crash", "rb").read()) == ida and whole(open(Q + "/pool/c.crash", "rb").read()) is None
      and whole(open(Q + "/pool/k.fmt2", "rb").read()) == idk and whole(open(Q + "/pool/l.fmt2torn", "rb").read()) is None,
      "the test's own seal: (a), (k) whole, (c), (l) not")

r = start("run1.log")
check(waitfor(lambda: all(seqs()[s] for s in (1, 2, 7, 8, 10)) and qempty(), 120), "(a), (b), (g), (h), (k) delivered: %r" % seqs())
check(open(Q + "/version").read() == "4\n", "a version 3 queue rewritten to 4 by the runner")
got = seqs()
check(got[1] == 1 and got[2] == 1, "(a) from pool/ and (b) from tmp/ each delivered once: %r" % got)
check(lines("run1.log", r"recovered.*(%s|a\.crash)" % re.escape(ida)), "(a) logged recovered")
check(lines("run1.log", r"recovered.*(%s|b\.crash)" % re.escape(idb)), "(b) logged recovered")
check(not os.path.exists(Q + "/pool/a.crash") and not os.path.exists(Q + "/tmp/b.crash"), "(a), (b): their old names gone")
check(not os.path.exists(Q + "/pool/c.crash"), "(c) a torn file of pool/ removed")
check(lines("run1.log", r"torn.*(%s|c\.crash)" % re.escape(idc)), "(c) logged torn")
check(not got[3], "(c) never delivered")
check(os.path.exists(Q + "/pool/d.empty"), "(d) an empty pool/ file kept")
check(os.path.exists(Q + "/tmp/e.locked") and not got[5], "(e) a locked tmp/ file left alone, not delivered")
check(not os.path.exists(Q + "/pool/n.old"), "(f) pool/n.* older than an hour removed")
check(os.path.exists(Q + "/pool/n.fresh"), "(f) a fresh pool/n.* kept")
check(not os.path.exists(Q + "/pool/j.oldempty"), "(j) an empty pool/ file an hour old removed")
check(got[7] == 1 and not os.path.exists(Q + "/tmp/g.dup"), "(g) a second link of a queued message: removed, delivered once: %r" % got[7])
check(got[8] == 1 and not os.path.exists(Q + "/tmp/h.old"), "(h) a whole tmp/ file 37 h old recovered, not removed: %r" % got[8])
check(lines("run1.log", r"recovered.*(%s|h\.old)" % re.escape(idh)), "(h) logged recovered")
check(os.path.exists(Q + "/tmp/i.torn") and not got[9], "(i) a torn tmp/ file left to the 36-hour rule")
check(got[10] == 1 and not os.path.exists(Q + "/pool/k.fmt2"), "(k) a whole format 2 file (queue version 3) recovered, once: %r" % got[10])
check(not got[11] and not os.path.exists(Q + "/pool/l.fmt2torn"), "(l) a torn format 2 file of pool/ removed, never delivered")
check(not lines("run1.log", r"recovered.*(%s|%s|%s)" % (re.escape(idc), re.escape(ide), re.escape(idi))),
      "nothing torn or locked logged recovered")
fcntl.flock(fe, fcntl.LOCK_UN)
os.close(fe)
stop(r)
r = start("run2.log")
check(waitfor(lambda: seqs()[5] and qempty(), 120), "(e) unlocked: recovered at the next start and delivered")
check(lines("run2.log", r"recovered.*(%s|e\.locked)" % re.escape(ide)), "(e) logged recovered")
stop(r)
got = seqs()
check(all(got[s] == 1 for s in (1, 2, 5, 7, 8, 10)) and not got[3] and not got[9] and not got[11], "each once after a second start: %r" % got)


# 2: a session's commit under strace (-y: each descriptor's path)
CALLS = "trace=openat,rename,renameat,renameat2,fsync,fdatasync,syncfs,sync,sync_file_range,write,writev,sendto,sendmsg"
SYNC = re.compile(r"\b(fsync|fdatasync|syncfs|sync_file_range)\((\d+)<([^>]*)>")


def paths(l):
    """a call on a name relative to a directory's descriptor (-y shows its
    path) as on the whole path: openat(3</q/pool>, "n.x", ...) read as
    openat("/q/pool/n.x", ...)"""
    return l if re.search(r"\b(write|writev|sendto|sendmsg)\(", l) else re.sub(r'\d+<([^>]*)>, "([^"/][^"]*)"', r'"\1/\2"', l)


def traced(name, seq):
    s = Session(extra=INQ, prefix=["strace", "-f", "-qq", "-y", "-s", "200", "-o", name, "-e", CALLS])
    return s.onemsg(seq), [paths(l) for l in open(name).read().splitlines()]


def first(ls, pat, start=0):
    for i in range(max(start, 0), len(ls)):
        if re.search(pat, ls[i]): return i
    return -1


for n in os.listdir(Q + "/pool"): os.unlink(Q + "/pool/" + n)
rep, ls = traced("trace.empty", 20)
check(rep.startswith("250 "), "pool/ empty: 250 (%r)" % rep)
pool = os.listdir(Q + "/pool")
check(pool and not [n for n in pool if n.startswith("n.")], "pool/ empty: a batch made, no n.* left: %r" % pool[:4])
check(len(seqin("todo", 20)) == 1 and whole(qfiles("todo")[seqin("todo", 20)[0]]) == seqin("todo", 20)[0],
      "pool/ empty: the message queued in todo/, whole, named by its seal's id")
made = [i for i, l in enumerate(ls) if re.search(r'openat\(.*queue/pool/n\.[^"]*", [^)]*O_CREAT', l)]
psync = [i for i, l in enumerate(ls) if (lambda m: m and m.group(3).endswith("/queue/pool"))(SYNC.search(l))]
named = [i for i, l in enumerate(ls) if re.search(r'rename(at2?)?\(.*queue/pool/n\.[^"]*", .*queue/pool/(?!n\.)[^"/]+"', l)]
check(len(made) == 2, "a process's first batch is 2 files created as pool/n.*: %d" % len(made))
modes = {oct(os.stat(Q + "/pool/" + n).st_mode & 0o7777) for n in pool}
check(modes == {"0o640"} and not [n for n in pool if os.path.getsize(Q + "/pool/" + n)], "pool files: mode 0640, empty: %r" % modes)
check(made and psync and named and max(made) < min(psync) < min(named),
      "pool/ synced after the n.* are made and before any is renamed")
check(len(named) == len(made), "each n.* renamed to its name: %d of %d" % (len(named), len(made)))

rep, ls = traced("trace.one", 21)
check(rep.startswith("250 "), "a second session (its own batch, made before its 354): 250 (%r)" % rep)
go = first(ls, r'(write|writev|sendto|sendmsg)\(\d+<.*"354 ')
ok = first(ls, r'(write|writev|sendto|sendmsg)\(\d+<.*"250 ', go)
take = first(ls, r'rename(at2?)?\(.*"[^"]*queue/pool/([^"/]+)", .*"[^"]*queue/tmp/[^"]*"(, \w+)?\) += 0')
commit = first(ls, r'rename(at2?)?\(.*"[^"]*queue/tmp/[^"]*", .*"[^"]*queue/todo/[^"]*"(, \w+)?\) += 0')
syncs = [(i, m.group(1), m.group(3)) for i, l in enumerate(ls) for m in [SYNC.search(l)] if m]
onfile = [x for x in syncs if re.search(r"/queue/(tmp|todo)/[^/]+$", x[2])]
check(go >= 0 and ok > go, "the 354, then the 250 (under strace)")
check(take >= 0 and first(ls, r'openat\(.*queue/tmp/[^"]*", [^)]*O_CREAT') < 0, "the file taken from pool/ (renamed into tmp/, none created there)")
check(len(onfile) == 1 and onfile[0][1] in ("fdatasync", "fsync"), "exactly one fdatasync or fsync of the message file: %r" % onfile)
check(len([x for x in syncs if go < x[0] < ok]) == 1, "between the 354 and the 250 that one sync only: %r" % [x for x in syncs if go < x[0] < ok])
check(not [x for x in syncs if go < x[0] < ok and os.path.isdir(x[2])], "no sync of any directory between the 354 and the 250")
check(onfile and commit > onfile[0][0], "the rename into todo/ after the file's sync")
check(commit >= 0 and go < commit < ok, "the rename into todo/ before the 250 is written")
check(len(seqin("todo", 21)) == 1 and whole(qfiles("todo")[seqin("todo", 21)[0]]) == seqin("todo", 21)[0], "queued whole in todo/")


# 3: sessions killed with SIGKILL during DATA
NR = {"sync": ("74", "75"), "poolsync": ("74", "75"), "rename": ("82", "264", "316")}


def unread(c):
    """what the session has not yet read of what this end wrote"""
    return struct.unpack("i", fcntl.ioctl(c.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]


def kid(pid):
    """the tern-smtp-in that strace pid runs (by name: a listing of
    strace's children once named another process, queue/t/latersync)"""
    o = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split("\n")
    k = [int(l.split()[0]) for l in o if l.split()[1:] == ["tern-smtp-in"]]
    return k[0] if len(k) == 1 else None


def stopped_in(pid, kind):
    """pid held by strace (state t) in a sync of a tmp/ file, of pool/, or a rename"""
    try:
        sc = open("/proc/%d/syscall" % pid).read().split()
        st = re.search(r"State:\s+(\S)", open("/proc/%d/status" % pid).read()).group(1)
        if st != "t" or not sc or sc[0] not in NR[kind]: return False
        if kind == "rename": return True
        f = os.readlink("/proc/%d/fd/%d" % (pid, int(sc[1], 16)))
        return "/queue/tmp/" in f if kind == "sync" else f.endswith("/queue/pool")
    except (OSError, AttributeError, IndexError, ValueError):
        return False


def session(seq, prefix=(), data=True):
    """a session up to its 354 (data: else up to its RCPT)"""
    s = Session(extra=INQ, prefix=prefix)
    s.cmd("EHLO client.example.org")
    s.cmd("MAIL FROM:<sender@remote.example>")
    s.cmd("RCPT TO:<bob@example.com>")
    if data:
        r = s.cmd("DATA")
        check(r and r.startswith("354"), "session %d: 354 (%r)" % (seq, r))
    return s


def gone(pid):
    try: return re.search(r"State:\s+([ZX])", open("/proc/%d/status" % pid).read()) is not None
    except OSError: return True


def kill(s, pid):
    """SIGKILL to the session pid, then to its strace if any (which
    would sleep out its delay; the session, held by it, runs no more of
    its code once the signal is sent): the reply it wrote before, or None"""
    if pid: os.kill(pid, signal.SIGKILL)
    if pid != s.p.pid:
        s.p.kill()
        check(pid and waitfor(lambda: gone(pid), 60), "session pid %r: gone once its strace is" % pid)
    try: r = s.reply(timeout=10)   # what it wrote before it died is still here
    except OSError: r = None      # reset after the lines it wrote (none)
    s.c.close()
    s.p.wait(timeout=60)
    return r


acked, after, before = [], [], []
# held by strace in the delay after the message file's sync, or after its
# rename into todo/
for seq, kind in ((50, "sync"), (51, "rename")):
    # the commit's fdatasync (the batch's sync of pool/ is an fsync); the
    # commit's rename is the 4th: 2 to name its first batch, 1 to take
    inj = "fdatasync" if kind == "sync" else "rename,renameat,renameat2"
    s = session(seq, ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=" + inj, "-e", "inject=%s:delay_exit=100000000%s" % (inj, ":when=4" if kind == "rename" else "")])
    pid = kid(s.p.pid)
    check(pid, "session %d: its pid under strace" % seq)
    s.send(body(seq) + ".\r\n")
    if kind == "rename":
        check(waitfor(lambda: stopped_in(pid, kind) and seqin("todo", seq), 90), "session %d: held after its rename into todo/" % seq)
    else:
        check(waitfor(lambda: stopped_in(pid, kind), 90), "session %d: held after its sync" % seq)
    rep = kill(s, pid)
    check(rep is None, "session %d: no 250 before the kill (%r)" % (seq, rep))
    after.append(seq)
check([n for n in seqin("tmp", 50) if whole(qfiles("tmp")[n])] and not seqin("todo", 50),
      "killed after its sync, before its rename: whole in tmp/, not in todo/")
check(len(seqin("todo", 51)) == 1, "killed after its rename, before its 250: in todo/")

# before the final dot: never queued
for seq, how in ((30, "354"), (31, "half"), (32, "half read"), (33, "all but the dot"), (34, "the dot without its CRLF")):
    s = session(seq)
    b = body(seq)
    if how != "354":
        s.send(b[:len(b) // 2] if how.startswith("half") else b + ("." if how.startswith("the dot") else ""))
        if how != "half": check(waitfor(lambda: unread(s.c) == 0, 60), "session %d: read %s" % (seq, how))
    rep = kill(s, s.p.pid)
    check(rep is None, "session %d killed before its dot: no reply (%r)" % (seq, rep))
    before.append(seq)
# after the final dot, at a few instants: a 250 read back means acknowledged
for seq, d in zip(range(40, 48), (0, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05)):
    s = session(seq)
    s.send(body(seq) + ".\r\n")
    time.sleep(d)   # the instant of the kill, not a wait for a condition
    rep = kill(s, s.p.pid)
    (acked if rep and rep.startswith("250 ") else after).append(seq)
# acknowledged, then killed before its QUIT
for seq in (60, 61, 62):
    s = session(seq)
    rep = s.cmd(body(seq) + ".", timeout=60)
    check(rep and rep.startswith("250 "), "session %d: 250 (%r)" % (seq, rep))
    kill(s, s.p.pid)
    acked.append(seq)
check(not [s for s in before if seqin("todo", s) or [n for n in seqin("tmp", s) if whole(qfiles("tmp")[n])]],
      "nothing killed before its dot is in todo/ or whole in tmp/")
check(all(len(seqin("todo", s)) == 1 for s in acked), "every 250 is in todo/: %r" % acked)

# concurrent takers: 40 sessions, 8 at a time, from an empty pool
for n in os.listdir(Q + "/pool"): os.unlink(Q + "/pool/" + n)
todo0, PAR, replies = set(os.listdir(Q + "/todo")), 8, {}
def taker(seqs_):
    for q in seqs_: replies[q] = Session(extra=INQ).onemsg(q)
ts = [threading.Thread(target=taker, args=(range(100 + i, 140, PAR),)) for i in range(PAR)]
for t in ts: t.start()
for t in ts: t.join()
bad = {q: r for q, r in replies.items() if not r.startswith("250 ")}
check(len(replies) == 40 and not bad, "40 concurrent sessions: each 250 (%r)" % list(bad.items())[:3])
new = {n: b for n, b in qfiles("todo").items() if n not in todo0}
check(len(new) == 40 and all(whole(b) == n for n, b in new.items()), "40 files in todo/, each whole under its seal's id: %d" % len(new))
pool = os.listdir(Q + "/pool")
check(not [n for n in pool if n.startswith("n.")] and len(pool) == 40,
      "pool/: each session made its batch of 2 and took one of its own: 40 left: %d" % len(pool))
check(not [n for n, b in qfiles("tmp").items() if any(b"\r\nX-Seq: %d\r\n" % q in b for q in range(100, 140))], "none of them left in tmp/")

# a session killed while it makes a batch (held in its sync of pool/):
# its n.* are never taken; the next session makes its own batch
for n in os.listdir(Q + "/pool"): os.unlink(Q + "/pool/" + n)
s = session(70, ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=fsync,fdatasync", "-e", "inject=fsync,fdatasync:delay_exit=100000000"], False)
pid = kid(s.p.pid)
check(pid, "session 70: its pid under strace")
s.send("DATA\r\n" + body(70) + ".\r\n")   # (it takes its file before its 354)
check(waitfor(lambda: stopped_in(pid, "poolsync"), 90), "session 70: held in its sync of pool/")
rep = kill(s, pid)
check(rep is None or not rep.startswith("250"), "session 70: no 250 (%r)" % rep)
left = sorted(os.listdir(Q + "/pool"))
check(len(left) == 2 and all(n.startswith("n.") for n in left), "a killed batch: its 2 n.* left, none named: %r" % left[:3])
rep = Session(extra=INQ).onemsg(71)
check(rep.startswith("250 "), "the next session: 250 (%r)" % rep)
now = os.listdir(Q + "/pool")
check(all(n in now for n in left) and len([n for n in now if not n.startswith("n.")]) == 1, "its own batch of 2, one taken; the killed batch's n.* untouched: %r" % now)
check(len(seqin("todo", 71)) == 1 and not seqin("todo", 70), "71 queued, 70 not")
# tern-queue-inject seals too (its own tmp/ file, no pool)
iid = sh("tern-queue-inject -c c -f sender@remote.example alice@example.com", body(80)).strip()
check(os.path.exists(Q + "/todo/" + iid) and whole(open(Q + "/todo/" + iid, "rb").read()) == iid, "tern-queue-inject: todo/ID whole, its seal's id: %r" % iid)

r = start("run3.log")
want = acked + [20, 21, 50, 51, 71, 80] + list(range(100, 140))
check(waitfor(lambda: all(seqs()[s] for s in want) and qempty(), 120), "every acknowledged message delivered: %r" % want)
stop(r)
got = seqs()
check(all(got[s] == 1 for s in want), "each exactly once: %r" % {s: got[s] for s in want})
check(not [s for s in before + [70] if got[s]], "none killed before its commit delivered: %r" % [s for s in before + [70] if got[s]])
check(all(n in os.listdir(Q + "/pool") for n in left), "the runner keeps a killed batch's n.* for an hour")
check(all(got[s] <= 1 for s in after), "those killed after the dot at most once: %r" % {s: got[s] for s in after})
print("info: after the dot %d acknowledged, %d killed unacknowledged (%d of them delivered)"
      % (len([s for s in acked if s < 60]), len(after), len([s for s in after if got[s]])))
done()

# crashsmtp.py: kill -9 with shared fsyncs of the directories (the
# default, tern_dirsync.h; with TERN_SYNC=syncfs in the environment,
# shared syncs of the file system, tern_fssync.h).  Many
# tern-smtp-in sessions at once write the queue themselves (in process),
# for two accounts, while tern-queue-run and its delivery workers are
# killed with SIGKILL again and again and one session in five is killed
# right after its final dot (in its commit, or before its reply).  After
# a last start, every message that got its 250 is in its account's Inbox,
# whole (after the Received field), at least once; the runner's kills may duplicate a few
# (a delivery done but not yet recorded: at least once, tern-queue.5;
# the workers' deliveries wait for their bulk sync before they are
# recorded, so a runner killed every few tenths of a second leaves more).
import os, random, re, signal, subprocess, sys, threading, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "smtp-in/t"))
from smtpin import *

setup()
Q = D + "/data/queue"
N, PAR = 120, 10
MODE = {"TERN_SYNC": os.environ["TERN_SYNC"]} if os.environ.get("TERN_SYNC") else {}
acked, killed, errors = {}, [], []
lock = threading.Lock()


def message(i):
    return "Subject: m%d\r\nX-Seq: %d\r\n\r\n%s\r\n" % (i, i, ("body %d " % i) * (1 + i % 40))


def one(i):
    rcpt = "bob" if i % 2 else "alice"
    s = Session(extra=dict({"TERN_QUEUE_INJECT": ""}, **MODE))
    try:
        s.cmd("EHLO client.example.org")
        s.cmd("MAIL FROM:<sender@remote.example>")
        if not (s.cmd("RCPT TO:<%s@example.com>" % rcpt) or "").startswith("250"):
            with lock: errors.append("rcpt %d" % i)
            return
        s.cmd("DATA")
        s.send(message(i) + ".\r\n")
        if random.random() < 0.2:
            time.sleep(random.random() * 0.01)
            s.p.send_signal(signal.SIGKILL)
            with lock: killed.append(i)
            return
        r = s.reply(timeout=60) or ""
        with lock:
            if r.startswith("250 "): acked[i] = rcpt
            else: errors.append("%d: %r" % (i, r))
        s.send("QUIT\r\n")
    finally:
        s.c.close()
        s.p.wait()


def sessions():
    todo = list(range(N))
    def worker():
        while True:
            with lock:
                if not todo: return
                i = todo.pop(0)
            one(i)
    ts = [threading.Thread(target=worker) for _ in range(PAR)]
    for t in ts: t.start()
    for t in ts: t.join()


def runner():
    return subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run.log", "ab"))


def children(pid):
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [int(x) for x in out.split()]


t = threading.Thread(target=sessions)
t.start()
kills = 0
while t.is_alive() or kills < 10:
    r = runner()
    time.sleep(random.random() * 0.4)
    kids = children(r.pid)
    r.send_signal(signal.SIGKILL)
    r.wait()
    if kids and random.random() < 0.5:
        for k in kids:
            try: os.kill(k, signal.SIGKILL)
            except OSError: pass
    kills += 1
t.join()
check(not errors, "every session not killed got its 250: %r" % errors[:5])
check(len(acked) + len(killed) == N, "%d acknowledged, %d killed after the dot, of %d" % (len(acked), len(killed), N))

r = runner()
def empty():
    return not [n for d in ("todo", "mess") for n in os.listdir(Q + "/" + d)]
for _ in range(1200):
    if empty(): break
    time.sleep(0.1)
check(empty(), "the queue empties after the last start")
time.sleep(0.5)  # deliveries of killed runners' workers may still be finishing


def stored(acct):
    out = {}
    base = D + "/data/accounts/%s/mail" % acct
    for mb in os.listdir(base):
        cur = base + "/" + mb + "/cur"
        for f in os.listdir(cur) if os.path.isdir(cur) else ():
            b = open(cur + "/" + f, "rb").read()
            m = re.search(rb"^X-Seq: (\d+)\r$", b, re.M)
            if m: out.setdefault(int(m.group(1)), []).append(b)
    return out


got = {"alice": stored("alice"), "bob": stored("bob")}
lost = [i for i, a in acked.items() if i not in got[a]]
bad = [i for i, a in acked.items() if i in got[a] and any(not b.endswith(message(i).encode()) for b in got[a][i])]
check(not lost, "no acknowledged message lost: %r" % lost[:10])
check(not bad, "each stored whole, after its Received field: %r" % bad[:10])
wrong = [i for a in got for i in got[a] if i in acked and acked[i] != a]
check(not wrong, "each in its own account: %r" % wrong[:10])
dups = sum(len(v) - 1 for a in got for v in got[a].values())
print("info: %d runner kills, %d acknowledged, %d sessions killed after the dot (%d of them stored), %d duplicates"
      % (kills, len(acked), len(killed), len([i for i in killed if i in got["alice"] or i in got["bob"]]), dups))
def slot():
    """queue/fssync's slot in use: (started, done), or None"""
    b = open(Q + "/fssync", "rb").read()
    for i in range(63):
        c = [int.from_bytes(b[64 + 64 * i + 8 * k:72 + 64 * i + 8 * k], sys.byteorder) for k in range(8)]
        if c[0] or c[4]: return c[0], c[1]
    return None


c = slot()
stores = sum(len(v) for a in got for v in got[a].values())
if MODE.get("TERN_SYNC") != "syncfs":
    # the sessions fsync; the workers sync their deliveries in bulk through it
    check(c and 0 < c[1] < stores, "without TERN_SYNC=syncfs: queue/fssync used by the workers only, fewer syncs than deliveries (%r, %d stored)" % (c, stores))
else:
    check(c and c[1] > 0 and c[1] < 3 * len(acked), "TERN_SYNC=syncfs: the syncs went through queue/fssync, fewer than three per message (%r)" % (c,))
r.send_signal(signal.SIGTERM)
check(r.wait() == 0, "SIGTERM: exit 0")
done()

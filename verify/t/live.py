# live.py: tern-verify beside tern-smtp-in sessions that write the queue of
# version 3 themselves (pool/ batches, files taken into tmp/ under their
# flock, sealed, renamed into todo/): no verify run reports anything.  Then
# sessions killed (SIGKILL) just after their final dot, no runner: verify
# reports only unrecovered messages in tmp/ (a writer killed after its
# fdatasync, before its rename), -fix recovers each into todo/, the queue
# is then clean and todo/ holds every message that got its 250.
import os, random, re, signal, subprocess, sys, threading, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "smtp-in", "t"))
from smtpin import *
from terntest import check, report

Q = D + "/data/queue"
lock = threading.Lock()
acked, errors = set(), []


def one(i, kill):
    s = Session(extra={"TERN_QUEUE_INJECT": ""})
    try:
        s.cmd("EHLO client.example.org")
        s.cmd("MAIL FROM:<sender@remote.example>")
        if not (s.cmd("RCPT TO:<bob@example.com>") or "").startswith("250"):
            with lock: errors.append("rcpt %d" % i)
            return
        s.cmd("DATA")
        s.send("Subject: m%d\r\nX-Seq: %d\r\n\r\n%s\r\n.\r\n" % (i, i, ("body %d " % i) * (1 + i % 40)))
        if kill:
            time.sleep(random.random() * 0.01)
            s.p.send_signal(signal.SIGKILL)
            return
        r = s.reply(timeout=60) or ""
        with lock:
            if r.startswith("250 "): acked.add(i)
            else: errors.append("%d: %r" % (i, r))
        s.send("QUIT\r\n")
    finally:
        s.c.close()
        s.p.wait()


def sessions(first, n, kill, par=6):
    todo = list(range(first, first + n))
    def worker():
        while True:
            with lock:
                if not todo: return
                i = todo.pop()
            one(i, kill)
    ts = [threading.Thread(target=worker) for _ in range(par)]
    for t in ts: t.start()
    return ts


def verify(*args):
    r = subprocess.run(["tern-verify", "-q"] + list(args) + ["data"], capture_output=True)
    return r.returncode, r.stdout.decode().splitlines(), r.stderr.decode()


def seqs():
    out = set()
    for n in os.listdir(Q + "/todo"):
        m = re.search(rb"\nX-Seq: (\d+)\r\n", open(Q + "/todo/" + n, "rb").read())
        if m: out.add(int(m.group(1)))
    return out


def main():
    setup()
    ts = sessions(0, 60, False)
    runs, bad = 0, []
    while any(t.is_alive() for t in ts):
        rc, out, err = verify()
        runs += 1
        if rc != 0: bad.append((rc, out[:3], err[-200:]))
    for t in ts: t.join()
    check(not errors and len(acked) == 60, "60 sessions acknowledged: %d, %r" % (len(acked), errors[:3]))
    check(os.path.isdir(Q + "/pool"), "the sessions use the pool")
    check(not bad, "live: none of %d verify runs beside the sessions reported anything: %r" % (runs, bad[:2]))
    check(runs >= 3, "live: %d verify runs during the sessions (3 at least)" % runs)
    rc, out, err = verify()
    check(rc == 0, "after the sessions: clean (was %d): %r %r" % (rc, out[-3:], err))

    for t in sessions(100, 40, True): t.join()
    for t in sessions(200, 20, False): t.join()
    rc, out, err = verify()
    probs = out[:-1]
    check(rc in (0, 100) and all(re.match(r"tern-verify: queue: tmp/[^:]*: unrecovered message [0-9a-f.]* \(whole, not yet in todo/\)$", l)
                                 for l in probs), "after kills: only unrecovered messages in tmp/ (%d): %r %r" % (len(probs), probs[:3], err))
    rc, out, err = verify("-fix")
    fixed = [l for l in out if l.startswith("tern-verify: fixed: ")]
    check(rc == 0 and err == "" and len(fixed) == len(probs), "-fix: each recovered (%d), then clean (was %d): %r %r" % (len(fixed), rc, out[-3:], err))
    check(all(re.match(r"tern-verify: fixed: queue: tmp/[^:]*: recovered to todo/", l) for l in fixed), "-fix: recoveries only: %r" % fixed[:3])
    got = seqs()
    check(acked <= got, "todo/ holds every acknowledged message: %d acknowledged, %d missing: %r" % (len(acked), len(acked - got), sorted(acked - got)[:5]))
    print("# %d killed sessions left %d whole files in tmp/" % (40, len(probs)))
    return report()


raise SystemExit(1 if main() else 0)

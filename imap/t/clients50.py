# clients50.py: 50 python imaplib clients at once through tern-listen, on
# five accounts (20 on bob, the rest spread): each APPENDs its own messages,
# SELECTs, SEARCHes, FETCHes, STOREs and UID EXPUNGEs some of them, and must
# always find exactly its own set; five more sit in IDLE and must be woken by
# the others' deliveries.  At the end each account holds exactly what its
# clients kept.  Prints "N passed, N failed".
import imaplib, os, random, re, socket, subprocess, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, D

ACCTS = ["bob", "eve", "carol", "dave", "erin"]
NWORK, NIDLE, ROUNDS = 45, 5, 8
errs = []
kept = {}
lock = threading.Lock()


def err(k, what):
    with lock:
        errs.append((k, what))


def ok(k, what, r):
    if r[0] != "OK":
        err(k, "%s: %r" % (what, r))
        return False
    return True


def worker(k, acct, port):
    rnd = random.Random(k)
    tok = "zq%dzq" % k
    mine = set()
    try:
        c = imaplib.IMAP4("127.0.0.1", port)
        ok(k, "login", c.login(acct, acct + "-password"))
        for i in range(ROUNDS):
            msg = ("From: c%d@example.org\r\nSubject: %s round %d\r\n\r\nbody %d %d\r\n" % (k, tok, i, k, i)).encode()
            r = c.append("Inbox", "(\\Flagged)", None, msg)
            if not ok(k, "append", r):
                continue
            m = re.search(rb"APPENDUID \d+ (\d+)", r[1][0])
            if not m:
                err(k, "no APPENDUID: %r" % r[1])
                continue
            mine.add(int(m.group(1)))
            ok(k, "select", c.select("Inbox"))
            r = c.uid("SEARCH", "SUBJECT", tok)
            if ok(k, "search", r) and set(int(x) for x in r[1][0].split()) != mine:
                err(k, "search %r != %r" % (r[1][0], sorted(mine)))
            u = rnd.choice(sorted(mine))
            r = c.uid("FETCH", str(u), "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            # other sessions' flag changes come as unsolicited FETCHes too
            its = [x for x in r[1] if isinstance(x, tuple) and b"UID %d " % u in x[0]]
            if ok(k, "fetch", r) and (len(its) != 1 or tok.encode() not in its[0][1] or b"\\Flagged" not in its[0][0]):
                err(k, "fetch %d: %r" % (u, r[1]))
            ok(k, "store", c.uid("STORE", str(u), "+FLAGS", "(\\Seen)"))
            r = c.uid("FETCH", str(u), "(FLAGS)")
            its = [x for x in r[1] if isinstance(x, bytes) and b"UID %d " % u in x]
            if ok(k, "fetch flags", r) and not any(b"\\Seen" in x for x in its):
                err(k, "\\Seen not set on %d: %r" % (u, r[1]))
            if rnd.random() < 0.3:
                u = rnd.choice(sorted(mine))
                ok(k, "store deleted", c.uid("STORE", str(u), "+FLAGS.SILENT", "(\\Deleted)"))
                ok(k, "uid expunge", c.uid("EXPUNGE", str(u)))
                mine.discard(u)
            ok(k, "noop", c.noop())
        r = c.uid("SEARCH", "SUBJECT", tok)
        if ok(k, "final search", r) and set(int(x) for x in r[1][0].split()) != mine:
            err(k, "final search %r != %r" % (r[1][0], sorted(mine)))
        c.logout()
    except Exception as e:
        err(k, "exception %r" % e)
    with lock:
        kept[acct] = kept.get(acct, 0) + len(mine)


woken = []


def idler(k, acct, port, ready):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        f = s.makefile("rb")
        f.readline()
        s.sendall(("a LOGIN %s %s-password\r\nb SELECT Inbox\r\nc IDLE\r\n" % (acct, acct)).encode())
        while not f.readline().startswith(b"+"):
            pass
        ready.release()
        t0 = time.time()
        while time.time() - t0 < 20:
            l = f.readline()
            if l.endswith(b"EXISTS\r\n"):
                with lock:
                    woken.append(k)
                break
        s.sendall(b"DONE\r\nd LOGOUT\r\n")
        s.close()
    except Exception as e:
        err(k, "idle exception %r" % e)
        ready.release()


setup()
for a in ACCTS[2:]:
    r = common.sh("tern-conf -c c add-account %s %s@example.com" % (a, a))
    check(r.returncode == 0, "account %s" % a)
for a in ACCTS:
    common.sh("tern-passwd -c c %s" % a, ("%s-password\n" % a).encode())
lis, port = common.listener("-c", "100", "-C", "100", stderr=open("listen.log", "w"))
ready = threading.Semaphore(0)
idlers = [threading.Thread(target=idler, args=(100 + j, ACCTS[j], port, ready)) for j in range(NIDLE)]
for t in idlers:
    t.start()
for t in idlers:
    ready.acquire()
workers = [threading.Thread(target=worker, args=(k, "bob" if k < 20 else ACCTS[k % 5], port)) for k in range(NWORK)]
t0 = time.time()
for t in workers:
    t.start()
for t in workers + idlers:
    t.join()
took = time.time() - t0
lis.kill()
lis.wait()
check(not errs, "%d clients at once, no error, each sees exactly its messages: %d errors %r" % (NWORK + NIDLE, len(errs), errs[:5]))
check(sorted(woken) == list(range(100, 100 + NIDLE)), "every IDLE client woken by the others' APPENDs: %r" % woken)
for a in ACCTS:
    c = imaplib.IMAP4_stream("env TCPREMOTEIP=127.0.0.1 tern-imap -c %s/c" % D)
    c.login(a, a + "-password")
    n = int(c.select("Inbox")[1][0])
    c.logout()
    check(n == kept.get(a, 0), "%s holds what its clients kept: %d == %d" % (a, n, kept.get(a, 0)))
print("# %d clients, %d commands each, %.1f s" % (NWORK + NIDLE, ROUNDS * 8, took))
common.terntest.report()

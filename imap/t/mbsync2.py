# mbsync2.py: two mbsync replicas A and B of bob's account (Sync All,
# Expunge Both, Create Both) through tern-listen on 127.0.0.1.  Each round
# changes flags in A, in B and on the server (\Seen \Flagged \Answered
# \Draft, a keyword on the server, \Deleted and expunge on each side), adds
# messages on the server and in A, then syncs A, B, A (rounds 3 and 4 run
# A and B at once first): the replicas and the server must hold the same
# messages with the same flags, and every change made on any side.
# Prints "N passed, N failed".
import os, random, re, signal, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, Raw
from mua import sync, files

LETTER = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen", "T": "\\Deleted"}
FLAGS = ["\\Seen", "\\Flagged", "\\Answered", "\\Draft"]
BOXES = ("INBOX", "Work")


def msg(mid):
    return (b"From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: %s\r\n"
            b"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <%s@x>\r\n\r\nbody %s\r\n" % ((mid.encode(),) * 3))


def local(mail, box):
    """the Maildir mail/box: {message-id: (flags, path)}"""
    out = {}
    for f in files(box, mail):
        m = re.search(rb"(?im)^Message-ID:\s*<([^@>]*)", open(f, "rb").read())
        info = os.path.basename(f).split(":2,")[1] if ":2," in f else ""
        out[m.group(1).decode() if m else f] = ({LETTER[c] for c in info if c in LETTER}, f)
    return out


def setlocal(mail, box, mid, flags):
    """give mid in mail/box the flags, as a mail client renames its file"""
    path = local(mail, box)[mid][1]
    base = os.path.basename(path).split(":2,")[0]
    letters = "".join(sorted(k for k, v in LETTER.items() if v in flags))
    os.rename(path, "%s/%s/cur/%s:2,%s" % (mail, box, base, letters))


def addlocal(mail, box, mid, n):
    for d in ("cur", "new", "tmp"):
        os.makedirs("%s/%s/%s" % (mail, box, d), exist_ok=True)
    with open("%s/%s/new/%d.M%dP%d.local" % (mail, box, 1700000000 + n, n, os.getpid()), "wb") as f:
        f.write(msg(mid))


def server(c, box):
    """bob's box on the server: {message-id: (system flags, keywords, uid)}"""
    c.cmd("SELECT " + box)
    out = {}
    for l in c.cmd("FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")[0]:
        m = re.search(rb"Message-ID:\s*<([^@>]*)", l, re.I)
        f = re.search(rb"FLAGS \(([^)]*)\)", l)
        u = re.search(rb"UID (\d+)", l)
        if m and f and u:
            fl = set(f.group(1).decode().split()) - {"\\Recent"}
            out[m.group(1).decode()] = ({x for x in fl if x.startswith("\\")}, {x for x in fl if not x.startswith("\\")}, int(u.group(1)))
    return out


def agree(want, kw, what):
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    for box in BOXES:
        s = server(c, box)
        got = {k: v[0] for k, v in s.items()}
        check(got == want[box], "%s: server's %s has every message and flag: %s" % (what, box, diff(want[box], got)))
        for name in ("A", "B"):
            l = {k: v[0] for k, v in local(name, box).items()}
            check(l == want[box], "%s: replica %s's %s has every message and flag: %s" % (what, name, box, diff(want[box], l)))
        lost = [k for k, v in kw[box].items() if k in s and v not in s[k][1]]
        check(not lost, "%s: the keyword on %s kept in %s: %r" % (what, box, lost, s))
    c.cmd("LOGOUT")


def diff(want, got):
    return "ok" if want == got else "missing %r extra %r differ %r" % (
        sorted(set(want) - set(got)), sorted(set(got) - set(want)),
        sorted((k, sorted(want[k]), sorted(got[k])) for k in want if k in got and want[k] != got[k]))


def change(rnd, want, kw, c, n):
    """one round's changes on A, B and the server; n numbers new messages"""
    rng = random.Random(rnd)
    for box in BOXES:
        s = server(c, box)
        ids = sorted(want[box])
        gone = rng.sample(ids, 3) if len(ids) > 6 else []
        for who, mid in zip("ASB", gone):   # \Deleted: expunged by mbsync (A, B) or by the server
            if who == "S":
                c.cmd("UID STORE %d +FLAGS.SILENT (\\Deleted)" % s[mid][2])
                c.cmd("UID EXPUNGE %d" % s[mid][2])
            else:
                setlocal(who, box, mid, want[box][mid] | {"\\Deleted"})
            del want[box][mid]
        for mid in ids:
            if mid in gone:
                continue
            fl = FLAGS[:]
            rng.shuffle(fl)
            for who, flag in zip("ABS", fl):   # each side its own flag: all three must merge
                if rng.random() < 0.5:
                    continue
                new = want[box][mid] ^ {flag}
                if who == "S":
                    c.cmd("UID STORE %d %sFLAGS.SILENT (%s)" % (s[mid][2], "+" if flag in new else "-", flag))
                else:
                    setlocal(who, box, mid, local(who, box)[mid][0] ^ {flag})
                want[box][mid] = new
            if rng.random() < 0.3 and mid in s:
                k = "kw%d" % rnd
                c.cmd("UID STORE %d +FLAGS.SILENT (%s)" % (s[mid][2], k))
                kw[box][mid] = k
        for _ in range(2):
            n += 1
            mid = "m%d" % n
            if box == "INBOX":
                deliver("bob", "Inbox", msg(mid))
            else:
                c.cmd(b"APPEND Work {%d+}\r\n" % len(msg(mid)) + msg(mid))
            want[box][mid] = set()
            n += 1
            mid = "m%d" % n
            addlocal("A", box, mid, n)
            want[box][mid] = set()
    return n


def syncs(rnd, both):
    if both:
        ps = [subprocess.Popen(["mbsync", "-c", rc, "-a"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for rc in ("rcA", "rcB")]
        outs = [p.communicate(timeout=120)[0] for p in ps]
        check(all(p.returncode == 0 for p in ps), "round %d: A and B at once: %r" % (rnd, outs))
    for rc in ("rcA", "rcB", "rcA"):
        check(sync(rc) == 0, "round %d: mbsync %s" % (rnd, rc))


setup()
os.makedirs("A/INBOX", exist_ok=True)
os.makedirs("B/INBOX", exist_ok=True)
lis, port = common.listener()
common.mbsyncrc(port, "rcA", "A")
common.mbsyncrc(port, "rcB", "B")
try:
    want = {"INBOX": {}, "Work": {}}
    kw = {"INBOX": {}, "Work": {}}
    n = 0
    for i in range(8):
        n += 1
        deliver("bob", "Inbox", msg("m%d" % n))
        want["INBOX"]["m%d" % n] = set()
    for i in range(8):
        n += 1
        addlocal("A", "Work", "m%d" % n, n)   # a folder made in A: Create Both
        want["Work"]["m%d" % n] = set()
    for rc in ("rcA", "rcB"):
        check(sync(rc) == 0, "first mbsync %s" % rc)
    agree(want, kw, "start")
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    for rnd in range(1, 6):
        n = change(rnd, want, kw, c, n)
        syncs(rnd, rnd in (3, 4))
        agree(want, kw, "round %d" % rnd)
    c.cmd("LOGOUT")
finally:
    lis.send_signal(signal.SIGTERM)
    lis.wait(5)
common.terntest.report()

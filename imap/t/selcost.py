# selcost.py: SELECT at a cost that stays flat as the mailbox grows (issue
# 18): the bytes tern-imap reads from the index (read, pread64 and mmap of
# it, under strace) for LOGIN, SELECT and LOGOUT of 1,000 and of 100,000
# generated messages do not grow with the mailbox; SELECT's UNSEEN is the
# first message SEARCH UNSEEN finds, with tombstones before it, after a
# \Seen taken away below the unseen boundary, and under EXAMINE; a damaged
# tombstone count or unseen boundary in the index header is found at the
# first command that reads the message list, logged and recomputed; 200
# pipelined UID FETCH look at the index after the last, not after each.
# Prints "N passed, N failed".
import os, re, struct, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, MSG, Raw, BIN, D

SMALL, BIG = 1000, 100000


def login(acct, c=None):
    c = c or Raw()
    r = c.cmd("LOGIN %s %s-password" % (acct, acct))
    check(r[1].startswith(b"t1 OK"), "login %s: %r" % (acct, r))
    return c


def field(r, name):
    m = re.search(rb"\* (?:OK \[)?%s (\d+)" % name.encode(), b"".join(r[0]))
    m2 = re.search(rb"\* (\d+) %s" % name.encode(), b"".join(r[0]))
    return int(m.group(1)) if m else int(m2.group(1)) if m2 else 0


def traced(acct, box="INBOX"):
    """index bytes read by a whole LOGIN, SELECT, LOGOUT session, and SELECT's response"""
    log = "%s/strace.%s" % (D, acct)
    saved = subprocess.Popen

    def popen(argv, **kw):
        return saved(["strace", "-qq", "-y", "-e", "trace=read,pread64,preadv,mmap", "-o", log] + argv, **kw)
    subprocess.Popen = popen   # Raw starts tern-imap under strace
    try:
        c = Raw()
    finally:
        subprocess.Popen = saved
    login(acct, c)
    r = c.cmd("SELECT " + box)
    c.cmd("LOGOUT")
    c.proc.wait(60)
    n = 0
    for l in open(log, errors="replace"):
        m = re.match(r"(\w+)\((\d+)<([^>]*)>.* = (\d+)", l)
        if m and m.group(3).endswith("/index") and m.group(1) != "mmap":
            n += int(m.group(4))
        m = re.match(r"mmap\([^,]*, (\d+), [^,]*, [^,]*, \d+<([^>]*)>", l)
        if m and m.group(2).endswith("/index"):
            n += int(m.group(1))
    return n, r


def warm(acct, n):
    """the first SELECT takes the recent messages over; a tombstone at 2"""
    c = login(acct)
    r = c.cmd("SELECT INBOX")
    check(field(r, "EXISTS") == n and field(r, "RECENT") == n, "%s: first SELECT, %d recent: %r" % (acct, n, r[0][2:4]))
    c.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    c.cmd("LOGOUT")


def unseen_right(c, what, cmd="SELECT"):
    """SELECT's UNSEEN is SEARCH UNSEEN's first"""
    r = c.cmd(cmd + " INBOX")
    s = c.cmd("SEARCH UNSEEN")
    hits = [int(x) for x in b"".join(s[0]).split(b"SEARCH")[1].split()] if s[0] else []
    want = hits[0] if hits else 0
    st = re.search(rb"MESSAGES (\d+)", b"".join(c.cmd("STATUS INBOX (MESSAGES)")[0]))
    check(field(r, "UNSEEN") == want and st and field(r, "EXISTS") == int(st.group(1)),
          "%s: UNSEEN %d, SEARCH UNSEEN's first %d: %r" % (what, field(r, "UNSEEN"), want, r[0]))


def header(acct, off, v=None):
    p = "data/accounts/%s/mail/1/index" % acct
    with open(p, "r+b") as f:
        f.seek(off)
        if v is None:
            return struct.unpack("<I", f.read(4))[0]
        f.write(struct.pack("<I", v))


def flags():
    c = login("bob")
    unseen_right(c, "gen's flags, a tombstone at 2")
    c.cmd("STORE 1:40 +FLAGS.SILENT (\\Seen)")
    c.cmd("STORE 5,6,7 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    unseen_right(c, "1-40 seen, 4 tombstones before the first unseen")
    unseen_right(c, "again, from the raised boundary")
    check(header("bob", 12) > 40, "the boundary was raised: %d" % header("bob", 12))
    c.cmd("UID STORE 30 -FLAGS.SILENT (\\Seen)")
    check(header("bob", 12) == 30, "a \\Seen taken away below it lowers it: %d" % header("bob", 12))
    unseen_right(c, "UID 30 unseen again")
    c.cmd("UID STORE 30 +FLAGS.SILENT (\\Seen)")
    unseen_right(c, "under EXAMINE", "EXAMINE")
    c.cmd("SELECT INBOX")
    c.cmd("STORE 1:* +FLAGS.SILENT (\\Seen)")
    unseen_right(c, "all seen: no UNSEEN")
    check(header("bob", 12) == header("bob", 20), "all seen: the boundary is UIDNEXT: %d" % header("bob", 12))
    c.cmd("LOGOUT")


def damaged():
    c = login("bob")
    r = c.cmd("SELECT INBOX")
    n = field(r, "EXISTS")
    c.cmd("UID STORE 10 -FLAGS.SILENT (\\Seen)")
    c.cmd("LOGOUT")
    tomb = header("bob", 36)
    header("bob", 36, tomb + 1)   # one tombstone too many: EXISTS one short
    header("bob", 12, header("bob", 20))   # the boundary above UID 10, unseen
    errlog = open("selcost.err", "wb")
    c = login("bob", Raw(stderr=errlog))
    r = c.cmd("EXAMINE INBOX")
    check(field(r, "EXISTS") == n - 1 and field(r, "UNSEEN") == 0, "damaged header: SELECT trusts it (it reads no more): %r" % (r[0],))
    r = c.cmd("NOOP")
    check(r[0] == [b"* %d EXISTS\r\n" % n] and r[1].startswith(b"t3 OK"), "the first command reads the list, finds it and says EXISTS %d: %r" % (n, r))
    c.cmd("LOGOUT")
    c.proc.wait(30)
    errlog.close()
    log = open("selcost.err", "rb").read()
    check(log.count(b"index header counters differ") == 1, "logged once: %r" % log)
    check(header("bob", 36) == tomb and header("bob", 12) == 0, "recomputed under the lock: tombstones %d (%d), boundary %d"
          % (header("bob", 36), tomb, header("bob", 12)))
    c = login("bob")
    unseen_right(c, "after the repair")
    c.cmd("LOGOUT")


def pipeline():
    """200 pipelined UID FETCH (mbsync's pull): the index is looked at after
    the last of them, not after each (its header is read a few times, not
    200), and another session's flag change is still reported then"""
    log = "%s/strace.pipe" % D
    saved = subprocess.Popen
    subprocess.Popen = lambda argv, **kw: saved(["strace", "-qq", "-y", "-e", "trace=pread64", "-o", log] + argv, **kw)
    try:
        c = Raw()
    finally:
        subprocess.Popen = saved
    login("bob", c)
    c.cmd("SELECT INBOX")
    o = login("bob")
    o.cmd("SELECT INBOX")
    o.cmd("UID STORE 500 +FLAGS.SILENT (\\Flagged)")
    o.cmd("LOGOUT")
    c.send(b"".join(b"p%d UID FETCH %d (BODY.PEEK[])\r\n" % (k, 300 + k) for k in range(200)))
    r = c.until(b"p199")
    tagged = [l for l in r[0] if l.startswith(b"p")] + [r[1]]
    news = [l for l in r[0] if b"FETCH" in l and b"\\Flagged" in l]
    check(len(tagged) == 200 and all(b" OK " in l for l in tagged) and len(news) == 1,
          "200 pipelined, all OK, the other session's \\Flagged reported once: %d %r" % (len(tagged), news))
    c.cmd("LOGOUT")
    c.proc.wait(30)
    n = sum(1 for l in open(log, errors="replace") if re.match(r"pread64\(\d+<[^>]*/index>, .*, 64, 0\)", l))
    print("index header reads for 200 pipelined UID FETCH: %d" % n)
    check(n < 40, "the index header is read %d times for 200 pipelined UID FETCH (under 40)" % n)


def main():
    setup()
    for acct, n in (("bob", SMALL), ("eve", BIG)):
        r = subprocess.run("%s/t/imap-gen data/accounts/%s - %d" % (BIN, acct, n), shell=True, capture_output=True)
        check(r.returncode == 0, "imap-gen %d: %r" % (n, r))
        warm(acct, n)
    got = {}
    for acct, n in (("bob", SMALL), ("eve", BIG)):
        got[n], r = traced(acct)
        check(field(r, "EXISTS") == n - 1 and field(r, "UNSEEN") == 1 and field(r, "RECENT") == 0,
              "%d messages: SELECT: %r" % (n, r[0]))
    print("index bytes read by LOGIN, SELECT, LOGOUT: %d at %d messages, %d at %d" % (got[SMALL], SMALL, got[BIG], BIG))
    check(0 < got[SMALL] and got[BIG] <= got[SMALL] + 4096,
          "SELECT reads as much of the index at %d messages as at %d: %d and %d bytes" % (BIG, SMALL, got[BIG], got[SMALL]))
    flags()
    pipeline()
    damaged()
    sys.exit(1 if common.terntest.report() else 0)


main()

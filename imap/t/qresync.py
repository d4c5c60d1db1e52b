# qresync.py: QRESYNC (RFC 7162 3.2, issue 18): ENABLE QRESYNC, SELECT
# with QRESYNC after another session's flag changes and expunges, the
# known-uids and seq-match-data forms, a bad UIDVALIDITY, UID FETCH
# CHANGEDSINCE VANISHED, VANISHED in place of EXPUNGE, the fallback after
# a compaction, and the changes-log entries a resync reads (counted under
# TERN_IMAP_TESTCOUNT, not timed).  Prints "N passed, N failed".
import os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, MSG, Raw, BIN


def login(c=None):
    c = c or Raw()
    c.cmd("LOGIN bob bob-password")
    return c


def append(c, box, n):
    for k in range(n):
        m = MSG % (k, k, k)
        c.cmd(b"APPEND %s {%d+}\r\n" % (box.encode(), len(m)) + m)


def state(c, box):
    """UIDVALIDITY and HIGHESTMODSEQ of box"""
    r = c.cmd("EXAMINE " + box)
    t = b"".join(r[0])
    uv = int(re.search(rb"UIDVALIDITY (\d+)", t).group(1))
    hm = int(re.search(rb"HIGHESTMODSEQ (\d+)", t).group(1))
    c.cmd("UNSELECT")
    return uv, hm


def fetches(lines):
    """(seq, uid) of each FETCH line"""
    out = []
    for l in lines:
        m = re.match(rb"\* (\d+) FETCH \(UID (\d+) ", l)
        if m:
            out.append((int(m.group(1)), int(m.group(2))))
    return out


def vanished(lines):
    return [l for l in lines if l.startswith(b"* VANISHED")]


def basic():
    c = login()
    r = c.cmd("CAPABILITY")
    check(b" QRESYNC" in r[0][0], "CAPABILITY lists QRESYNC: %r" % (r,))
    c.cmd("CREATE Q")
    append(c, "Q", 10)
    uv, hm = state(c, "Q")
    r = c.cmd("SELECT Q (QRESYNC (%d %d))" % (uv, hm))
    check(r[1].startswith(b"t%d BAD" % c.n), "SELECT (QRESYNC ...) before ENABLE QRESYNC is BAD: %r" % (r,))
    r = c.cmd("ENABLE QRESYNC")
    check(r[0] == [b"* ENABLED QRESYNC\r\n"] and b" OK " in r[1], "ENABLE QRESYNC: %r" % (r,))
    o = login()
    o.cmd("SELECT Q")
    o.cmd("STORE 2 +FLAGS (\\Flagged)")
    o.cmd("STORE 5 +FLAGS (\\Seen)")
    o.cmd("STORE 3,7 +FLAGS (\\Deleted)")
    r = o.cmd("EXPUNGE")
    check([l for l in r[0] if b"EXPUNGE" in l or b"VANISHED" in l] == [b"* 7 EXPUNGE\r\n", b"* 3 EXPUNGE\r\n"], "a session without QRESYNC gets EXPUNGE: %r" % (r,))
    append(o, "Q", 1)   # UID 11
    r = c.cmd("SELECT Q (QRESYNC (%d %d))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 3,7\r\n"], "SELECT QRESYNC: VANISHED (EARLIER) 3,7: %r" % (r,))
    check(fetches(r[0]) == [(2, 2), (4, 5), (9, 11)], "and FETCH for UIDs 2, 5 and 11 only: %r" % (r,))
    check(any(re.match(rb"\* 2 FETCH \(UID 2 FLAGS \(\\Flagged( \$NotJunk)?\) MODSEQ \(\d+\)\)", l) for l in r[0]), "with FLAGS and MODSEQ: %r" % (r,))
    check(not any(b"EXPUNGE" in l for l in r[0]) and b" OK [READ-WRITE]" in r[1], "no EXPUNGE, SELECT OK: %r" % (r,))
    r = c.cmd("SELECT Q (QRESYNC (%d %d 1:5))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 3\r\n"] and fetches(r[0]) == [(2, 2), (4, 5)], "known-uids 1:5 limits both: %r" % (r,))
    check(r[0][0] == b"* OK [CLOSED] previous mailbox closed\r\n", "[CLOSED] first: %r" % (r,))
    r = c.cmd("SELECT Q (QRESYNC (%d %d 1:11 (1:4 1,2,4,5)))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 3,7\r\n"] and fetches(r[0]) == [(2, 2), (4, 5), (9, 11)], "with seq-match-data: %r" % (r,))
    r = c.cmd("SELECT Q (QRESYNC (%d %d))" % (uv + 1, hm))
    check(not vanished(r[0]) and not fetches(r[0]) and b" OK [READ-WRITE]" in r[1], "another UIDVALIDITY: a plain SELECT: %r" % (r,))
    r = c.cmd("EXAMINE Q (QRESYNC (%d %d))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 3,7\r\n"] and len(fetches(r[0])) == 3 and b"[READ-ONLY]" in r[1], "EXAMINE too: %r" % (r,))
    for bad in ("(QRESYNC (%d))" % uv, "(QRESYNC (0 %d))" % hm, "(QRESYNC (%d %d 1:5 (1:2)))" % (uv, hm),
                "(QRESYNC (%d x))" % uv, "(QRESYNC)", "(QRESYNC (%d %d) BOGUS)" % (uv, hm)):
        r = c.cmd("SELECT Q " + bad)
        check(r[1].startswith(b"t%d BAD" % c.n), "SELECT Q %s is BAD: %r" % (bad, r))
    c.cmd("SELECT Q")
    r = c.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % hm)
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 3,7\r\n"] and fetches(r[0]) == [(2, 2), (4, 5), (9, 11)], "UID FETCH CHANGEDSINCE VANISHED: %r" % (r,))
    r = c.cmd("UID FETCH 4:6 (FLAGS) (VANISHED CHANGEDSINCE %d)" % hm)
    check(vanished(r[0]) == [] and fetches(r[0]) == [(4, 5)], "only the UIDs of the set: %r" % (r,))
    for bad in ("UID FETCH 1:* (FLAGS) (VANISHED)", "FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % hm):
        r = c.cmd(bad)
        check(r[1].startswith(b"t%d BAD" % c.n), "%s is BAD: %r" % (bad, r))
    r = o.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % hm)
    check(r[1].startswith(b"t%d BAD" % o.n), "VANISHED without ENABLE QRESYNC is BAD: %r" % (r,))
    c.cmd("STORE 3 +FLAGS.SILENT (\\Deleted)")
    r = c.cmd("EXPUNGE")
    check(r[0] == [b"* VANISHED 4\r\n"], "EXPUNGE in a QRESYNC session answers VANISHED: %r" % (r,))
    r = o.cmd("NOOP")
    check(b"* 3 EXPUNGE\r\n" in r[0] and not vanished(r[0]), "and EXPUNGE in the other: %r" % (r,))
    for x in (c, o):
        x.cmd("LOGOUT")


def compacted():
    """expunges older than a compaction are forgotten: every UID of the
    client's set not in the mailbox"""
    c = login()
    c.cmd("ENABLE QRESYNC")
    c.cmd("CREATE Big")
    append(c, "Big", 130)
    uv, hm = state(c, "Big")
    c.cmd("SELECT Big")
    c.cmd("UID STORE 11:100 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    uv2, hm2 = state(c, "Big")
    c.cmd("SELECT Big")
    c.cmd("UID STORE 120 +FLAGS (\\Seen)")
    r = c.cmd("SELECT Big (QRESYNC (%d %d))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 11:100\r\n"] and [u for s, u in fetches(r[0])] == [120], "after a compaction: %r" % (r,))
    for k in ("1:1000", "1:4294967295", "*:1", "1:*"):
        r = c.cmd("SELECT Big (QRESYNC (%d %d %s))" % (uv, hm, k))
        check(vanished(r[0]) == [b"* VANISHED (EARLIER) 11:100\r\n"], "known-uids %s: only UIDs given out: %r" % (k, r))
    r = c.cmd("SELECT Big (QRESYNC (%d %d 5:20,105))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 11:20\r\n"], "known-uids: %r" % (r,))
    r = c.cmd("SELECT Big (QRESYNC (%d %d 1:130 (1:10 1:10)))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 11:100\r\n"], "seq-match-data: %r" % (r,))
    r = c.cmd("SELECT Big (QRESYNC (%d %d 1:4294967295 (1:4294967295 1:4294967295)))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 11:100\r\n"], "seq-match-data of 4 billion pairs stops at the first mismatch: %r" % (r,))
    r = c.cmd("SELECT Big (QRESYNC (%d %d))" % (uv, hm2))
    check(vanished(r[0]) == [] and [u for s, u in fetches(r[0])] == [120], "at the compaction's MODSEQ the log suffices: %r" % (r,))
    c.cmd("LOGOUT")


def cost(n):
    """a resync with 10 changes reads about 10 change entries, not the log"""
    r = subprocess.run("%s/t/imap-gen data/accounts/bob gen %d" % (BIN, n), shell=True, capture_output=True)
    check(r.returncode == 0, "imap-gen: %r" % (r,))
    c = login()
    c.cmd("SELECT INBOX")
    c.cmd("STORE 1:1000 +FLAGS.SILENT (\\Answered)")   # a long changes log before
    uv, hm = state(c, "INBOX")
    c.cmd("SELECT INBOX")
    for k in range(1, 11):
        c.cmd("STORE %d +FLAGS.SILENT (\\Flagged)" % (k * 997))
    c.cmd("STORE 5,6 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    c.cmd("LOGOUT")
    q = Raw(env={"TERN_IMAP_TESTCOUNT": "1"}, stderr=subprocess.PIPE)
    login(q)
    q.cmd("ENABLE QRESYNC")
    r = q.cmd("SELECT INBOX (QRESYNC (%d %d))" % (uv, hm))
    check(vanished(r[0]) == [b"* VANISHED (EARLIER) 5:6\r\n"] and len(fetches(r[0])) == 10, "%d messages, 10 changes: %r" % (n, r[0][-12:]))
    q.cmd("LOGOUT")
    err = q.proc.stderr.read()
    q.proc.wait()
    m = re.search(rb"change entries read: (\d+)", err)
    k = int(m.group(1)) if m else -1
    check(0 < k <= 40, "the resync read %d of 1014 change entries (binary search, then the tail): %r" % (k, err[-200:]))


setup()
basic()
compacted()
cost(20000)
common.terntest.report()

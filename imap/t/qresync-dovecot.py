# qresync-dovecot.py: the QRESYNC steps of qresync.py (ENABLE, another
# session's flag changes and expunges, SELECT (QRESYNC ...) in its forms,
# UID FETCH CHANGEDSINCE VANISHED, EXPUNGE in both sessions) against a
# private Dovecot on loopback and tern-imap under tern-listen: the answers
# must be the same once MODSEQ values, UIDVALIDITY and flags the servers
# set on their own ($NotJunk, \Recent) are taken out, MODSEQ put last.
# Prints "N passed, N failed".
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, MSG
import terntest
from dovepeer import Dovecot, Net as Tcp


def norm(r):
    """the lines that QRESYNC decides, comparable across servers"""
    keep = []
    for l in r[0]:
        if re.match(rb"\* (VANISHED|ENABLED|\d+ EXPUNGE|\d+ FETCH|OK \[CLOSED\])", l):
            ms = re.search(rb"MODSEQ \(\d+\)", l)   # item order differs: MODSEQ goes last
            l = re.sub(rb" ?MODSEQ \(\d+\) ?", b" ", l).replace(b"( ", b"(").replace(b" )", b")")
            l = l.replace(b")\r\n", b" MODSEQ (m))\r\n" if ms else b")\r\n")
            l = re.sub(rb" ?(\$NotJunk|\\Recent)", b"", l).replace(b"FLAGS ( ", b"FLAGS (")
            keep.append(l.split(b"]")[0] if b"[CLOSED]" in l else l)
    return keep + [r[1].split(b" ")[1] if r[1] else b"EOF"]


def steps(port):
    c, o = Tcp(port), Tcp(port)
    out = []
    for x in (c, o):
        x.cmd("LOGIN bob bob-password")
    out.append(norm(c.cmd("ENABLE QRESYNC")))
    c.cmd("CREATE Q")
    for k in range(10):
        m = MSG % (k, k, k)
        c.cmd(b"APPEND Q {%d+}\r\n" % len(m) + m)
    t = b"".join(c.cmd("EXAMINE Q")[0])
    uv = int(re.search(rb"UIDVALIDITY (\d+)", t).group(1))
    hm = int(re.search(rb"HIGHESTMODSEQ (\d+)", t).group(1))
    c.cmd("UNSELECT")
    o.cmd("SELECT Q")
    o.cmd("STORE 2 +FLAGS.SILENT (\\Flagged)")
    o.cmd("STORE 5 +FLAGS.SILENT (\\Seen)")
    o.cmd("STORE 3,7 +FLAGS.SILENT (\\Deleted)")
    out.append(norm(o.cmd("EXPUNGE")))
    m = MSG % (11, 11, 11)
    o.cmd(b"APPEND Q {%d+}\r\n" % len(m) + m)
    for p in ("", " 1:5", " 1:11 (1:4 1,2,4,5)", " 1:11 (3:4 3,4)"):
        out.append(norm(c.cmd("SELECT Q (QRESYNC (%d %d%s))" % (uv, hm, p))))
    out.append(norm(c.cmd("SELECT Q (QRESYNC (%d %d))" % (uv + 1, hm))))
    out.append(norm(c.cmd("UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)" % hm)))
    out.append(norm(c.cmd("UID FETCH 4:6 (FLAGS) (CHANGEDSINCE %d VANISHED)" % hm)))
    out.append(norm(o.cmd("NOOP")))
    out.append(norm(c.cmd("FETCH 2 (FLAGS)")))
    out.append(norm(c.cmd("STORE 2 +FLAGS (\\Answered)")))
    out.append(norm(c.cmd("STORE 2 -FLAGS.SILENT (\\Answered)")))
    o.cmd("NOOP")   # the flag news of a session without QRESYNC is not the point here
    c.cmd("STORE 3 +FLAGS.SILENT (\\Deleted)")
    out.append(norm(c.cmd("EXPUNGE")))
    out.append(norm(o.cmd("NOOP")))
    c.cmd("STORE 4 +FLAGS.SILENT (\\Deleted)")
    out.append(norm(c.cmd("CLOSE")))
    out.append(norm(c.cmd("SELECT Q")))
    out.append(norm(c.cmd("UID MOVE 5 INBOX")))
    out.append(norm(c.cmd("EXAMINE Q")))
    out.append(norm(c.cmd("UNSELECT")))
    out.append(norm(o.cmd("NOOP")))
    for x in (c, o):
        x.cmd("LOGOUT")
    return out


setup()
dv = Dovecot()   # private, on a free port, under a directory of its own
dport = dv.port
tl, tport = common.listener()
try:
    check(terntest.waitport(dport) and terntest.waitport(tport), "both servers listen")
    want, got = steps(dport), steps(tport)
    for i, (w, g) in enumerate(zip(want, got)):
        check(w == g, "step %d: dovecot %r, tern %r" % (i, w, g))
    check(len(want) == len(got) == 21, "21 steps each")
finally:
    tl.terminate()
    tl.wait()
    terntest.failtail(dv.d + "/dovecot.log")
    dv.stop()
common.terntest.report()

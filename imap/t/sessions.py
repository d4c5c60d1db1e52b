# sessions.py: two sessions on one mailbox.  A STORE applies +FLAGS and
# -FLAGS to the flags on disk, not to the session's copy (another session's
# change survives); a message another session expunged is never served
# with made-up contents: NO [EXPUNGEISSUED], then EXPUNGE at the next
# command that allows it.  Prints "N passed, N failed".
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, Raw, MSG


def flags(c, n):
    out, tagged = c.cmd("FETCH %d (FLAGS)" % n)
    for l in out:
        m = re.match(rb"\* %d FETCH \(.*FLAGS \(([^)]*)\)" % n, l)
        if m:
            return set(m.group(1).split()) - {b"\\Recent"}   # A selected first: its \Recent is tested in strict.py
    return None


setup()
for i in range(3):
    deliver("bob", "Inbox", MSG % (i, i, i))
a, b = Raw(), Raw()
for c in (a, b):
    c.cmd("LOGIN bob bob-password")
    c.cmd("SELECT Inbox")
a.cmd("STORE 1 +FLAGS (\\Seen)")
b.cmd("NOOP")
check(flags(b, 1) == {b"\\Seen"}, "B sees \\Seen")
a.cmd("STORE 1 +FLAGS (\\Answered)")
out, tagged = b.cmd("STORE 1 -FLAGS (\\Seen)")
check(b" OK " in tagged, "B's STORE: %r" % tagged)
check(any(b"\\Answered" in l for l in out), "B's STORE reports A's \\Answered: %r" % out)
a.cmd("CHECK")
b.cmd("CHECK")
check(flags(a, 1) == {b"\\Answered"}, "A: 1 is \\Answered only: %r" % flags(a, 1))
check(flags(b, 1) == {b"\\Answered"}, "B: 1 is \\Answered only: %r" % flags(b, 1))
# keywords and .SILENT: each session adds its own; the other's stays
a.cmd("STORE 2 +FLAGS.SILENT (kwa)")
out, tagged = b.cmd("STORE 2 +FLAGS.SILENT (kwb \\Flagged)")
check(b" OK " in tagged, "B's silent STORE: %r" % tagged)
check(any(b"kwa" in l for l in out), "B's silent STORE reports A's keyword: %r" % out)
b.cmd("NOOP")
a.cmd("NOOP")
check(flags(a, 2) == {b"kwa", b"kwb", b"\\Flagged"}, "A: 2 has both keywords: %r" % flags(a, 2))
check(flags(b, 2) == {b"kwa", b"kwb", b"\\Flagged"}, "B: 2 has both keywords: %r" % flags(b, 2))
a.cmd("STORE 2 -FLAGS (kwa)")
b.cmd("STORE 2 -FLAGS (\\Flagged)")
b.cmd("NOOP")
check(flags(b, 2) == {b"kwb"}, "B: 2 lost what both removed: %r" % flags(b, 2))
# a FETCH that sets \Seen keeps the flags another session set
a.cmd("STORE 2 +FLAGS (\\Flagged)")
out, tagged = b.cmd("FETCH 2 (BODY[TEXT])")
check(any(b"\\Flagged" in l and b"\\Seen" in l for l in out), "B's FETCH sets \\Seen and reports A's \\Flagged: %r" % out)
a.cmd("NOOP")
check(flags(a, 2) == {b"kwb", b"\\Flagged", b"\\Seen"}, "A: 2 is \\Flagged and \\Seen: %r" % flags(a, 2))
# expunged by B, fetched by A before A was told
b.cmd("STORE 3 +FLAGS.SILENT (\\Deleted)")
out, tagged = b.cmd("EXPUNGE")
check(b"* 3 EXPUNGE\r\n" in out, "B expunged 3")
out, tagged = a.cmd("FETCH 1:3 (RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY.PEEK[])")
check(tagged.startswith(b"t") and b" NO [EXPUNGEISSUED]" in tagged, "A's FETCH: NO [EXPUNGEISSUED]: %r" % tagged)
check(not any(l.startswith(b"* 3 ") and b"BODY" in l for l in out), "no made-up FETCH for 3: %r" % [l for l in out if l.startswith(b"* 3 ")])
check(sum(1 for l in out if b" FETCH (" in l and b"body text" in l) == 2, "1 and 2 served: %r" % out)
check(not any(b"EXPUNGE" in l for l in out), "no EXPUNGE during FETCH")
out, tagged = a.cmd("FETCH 3 (UID FLAGS)")
check(b" OK " in tagged and out == [b"* 3 FETCH (UID 3 FLAGS (\\Recent \\Deleted))\r\n"], "what the session knows is still served: %r" % out)
out, tagged = a.cmd("NOOP")
check(b"* 3 EXPUNGE\r\n" in out and b" OK " in tagged, "A told at the next NOOP: %r" % out)
out, tagged = a.cmd("FETCH 1:* (BODY.PEEK[])")
check(b" OK " in tagged and len(out) == 2, "then FETCH is OK: %r" % tagged)
# UID FETCH may report the expunge at once: EXPUNGE before the tagged NO
b.cmd("NOOP")
b.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
b.cmd("EXPUNGE")
out, tagged = a.cmd("UID FETCH 1:* (BODY.PEEK[HEADER] BODY.PEEK[TEXT])")
check(b" NO [EXPUNGEISSUED]" in tagged, "UID FETCH of the gone one: %r" % tagged)
check(b"* 2 EXPUNGE\r\n" in out and not any(b"UID 2 " in l for l in out), "UID FETCH: EXPUNGE, no contents: %r" % out)
for c in (a, b):
    c.cmd("LOGOUT")
    c.proc.wait(10)
common.terntest.report()

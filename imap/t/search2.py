# search2.py: SENTBEFORE/SENTON/SENTSINCE, CHARSET UTF-8 with non-ASCII
# case folding, the header cache (same answers from the cache as from the
# files, a torn cache tail cut and rebuilt), and IDLE woken by inotify (a
# watch on the mailbox, not the 5-second poll), RFC 2047 encoded words found by their
# decoded text.  Prints "N passed, N failed".
import glob, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, Raw

MSGS = [
    b"From: a@x\r\nSubject: first\r\nDate: Tue, 14 Nov 2023 23:30:00 -0800\r\n\r\none\r\n",
    b"From: b@x\r\nSubject: =?utf-8?q?x?= \xc3\x89t\xc3\xa9 \xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2\r\nDate: 15 Nov 2023 01:00:00 +0000\r\n\r\ntwo\r\n",
    b"From: c@x\r\nSubject: third \xc5\x81\xc3\xb3d\xc5\xba\r\nDate: Thu, 16 Nov 23 10:00:00 +0100\r\n\r\nthree\r\n",
    b"From: d@x\r\nSubject: no date\r\n\r\nfour\r\n",
]


def search(c, crit):
    out, tagged = c.cmd(crit)
    if not tagged.startswith(b"t%d OK" % c.n):
        return tagged
    return [l for l in out if l.startswith(b"* SEARCH")][0].split()[2:]


setup()
for m in MSGS:
    deliver("bob", "Inbox", m)
c = Raw()
c.cmd("LOGIN bob bob-password")
c.cmd("SELECT Inbox")
cases = [
    ("SEARCH SENTON 14-Nov-2023", [b"1"]),          # the sender's day, not UTC's
    ("SEARCH SENTON 15-Nov-2023", [b"2"]),
    ("SEARCH SENTBEFORE 15-Nov-2023", [b"1"]),
    ("SEARCH SENTSINCE 15-Nov-2023", [b"2", b"3"]),  # "23" is 2023
    ("SEARCH SENTSINCE 1-Jan-1990", [b"1", b"2", b"3"]),  # no Date: never matches
    ("SEARCH NOT SENTON 15-Nov-2023", [b"1", b"3", b"4"]),
    (b"SEARCH CHARSET UTF-8 SUBJECT {5+}\r\n\xc3\xa9T\xc3\x89", [b"2"]),   # "\xe9T\xc9" folds to "\xe9t\xe9"
    (b"SEARCH CHARSET UTF-8 SUBJECT {6+}\r\n\xd0\xbf\xd1\x80\xd0\xb8", [b"2"]),  # Cyrillic lower case
    (b"SEARCH CHARSET UTF-8 SUBJECT {7+}\r\n\xc5\x82\xc3\x93D\xc5\xb9", [b"3"]),  # Latin Extended-A
    (b"SEARCH CHARSET UTF-8 SUBJECT {2+}\r\n\xc3\xa8", []),
    ("SEARCH SUBJECT THIRD", [b"3"]),
]
for crit, want in cases:
    got = search(c, crit)
    check(got == want, "%r: %r" % (crit, got))
out, tagged = c.cmd("SEARCH SENTON 32-Nov-2023")
check(b" BAD " in tagged, "a bad date is BAD: %r" % tagged)
out, tagged = c.cmd("SEARCH CHARSET KOI8-R SUBJECT x")
check(b"BADCHARSET" in tagged, "other charsets refused: %r" % tagged)

# the header cache: same answers from it as from the files
cache = glob.glob("data/accounts/bob/mail/*/cache")
first = c.cmd("FETCH 1:4 (BODY.PEEK[HEADER.FIELDS (SUBJECT DATE)] BODY.PEEK[HEADER] ENVELOPE)")
cache = glob.glob("data/accounts/bob/mail/*/cache")
check(len(cache) == 1 and os.path.getsize(cache[0]) == sum(8 + m.index(b"\r\n\r\n") + 4 for m in MSGS),
      "each header cached once: %r" % [os.path.getsize(x) for x in cache])
second = c.cmd("FETCH 1:4 (BODY.PEEK[HEADER.FIELDS (SUBJECT DATE)] BODY.PEEK[HEADER] ENVELOPE)")
check(first[0] == second[0] and b"Subject: third" in b"".join(first[0]), "cached answers equal the first ones: %r %r" % (first, second))
size = os.path.getsize(cache[0])
with open(cache[0], "ab") as f:
    f.write(b"\x05\x00\x00\x00\xff\x00\x00\x00Subj")   # a torn entry: uid 5, 255 bytes announced
deliver("bob", "Inbox", b"Subject: fifth zebra\r\n\r\n5\r\n")
c.cmd("NOOP")
got = search(c, "SEARCH SUBJECT zebra")
check(got == [b"5"], "search after a torn tail: %r" % got)
c.cmd("NOOP")
check(os.path.getsize(cache[0]) == size + 8 + len(b"Subject: fifth zebra\r\n\r\n"), "torn tail cut, new entry appended")
d = Raw()
d.cmd("LOGIN bob bob-password")
d.cmd("EXAMINE Inbox")
check(d.cmd("FETCH 5 (BODY.PEEK[HEADER])")[0][0].endswith(b"Subject: fifth zebra\r\n\r\n)\r\n"), "another session reads the entry")

# IDLE: woken by inotify (a watch on the mailbox, seen in the session's
# fdinfo), not by its 5-second poll (generous bound: no timing goal here)
d.send(b"i IDLE\r\n")
d.line()
watches = 0
for fd in os.listdir("/proc/%d/fdinfo" % d.proc.pid):
    try:
        with open("/proc/%d/fdinfo/%s" % (d.proc.pid, fd)) as f:
            watches += sum(1 for l in f if l.startswith("inotify wd:"))
    except OSError:
        pass
check(watches >= 1, "IDLE watches the mailbox with inotify: %d watches" % watches)
lat = []
for i in range(5):
    time.sleep(0.2)
    t0 = time.time()
    deliver("bob", "Inbox", b"Subject: idle %d\r\n\r\nx\r\n" % i)
    l = d.line()
    while l.endswith(b" RECENT\r\n"):   # the previous delivery's, \Recent to this session
        l = d.line()
    lat.append(time.time() - t0)
    check(l == b"* %d EXISTS\r\n" % (6 + i), "IDLE reports: %r" % l)
check(max(lat) < 4, "IDLE woken before its 5-second poll: %r" % lat)
d.send(b"DONE\r\n")
check(d.until(b"i")[1].startswith(b"i OK"), "IDLE done")

# RFC 2047 encoded words: found by their decoded text, in any case
deliver("bob", "Inbox", b"From: =?ISO-8859-1?Q?Andr=E9?= <a@x>\r\nSubject: =?UTF-8?B?R3LDtsOfZQ==?=\r\n =?utf-8?q?_Liste?=\r\n\r\nx\r\n")
deliver("bob", "Inbox", b"Subject: =?windows-1252?Q?=93quoted=94?=\r\nX-Tag: =?UTF-8?Q?caf=C3=A9?=\r\n\r\ny\r\n")
c.cmd("NOOP")
cases = [
    (b"SEARCH CHARSET UTF-8 SUBJECT {6+}\r\nGr\xc3\xb6\xc3\x9f", [b"11"]),
    (b"SEARCH CHARSET UTF-8 SUBJECT {13+}\r\nGR\xc3\x96\xc3\x9fE LISTE", [b"11"]),   # across two words, folded
    (b"SEARCH CHARSET UTF-8 FROM {6+}\r\nandr\xc3\xa9", [b"11"]),
    (b"SEARCH CHARSET UTF-8 SUBJECT {3+}\r\n\xe2\x80\x9c", [b"12"]),               # cp1252 curly quote
    (b"SEARCH CHARSET UTF-8 HEADER X-Tag {5+}\r\ncaf\xc3\xa9", [b"12"]),
    (b"SEARCH CHARSET UTF-8 TEXT {5+}\r\ncaf\xc3\xa9", [b"12"]),
    ("SEARCH SUBJECT R3LDtsOfZQ", [b"11"]),          # the raw text still matches
    ("SEARCH SUBJECT Liste", [b"11"]),
    ("SEARCH SUBJECT cafe", []),
]
for crit, want in cases:
    got = search(c, crit)
    check(got == want, "%r: %r" % (crit, got))
common.terntest.report()

# sort.py: SORT (every criterion, REVERSE, DISPLAYFROM/DISPLAYTO), ESORT
# (RETURN MIN MAX COUNT ALL), UID SORT, THREAD ORDEREDSUBJECT and
# REFERENCES on 40 messages with hard subjects (Re:, Fwd:, (fwd), [fwd:
# ...], list blobs, RFC 2047, case and accents), dates in many zones or
# none, addresses with comments and groups, and reference chains with
# gaps, duplicates and loops; the same bytes with the same internal dates
# appended to tern-imap and to a private Dovecot: the answers must be
# equal.  Then the cost stays flat: with the message files gone, new
# sessions answer the same from the sort-key file, or (that file damaged)
# from the header cache, and write the sort-key file again.
# Prints "N passed, N failed".
import glob, os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common, terntest
from common import check, setup, Raw
from dovepeer import Dovecot, logins

SUBJ = [b"hello", b"Re: hello", b"RE: [list] hello", b"Fwd: hello", b"hello (fwd)", b"[fwd: hello]",
        b"=?UTF-8?Q?=C3=A9t=C3=A9?=", b"\xc3\x89t\xc3\xa9", b"apple", b"Apple", b"_under", b"",
        None, b"  spaced \t  subject  ", b"Re: Re: apple", b"[list]", b"[a][b] re: [c] x", b"zebra",
        b"Re: zebra", b"Fw: zebra", b"=?ISO-8859-1?Q?=E9t=E9?= again", b"Re:no space", b"re : spaced colon",
        b"[list] Re: [list] hello"]
FROM = [b"Zed <z@x.example>", b"alice@x.example", b"bob@y.example (Bob Comment)", b"\"Carol\" <carol@z.example>",
        b"=?UTF-8?Q?=C3=89mile?= <emile@x.example>", None, b"group:;", b"<@r.example:dave@x.example>",
        b"eve@X.example", b"Eve <Eve@x.example>"]
DATE = [b"Mon, 1 Jan 2024 10:00:00 +0000", b"Mon, 1 Jan 2024 09:00:00 -0200", b"31 Dec 2023 23:59:59 +0100",
        b"Tue, 2 Jan 2024 00:00:00 GMT", None, b"garbage", b"Wed, 3 Jan 24 08:00 EST", b"Mon, 1 Jan 2024 10:00:00 +0000"]
IDATE = ["01-Jan-2024 00:00:00 +0000", "02-Jan-2024 00:00:00 +0000", "31-Dec-2023 12:00:00 +0000",
         "01-Jan-2024 00:00:00 +0000", "15-Feb-2024 08:30:00 +0100"]


def message(i):
    h = []
    if FROM[i % len(FROM)]:
        h.append(b"From: " + FROM[i % len(FROM)])
    h.append(b"To: " + FROM[(i * 3 + 1) % len(FROM)] if FROM[(i * 3 + 1) % len(FROM)] else b"To: x@y.example")
    if i % 4 == 0:
        h.append(b"Cc: " + (FROM[(i + 5) % len(FROM)] or b"cc@x.example"))
    if SUBJ[i % len(SUBJ)] is not None:
        h.append(b"Subject: " + SUBJ[i % len(SUBJ)])
    if DATE[i % len(DATE)]:
        h.append(b"Date: " + DATE[i % len(DATE)])
    # threads: ids m0..; replies refer to earlier ones, some with gaps,
    # duplicates (m7 twice), loops (m30 <-> m31), missing ids
    if i not in (12, 25):
        h.append(b"Message-ID: <m%d@x>" % (7 if i == 9 else i))
    refs = {2: [0], 3: [0, 2], 4: [0, 2, 3], 5: [1], 6: [99, 0], 8: [5], 10: [98], 11: [98],
            13: [0, 2], 15: [14], 16: [14, 15], 30: [31], 31: [30], 33: [32], 34: [97, 32], 36: [7]}
    if i in refs:
        name = b"In-Reply-To" if i in (5, 8) else b"References"
        h.append(name + b": " + b" ".join(b"<m%d@x>" % r for r in refs[i]))
    return b"\r\n".join(h) + b"\r\n\r\n" + b"body %d\r\n" % i + b"x" * (i * 7 % 13)


N = 40
CMDS = ["SORT (ARRIVAL) UTF-8 ALL", "SORT (DATE) UTF-8 ALL", "SORT (REVERSE DATE) UTF-8 ALL", "SORT (SIZE) UTF-8 ALL",
        "SORT (REVERSE SIZE) UTF-8 ALL", "SORT (SUBJECT) UTF-8 ALL", "SORT (REVERSE SUBJECT DATE) UTF-8 ALL",
        "SORT (FROM) UTF-8 ALL", "SORT (TO) UTF-8 ALL", "SORT (CC) UTF-8 ALL", "SORT (DISPLAYFROM) UTF-8 ALL",
        "SORT (DISPLAYTO) UTF-8 ALL", "SORT (SUBJECT REVERSE ARRIVAL) UTF-8 ALL", "SORT (FROM SUBJECT SIZE) UTF-8 ALL",
        "SORT (SUBJECT) UTF-8 FROM x.example", "SORT (DATE) US-ASCII NOT SUBJECT hello", "UID SORT (SUBJECT) UTF-8 ALL",
        "UID SORT (REVERSE ARRIVAL) UTF-8 2:30", "SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL",
        "SORT RETURN () (DATE) UTF-8 ALL", "SORT RETURN (COUNT) (SIZE) UTF-8 SUBJECT zebra",
        "UID SORT RETURN (MIN MAX ALL) (REVERSE SIZE) UTF-8 ALL", "SORT RETURN (ALL) (ARRIVAL) UTF-8 ALL",
        "THREAD ORDEREDSUBJECT UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL", "UID THREAD REFERENCES UTF-8 ALL",
        "THREAD REFERENCES UTF-8 NOT SUBJECT zebra", "THREAD ORDEREDSUBJECT US-ASCII FROM x.example",
        "SORT (DATE) X-NOSUCH ALL", "SORT (NOSUCH) UTF-8 ALL", "SORT () UTF-8 ALL", "SORT (REVERSE) UTF-8 ALL",
        "THREAD NOSUCH UTF-8 ALL", "SORT (DATE) UTF-8 NOSUCHKEY"]


def answer(c, cmd):
    out, tagged = c.cmd(cmd)
    status = tagged.split()[1] if tagged else b"?"
    lines = [re.sub(rb'\(TAG "[^"]*"\)', b"(TAG)", l) for l in out
             if l.startswith((b"* SORT", b"* THREAD", b"* ESEARCH"))]
    return status, lines


setup()
dv = Dovecot()
try:
    t, d = logins(dv)
    for i in range(N):
        m = message(i)
        check(b" OK" in t.append("INBOX", m, IDATE[i % len(IDATE)]), "tern APPEND %d" % i)
        check(b" OK" in d.append("INBOX", m, IDATE[i % len(IDATE)]), "dovecot APPEND %d" % i)
    t.cmd("SELECT INBOX")
    d.cmd("SELECT INBOX")
    caps = t.cmd("CAPABILITY")[0][0]
    for c in (b" SORT ", b" SORT=DISPLAY", b" ESORT", b" THREAD=ORDEREDSUBJECT", b" THREAD=REFERENCES"):
        check(c in caps, "CAPABILITY has %r" % c)
    for cmd in CMDS:
        a, b = answer(t, cmd), answer(d, cmd)
        check(a == b, "%s:\n  tern    %r\n  dovecot %r" % (cmd, a, b))
    # no message file read again: with the files moved away, new sessions
    # sort and thread from the sort-key file, then (the file damaged or
    # cut) from the header cache, and write the same file again
    before = [answer(t, c) for c in CMDS[:28]]
    t.cmd("LOGOUT")
    keys = glob.glob("data/accounts/bob/mail/*/sortkeys")
    check(len(keys) == 1, "the sort-key file: %r" % keys)
    good = open(keys[0], "rb").read() if keys else b""
    files = glob.glob("data/accounts/bob/mail/*/cur/*")
    check(len(files) == N, "%d message files" % len(files))
    os.mkdir("away")
    for k, f in enumerate(files):
        os.rename(f, "away/%d" % k)
    for what, bad in [("intact", good), ("a byte changed", good[:300] + bytes([good[300] ^ 1]) + good[301:]),
                      ("cut", good[:len(good) // 2]), ("empty", b""), ("another version", b"tern-sortkeys 9" + good[15:])]:
        if keys:
            open(keys[0], "wb").write(bad)
            ino = os.stat(keys[0]).st_ino
        t = Raw()
        t.cmd("LOGIN bob bob-password")
        t.cmd("SELECT INBOX")
        check([answer(t, c) for c in CMDS[:28]] == before, "SORT and THREAD without the message files, sort-key file %s: same answers" % what)
        t.cmd("LOGOUT")
        check(keys and open(keys[0], "rb").read() == good, "sort-key file %s: as it was" % what)
        check(keys and (os.stat(keys[0]).st_ino == ino) == (bad == good), "sort-key file %s: %s" % (what, "used as it is" if bad == good else "replaced"))
    # keys read from the file, then a new message in the same session:
    # the keys are kept (copied out of the old file) and the new one added
    t = Raw()
    t.cmd("LOGIN bob bob-password")
    t.cmd("SELECT INBOX")
    answer(t, "SORT (SUBJECT) UTF-8 ALL")
    new = b"From: Mid <mid@x.example>\r\nSubject: Re: middle\r\nMessage-ID: <n1@x>\r\nReferences: <m0@x>\r\n\r\nnew\r\n"
    check(b" OK" in t.append("INBOX", new, IDATE[0]) and b" OK" in d.append("INBOX", new, IDATE[0]), "APPEND a new one")
    t.cmd("NOOP")
    d.cmd("NOOP")
    for cmd in CMDS[:28]:
        a, b = answer(t, cmd), answer(d, cmd)
        check(a == b, "after a new message, %s:\n  tern    %r\n  dovecot %r" % (cmd, a, b))
    t.cmd("LOGOUT")
    d.cmd("LOGOUT")
finally:
    dv.stop()
sys.exit(1 if terntest.report() else 0)

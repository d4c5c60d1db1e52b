# rfc.py: the server-side MUSTs of RFC 3501, 7162, 5258 and 3516 that no
# other imap/t test covers (issue 18's audit), one check per requirement,
# each named by RFC and section.  Messages come by APPEND, so the same
# checks run against a private Dovecot (RFC_PEER=dovecot, by hand: its
# results are printed, not counted) to tell tern's deviations from
# Dovecot's.  Prints "N passed, N failed".
import datetime, os, re, select, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import setup, Raw

PEER = os.environ.get("RFC_PEER") == "dovecot"
results = []


def check(cond, what):
    results.append((what if PEER and not cond else what.split(": ")[0], bool(cond)))
    if not PEER:
        common.check(cond, what)


def st(r):
    """the tagged response's status: OK, NO or BAD"""
    return (r[1].split(b" ") + [b"", b""])[1].decode()


def idate(s):
    """the instant of an INTERNALDATE in s (servers may change its zone)"""
    m = re.search(rb'"(\d+-\w+-\d+ [\d:]+ [+-]\d+)"', s)
    return m and datetime.datetime.strptime(m.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")


def ok(r):
    return st(r) == "OK"


def M(i, subject=None, extra=b""):
    s = subject or b"hello %d" % i
    return (b"From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: " + s + b"\r\n"
            b"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <r%d@x>\r\n" % i + extra + b"\r\nbody text %d\r\n" % i)


ALT = (b"From: a@example.org\r\nSubject: alt\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\n"
       b"Content-Type: text/plain; charset=us-ascii\r\n\r\nplain part\r\n--b1\r\n"
       b"Content-Type: text/html; charset=us-ascii\r\n\r\n<p>html part</p>\r\n--b1--\r\n")
INNER = b"From: inner@example.org\r\nSubject: inner\r\nMessage-ID: <in@x>\r\n\r\ninner body\r\nline 2\r\n"
FWD = (b"From: a@example.org\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: multipart/mixed; boundary=\"b2\"\r\n\r\n--b2\r\n"
       b"Content-Type: text/plain\r\n\r\nsee attached\r\n--b2\r\n"
       b"Content-Type: message/rfc822\r\n\r\n" + INNER + b"\r\n--b2--\r\n")


def names(lines):
    """the mailbox names of LIST lines, quoted or atoms"""
    out = []
    for l in lines:
        m = re.search(rb' (?:"((?:[^"\\]|\\.)*)"|([^ "]+))\r\n$', l)
        if m:
            out.append(re.sub(rb"\\(.)", rb"\1", m.group(1)) if m.group(1) is not None else m.group(2))
    return out


def fill(c, box, msgs):
    c.cmd("CREATE " + box)
    for m in msgs:
        c.append(box, m)


def lines3501(new):
    """2.2, 4.3, 5.5, 6.1.1, 9: literals, quoting, pipelining, CAPABILITY"""
    c = new(login=False)
    r = c.cmd("CAPABILITY")
    caps = [l for l in r[0] if l.startswith(b"* CAPABILITY ")]
    check(ok(r) and len(caps) == 1 and b" IMAP4rev1" in caps[0], "3501 6.1.1 CAPABILITY: one untagged CAPABILITY naming IMAP4rev1: %r" % (r,))
    for cmd in ("SELECT INBOX", "CHECK", "CLOSE", "STATUS INBOX (MESSAGES)"):
        c = new(login=False)   # one each: Dovecot closes a connection after two refused commands
        r = c.cmd(cmd)
        check(st(r) in ("BAD", "NO"), "3501 3.1 %s in the not authenticated state is refused: %r" % (cmd.split()[0], r))
    c = new(login=False)   # a new connection: Dovecot closes one after a few refused commands
    c.send(b"a1 LOGIN {3}\r\n")
    l = c.line()
    check(l.startswith(b"+"), "3501 4.3 a synchronizing literal gets a command continuation request: %r" % l)
    c.send(b"bob {12}\r\n")
    l = c.line()
    check(l.startswith(b"+"), "3501 4.3 a second literal in the same command gets its own continuation: %r" % l)
    c.send(b"bob-password\r\n")
    r = c.until(b"a1")
    check(ok(r), "3501 4.3 LOGIN with two literals: %r" % (r,))
    for cmd in ("CHECK", "CLOSE", "FETCH 1 FLAGS", "EXPUNGE"):
        r = c.cmd(cmd)
        check(st(r) in ("BAD", "NO"), "3501 3.2 %s in the authenticated state is refused: %r" % (cmd.split()[0], r))
    r = c.cmd(b'CREATE "q\\"uo\\\\te"')
    r2 = c.cmd('LIST "" q*')
    check(ok(r) and names(r2[0]) == [b'q"uo\\te'], "3501 4.3 a quoted string with \\\" and \\\\ round-trips: %r" % ((r, r2),))
    c.send(b"a2 CREATE {5+}\r\nLitPl\r\n")
    l = c.line()
    check(l.startswith(b"a2 OK"), "7888 LITERAL+: no continuation request for {n+}: %r" % l)
    c.send(b"p1 NOOP\r\np2 CAPABILITY\r\np3 NOOP\r\n")
    tags = [c.until(t)[1][:2] for t in (b"p1", b"p2", b"p3")]
    check(tags == [b"p1", b"p2", b"p3"], "3501 5.5 pipelined commands each answered, in order: %r" % tags)
    r = c.cmd("SELECT iNbOx")
    check(ok(r), "3501 9 INBOX is case-insensitive (iNbOx): %r" % (r,))
    r = c.cmd("CREATE inbox")
    check(st(r) == "NO", "3501 6.3.3 CREATE INBOX (any case) is NO: %r" % (r,))
    c.send(b"a3 SEARCH SUBJECT {0}\r\n")
    l = c.line()
    c.send(b"\r\n")
    r = c.until(b"a3")
    check(l.startswith(b"+") and ok(r), "3501 4.3 a zero-length literal: %r" % ((l, r),))
    c.cmd("LOGOUT")


def mailboxes(new, sep):
    """6.3.3-6.3.5, 6.3.8, 6.3.10, 2.3.1.1: CREATE, DELETE, RENAME, LIST, STATUS"""
    c = new()
    r = c.cmd("CREATE Exists")
    r = c.cmd("CREATE Exists")
    check(st(r) == "NO", "3501 6.3.3 CREATE of an existing name is NO: %r" % (r,))
    r = c.cmd('LIST "" ""')
    check(ok(r) and len(r[0]) == 1 and b"\\Noselect" in r[0][0] and r[0][0].endswith(b' "%s" ""\r\n' % sep),
          "3501 6.3.8 LIST \"\" \"\" gives the hierarchy delimiter and a \\Noselect root: %r" % (r,))
    r = c.cmd('LIST "" NoSuchName*')
    check(ok(r) and r[0] == [], "3501 6.3.8 LIST of a pattern naming nothing: OK and no LIST: %r" % (r,))
    r = c.cmd("DELETE INBOX")
    check(st(r) == "NO", "3501 6.3.4 DELETE INBOX is NO: %r" % (r,))
    r = c.cmd("DELETE NoSuch")
    check(st(r) == "NO", "3501 6.3.4 DELETE of no mailbox is NO: %r" % (r,))
    c.cmd("CREATE Par")
    c.cmd("CREATE Par%sKid" % sep.decode())
    r = c.cmd("DELETE Par")
    r2 = c.cmd('LIST "" Par*')
    check(b"Par%sKid" % sep in names(r2[0]), "3501 6.3.4 DELETE of a parent MUST NOT remove its child: %r" % ((r, r2),))
    if ok(r) and b"Par" not in names(r2[0]):
        r = c.cmd("DELETE Par")
        check(st(r) == "NO", "3501 6.3.4 DELETE of a \\Noselect name with children is NO: %r" % (r,))
        r = c.cmd("SELECT Par")
        check(st(r) == "NO", "3501 6.3.1 SELECT of a \\Noselect name is NO: %r" % (r,))
    fill(c, "Uv", [M(1), M(2)])
    r = c.cmd("STATUS Uv (UIDVALIDITY UIDNEXT)")
    uv1 = int(re.search(rb"UIDVALIDITY (\d+)", r[0][0]).group(1))
    c.cmd("DELETE Uv")
    c.cmd("CREATE Uv")
    r = c.cmd(b"APPEND Uv {%d+}\r\n" % len(M(3)) + M(3))
    m = re.search(rb"APPENDUID (\d+) (\d+)", r[1])
    check(m and (int(m.group(1)) != uv1 or int(m.group(2)) > 2),
          "3501 6.3.4 a mailbox made again under a deleted one's name: new UIDVALIDITY or higher UIDs: %r %d" % (r, uv1))
    c.cmd("CREATE Ren")
    c.cmd("CREATE Ren%sKid" % sep.decode())
    r = c.cmd("RENAME Ren Moved")
    r2 = c.cmd('LIST "" *')
    n = names(r2[0])
    check(ok(r) and b"Moved" + sep + b"Kid" in n and b"Ren" + sep + b"Kid" not in n and b"Ren" not in n,
          "3501 6.3.5 RENAME renames the children too: %r" % (n,))
    r = c.cmd("RENAME Moved Exists")
    check(st(r) == "NO", "3501 6.3.5 RENAME onto an existing name is NO: %r" % (r,))
    r = c.cmd("RENAME NoSuch Other")
    check(st(r) == "NO", "3501 6.3.5 RENAME of no mailbox is NO: %r" % (r,))
    fill(c, "INBOX", [M(4), M(5)])
    c.cmd("CREATE INBOX%sKid" % sep.decode())
    r = c.cmd("RENAME INBOX OldIn")
    a, b = c.cmd("STATUS INBOX (MESSAGES)"), c.cmd("STATUS OldIn (MESSAGES)")
    check(ok(r) and b"MESSAGES 0" in a[0][0] and b"MESSAGES 2" in b[0][0],
          "3501 6.3.5 RENAME INBOX moves its messages to the new name, INBOX stays, empty: %r" % ((r, a, b),))
    r2 = c.cmd('LIST "" *Kid')
    check(b"INBOX%sKid" % sep in names(r2[0]) and not any(b"OldIn" + sep in l for l in r2[0]),
          "3501 6.3.5 RENAME INBOX leaves INBOX's children where they are: %r" % (r2,))
    fill(c, "Stat", [M(6), M(7), M(8)])
    c.cmd("STORE 1 +FLAGS (\\Seen)")
    r = c.cmd("SELECT Stat")
    c.cmd("STORE 1 +FLAGS.SILENT (\\Seen)")
    r2 = c.cmd("STATUS Stat (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)")
    uv = re.search(rb"UIDVALIDITY (\d+)", b"".join(r[0])).group(1)
    un = re.search(rb"UIDNEXT (\d+)", b"".join(r[0])).group(1)
    s = b"".join(r2[0])
    check(ok(r2) and b"MESSAGES 3" in s and b"UNSEEN 2" in s and b"UIDVALIDITY " + uv in s and b"UIDNEXT " + un in s,
          "3501 6.3.10 STATUS of the selected mailbox agrees with it: %r" % ((r, r2),))
    r = c.cmd("STATUS NoSuch (MESSAGES)")
    check(st(r) == "NO", "3501 6.3.10 STATUS of no mailbox is NO: %r" % (r,))
    c.cmd("LOGOUT")


def recent(new):
    """6.3.2, 6.3.10: EXAMINE and STATUS MUST NOT take \\Recent"""
    c = new()
    fill(c, "Rct", [M(1)])
    c.cmd("LOGOUT")
    e = new()
    r = e.cmd("STATUS Rct (RECENT)")
    r2 = e.cmd("STATUS Rct (RECENT)")
    check(b"RECENT 1" in b"".join(r[0]) and r[0] == r2[0], "3501 6.3.10 STATUS MUST NOT cause the loss of \\Recent: %r" % ((r, r2),))
    r = e.cmd("EXAMINE Rct")
    check(b"* 1 RECENT\r\n" in r[0] and b"[READ-ONLY]" in r[1], "3501 6.3.2 EXAMINE: RECENT and [READ-ONLY]: %r" % (r,))
    r = e.cmd("FETCH 1 BODY[]")
    r2 = e.cmd("FETCH 1 FLAGS")
    check(ok(r) and b"\\Seen" not in r2[0][0], "3501 6.3.2 EXAMINE is read-only: BODY[] does not set \\Seen: %r" % (r2,))
    r = e.cmd("STORE 1 +FLAGS (\\Flagged)")
    r2 = e.cmd("FETCH 1 FLAGS")
    check(b"\\Flagged" not in b"".join(r2[0]), "3501 6.3.2 STORE in a read-only mailbox changes nothing (tern NO, Dovecot OK): %r" % ((r, r2),))
    e.cmd("LOGOUT")
    s = new()
    r = s.cmd("SELECT Rct")
    check(b"* 1 RECENT\r\n" in r[0], "3501 6.3.2 EXAMINE MUST NOT cause the loss of \\Recent: %r" % (r,))
    s.cmd("LOGOUT")


def selstate(new):
    """6.3.1, 6.3.11, 6.4.1-6.4.3: SELECT data, APPEND, CHECK, CLOSE, EXPUNGE"""
    c = new()
    fill(c, "Sel", [M(i) for i in range(1, 6)])
    r = c.cmd("SELECT Sel")
    t = b"".join(r[0])
    for what in (rb"\* FLAGS \(", rb"\* 5 EXISTS", rb"\* \d+ RECENT", rb"\* OK \[UIDVALIDITY \d+\]", rb"\* OK \[UIDNEXT \d+\]",
                 rb"\* OK \[PERMANENTFLAGS \([^)]*\\\*", rb"\* OK \[UNSEEN 1\]"):
        check(re.search(what, t), "3501 6.3.1 SELECT sends %s: %r" % (what.decode().replace("\\", ""), r))
    check(b"[READ-WRITE]" in r[1], "3501 6.3.1 SELECT's tagged OK says [READ-WRITE]: %r" % (r,))
    r = c.cmd(b"APPEND Sel (\\Flagged kwa) \"02-Feb-2024 10:11:12 +0100\" {%d+}\r\n" % len(M(6)) + M(6))
    check(b"* 6 EXISTS\r\n" in r[0], "3501 6.3.11 APPEND to the selected mailbox: EXISTS before OK: %r" % (r,))
    r2 = c.cmd("FETCH 6 (FLAGS INTERNALDATE UID)")
    m = re.search(rb"APPENDUID (\d+) (\d+)", r[1])
    check(m and b"UID %s" % m.group(2) in r2[0][-1] and b"\\Flagged" in r2[0][-1] and b"kwa" in r2[0][-1]
          and idate(r2[0][-1]) == idate(b'"02-Feb-2024 10:11:12 +0100"'), "3501 6.3.11 APPEND keeps flags and date, APPENDUID its UID: %r" % ((r, r2),))
    r = c.cmd(b"APPEND NoSuchBox {%d+}\r\n" % len(M(7)) + M(7))
    r2 = c.cmd('LIST "" NoSuchBox')
    check(st(r) == "NO" and b"[TRYCREATE]" in r[1] and r2[0] == [], "3501 6.3.11 APPEND to no mailbox: NO [TRYCREATE], none made: %r" % ((r, r2),))
    r = c.cmd("COPY 1 NoSuchBox")
    check(st(r) == "NO" and b"[TRYCREATE]" in r[1], "3501 6.4.7 COPY to no mailbox: NO [TRYCREATE]: %r" % (r,))
    r = c.cmd("CHECK")
    check(ok(r), "3501 6.4.1 CHECK in the selected state is OK: %r" % (r,))
    c.cmd("STORE 2,3,5 +FLAGS.SILENT (\\Deleted)")
    r = c.cmd("EXPUNGE")
    seqs = list(range(1, 7))
    for l in r[0]:
        m = re.match(rb"\* (\d+) EXPUNGE", l)
        if m:
            del seqs[int(m.group(1)) - 1]
    check(ok(r) and seqs == [1, 4, 6], "3501 6.4.3/7.4.1 each EXPUNGE numbers the message after the ones before: %r" % (r,))
    c.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    r = c.cmd("CLOSE")
    check(ok(r) and not any(b"EXPUNGE" in l for l in r[0]), "3501 6.4.2 CLOSE expunges silently: %r" % (r,))
    r = c.cmd("FETCH 1 FLAGS")
    r2 = c.cmd("STATUS Sel (MESSAGES)")
    check(st(r) in ("BAD", "NO") and b"MESSAGES 2" in r2[0][0], "3501 6.4.2 after CLOSE: authenticated state, \\Deleted gone: %r" % ((r, r2),))
    c.cmd("SELECT Sel")
    c.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    for first, cmd, what in (("EXAMINE Sel", "CLOSE", "3501 6.4.2 CLOSE of an EXAMINEd mailbox removes nothing (nor did leaving SELECT for it)"),
                             ("EXAMINE Sel", "EXPUNGE", "3501 6.3.2 EXPUNGE in a read-only mailbox removes nothing (tern NO, Dovecot OK)"),
                             ("SELECT Sel", "UNSELECT", "3691 UNSELECT removes nothing")):
        c.cmd(first)
        r = c.cmd(cmd)
        r2 = c.cmd("STATUS Sel (MESSAGES)")
        check((cmd == "EXPUNGE" or ok(r)) and b"MESSAGES 2" in r2[0][0], "%s: %r" % (what, (r, r2)))
    c.cmd("SELECT Sel")
    r = c.cmd("SELECT NoSuchBox")
    r2 = c.cmd("FETCH 1 FLAGS")
    check(st(r) == "NO" and st(r2) in ("BAD", "NO"), "3501 6.3.1 a failed SELECT leaves no mailbox selected: %r" % (r2,))
    c.cmd("LOGOUT")


def seqsets(new):
    """9 (sequence-set), 6.4.8: 0, reversed ranges, *, UID ranges past the end"""
    c = new()
    fill(c, "Seq", [M(i) for i in range(1, 5)])
    c.cmd("SELECT Seq")
    for cmd in ("FETCH 0 FLAGS", "FETCH 0:2 FLAGS", "STORE 0 +FLAGS (\\Seen)", "SEARCH 0", "UID FETCH 0 FLAGS", "COPY 0 Seq"):
        r = c.cmd(cmd)
        check(st(r) == "BAD", "3501 9 sequence number 0 is BAD (%s): %r" % (cmd, r))
    r, r2 = c.cmd("FETCH 4:2 (UID)"), c.cmd("FETCH 2:4 (UID)")
    check(ok(r) and len(r[0]) == 3 and sorted(r[0]) == sorted(r2[0]), "3501 9 a reversed range 4:2 is 2:4: %r" % (r,))
    r = c.cmd("FETCH *:3 (UID)")
    check(ok(r) and [l[:4] for l in r[0]] == [b"* 3 ", b"* 4 "], "3501 9 *:3 is 3:*: %r" % (r,))
    r = c.cmd("UID FETCH 900:* (FLAGS)")
    check(ok(r) and len(r[0]) == 1 and r[0][0].startswith(b"* 4 FETCH") and b"UID 4" in r[0][0],
          "3501 6.4.8 UID n:* past the last UID still names the last message: %r" % (r,))
    r = c.cmd("UID FETCH 900:999 (FLAGS)")
    check(ok(r) and r[0] == [], "3501 6.4.8 UID FETCH of a UID range naming no message is OK, no FETCH: %r" % (r,))
    r = c.cmd("UID FETCH 2 (FLAGS)")
    check(ok(r) and b"UID 2" in r[0][0], "3501 6.4.8 UID FETCH answers carry UID unasked: %r" % (r,))
    r = c.cmd("UID STORE 2 +FLAGS (\\Answered)")
    check(ok(r) and b"UID 2" in r[0][0], "3501 6.4.8 UID STORE answers carry UID: %r" % (r,))
    r = c.cmd("UID SEARCH UID 3:4")
    check(r[0] == [b"* SEARCH 3 4\r\n"], "3501 6.4.8 UID SEARCH answers UIDs: %r" % (r,))
    r = c.cmd("FETCH 9 FLAGS")
    check(st(r) in ("BAD", "NO"), "3501 9 a sequence number past EXISTS is refused: %r" % (r,))
    r = c.cmd("COPY 2:9 Seq")
    r2 = c.cmd("STATUS Seq (MESSAGES)") if st(r) != "OK" else r
    check(st(r) != "OK" and b"MESSAGES 4" in r2[0][0], "3501 6.4.7 a failed COPY leaves the destination as it was: %r" % ((r, r2),))
    c.cmd("CREATE Empty")
    c.cmd("SELECT Empty")
    r = c.cmd("FETCH 1:* FLAGS")
    check(st(r) == "BAD", "3501 9 * in an empty mailbox: FETCH 1:* is BAD: %r" % (r,))
    r = c.cmd("UID SEARCH 1:*")
    check(ok(r) and r[0] == [b"* SEARCH\r\n"], "3501 9 * in an empty mailbox: UID SEARCH 1:* is OK and empty: %r" % (r,))
    c.cmd("LOGOUT")


def noexpunge(new):
    """7.4.1: no EXPUNGE during FETCH, STORE or SEARCH; told at NOOP"""
    a, b = new(), new()
    fill(a, "Nx", [M(i) for i in range(1, 5)])
    a.cmd("SELECT Nx")
    b.cmd("SELECT Nx")
    b.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
    b.cmd("EXPUNGE")
    for cmd in ("FETCH 1 FLAGS", "STORE 1 +FLAGS (\\Seen)", "SEARCH ALL", "FETCH 1:* (FLAGS)"):
        r = a.cmd(cmd)
        check(not any(b"EXPUNGE" in l for l in r[0]), "3501 7.4.1 no EXPUNGE during %s: %r" % (cmd.split()[0], r))
    r = a.cmd("NOOP")
    check(b"* 2 EXPUNGE\r\n" in r[0], "3501 7.4.1 the EXPUNGE comes at NOOP: %r" % (r,))
    b.cmd(b"APPEND Nx {%d+}\r\n" % len(M(9)) + M(9))
    r = a.cmd("NOOP")
    check(b"* 4 EXISTS\r\n" in r[0], "3501 5.2/7.3.1 another session's APPEND: EXISTS at NOOP: %r" % (r,))
    b.cmd("STORE 1 +FLAGS (\\Flagged)")
    r = a.cmd("NOOP")
    check(any(re.match(rb"\* 1 FETCH \(.*\\Flagged", l) for l in r[0]), "3501 7.4.2 another session's STORE: FETCH FLAGS at NOOP: %r" % (r,))
    a.cmd("LOGOUT")
    b.cmd("LOGOUT")


def fetch(new):
    """6.4.5, 7.4.2: body sections, partial fetches, \\Seen, BODYSTRUCTURE"""
    c = new()
    m1 = M(1)
    fill(c, "Fe", [m1, ALT, FWD])
    c.cmd("SELECT Fe")
    r = c.cmd("FETCH 1 (BODY.PEEK[] RFC822.SIZE)")
    check(b"RFC822.SIZE %d" % len(m1) in r[0][0] and b"\\Seen" not in r[0][0], "3501 6.4.5 RFC822.SIZE is the size; BODY.PEEK sets no \\Seen: %r" % (r,))
    r = c.cmd("FETCH 1 (BODY[])")
    check(any(b"\\Seen" in l for l in r[0]), "3501 6.4.5 BODY[] sets \\Seen and says so in FLAGS (SHOULD): %r" % (r,))
    r = c.cmd("FETCH 1 (BODY[]<0.10>)")
    check(ok(r) and b"BODY[]<0> {10}\r\n" + m1[:10] in r[0][0], "3501 6.4.5 partial BODY[]<0.10>: origin <0> and 10 octets: %r" % (r,))
    r = c.cmd("FETCH 1 (BODY.PEEK[]<5.3>)")
    check(b"BODY[]<5> {3}\r\n" + m1[5:8] in r[0][0] or b'BODY[]<5> "%s"' % m1[5:8] in r[0][0], "3501 6.4.5 partial <5.3>: %r" % (r,))
    r = c.cmd("FETCH 1 (BODY.PEEK[]<10000.5>)")
    check(ok(r) and (b'BODY[]<10000> ""' in r[0][0] or b"BODY[]<10000> {0}" in r[0][0]), "3501 6.4.5 partial past the end is empty: %r" % (r,))
    r = c.cmd("FETCH 1 (BODY.PEEK[HEADER.FIELDS (subject)])")
    check(b"{20}\r\nSubject: hello 1\r\n\r\n" in r[0][0], "3501 6.4.5 HEADER.FIELDS (case-insensitive name) ends with the blank line: %r" % (r,))
    r = c.cmd("FETCH 1 (BODY.PEEK[HEADER.FIELDS.NOT (From To Date Message-ID)])")
    check(b"\r\nSubject: hello 1\r\n\r\n)" in r[0][0], "3501 6.4.5 HEADER.FIELDS.NOT: %r" % (r,))
    r = c.cmd("FETCH 1 (BODY.PEEK[TEXT] BODY.PEEK[1])")
    check(r[0][0].count(b"{13}\r\nbody text 1\r\n") == 2, "3501 6.4.5 TEXT, and part 1 of a non-multipart message is its body: %r" % (r,))
    r = c.cmd("FETCH 2 (BODY.PEEK[1] BODY.PEEK[2.MIME] BODYSTRUCTURE BODY)")
    t = b"".join(r[0])
    check(b"BODY[1] {10}\r\nplain part" in t and b"BODY[2.MIME] {45}\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n" in t,
          "3501 6.4.5 part numbers and n.MIME of a multipart/alternative: %r" % (r,))
    check(re.search(rb'BODYSTRUCTURE \(\("TEXT" "PLAIN" \("CHARSET" "us-ascii"\) NIL NIL "7BIT" 10 \d+.*\)\("TEXT" "HTML" .*\) "ALTERNATIVE" \("BOUNDARY" "b1"\)', t, re.I),
          "3501 7.4.2 BODYSTRUCTURE of multipart/alternative: %r" % (r,))
    check(re.search(rb'BODY \(\("TEXT" "PLAIN" \("CHARSET" "us-ascii"\) NIL NIL "7BIT" 10 \d+\)\("TEXT" "HTML" \("CHARSET" "us-ascii"\) NIL NIL "7BIT" \d+ \d+\) "ALTERNATIVE"\)', t, re.I),
          "3501 7.4.2 BODY has no extension data: %r" % (r,))
    r = c.cmd("FETCH 3 (BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT] BODYSTRUCTURE)")
    t = b"".join(r[0])
    check(b"BODY[2.HEADER] {%d}\r\n" % INNER.index(b"\r\n\r\n") in t or b"BODY[2.HEADER] {%d}\r\n" % (INNER.index(b"\r\n\r\n") + 4) in t,
          "3501 6.4.5 n.HEADER of a message/rfc822 part: %r" % (r,))
    check(b"BODY[2.TEXT] {20}\r\ninner body\r\nline 2\r\n" in t, "3501 6.4.5 n.TEXT of a message/rfc822 part: %r" % (r,))
    check(re.search(rb'\("MESSAGE" "RFC822" NIL NIL NIL "7BIT" \d+ \(NIL "inner" \(\(NIL NIL "inner" "example.org"\)\).*\) \("TEXT" "PLAIN" .*\) \d+', t, re.I),
          "3501 7.4.2 BODYSTRUCTURE of message/rfc822: envelope, body, lines: %r" % (r,))
    c.cmd("LOGOUT")


def search(new):
    """6.4.4: charsets, decoded headers, BADCHARSET"""
    c = new()
    fill(c, "Se", [M(1, b"=?UTF-8?Q?caf=C3=A9_au_lait?="), M(2, b"Plain Words")])
    c.cmd("SELECT Se")
    r = c.cmd(b"SEARCH CHARSET UTF-8 SUBJECT {5+}\r\ncaf\xc3\xa9")
    check(r[0] == [b"* SEARCH 1\r\n"], "3501 6.4.4 header fields MUST be decoded before comparing (an encoded-word Subject): %r" % (r,))
    r = c.cmd("SEARCH SUBJECT pLAIN")
    check(r[0] == [b"* SEARCH 2\r\n"], "3501 6.4.4 SEARCH strings are case-insensitive substrings: %r" % (r,))
    r = c.cmd("SEARCH CHARSET US-ASCII SUBJECT words")
    check(r[0] == [b"* SEARCH 2\r\n"], "3501 6.4.4 US-ASCII MUST be supported: %r" % (r,))
    r = c.cmd("SEARCH CHARSET X-NOSUCH SUBJECT x")
    check(st(r) == "NO" and b"[BADCHARSET" in r[1], "3501 6.4.4 an unknown charset: NO [BADCHARSET]: %r" % (r,))
    c.cmd("LOGOUT")


def condstore(new):
    """7162 3.1: HIGHESTMODSEQ, UNCHANGEDSINCE and MODIFIED, CHANGEDSINCE, MODSEQ in every FETCH once enabled"""
    c, o = new(), new()
    fill(c, "Cs", [M(i) for i in range(1, 5)])
    r = c.cmd("SELECT Cs (CONDSTORE)")
    m = re.search(rb"\* OK \[HIGHESTMODSEQ (\d+)\]", b"".join(r[0]))
    check(m, "7162 3.1.2.1 SELECT (CONDSTORE) sends HIGHESTMODSEQ: %r" % (r,))
    hm = int(m.group(1)) if m else 1
    r = c.cmd("STORE 1 (UNCHANGEDSINCE 0) +FLAGS (\\Flagged)")
    r2 = c.cmd("FETCH 1 FLAGS")
    check(b"[MODIFIED 1]" in r[1] and b"\\Flagged" not in b"".join(r2[0]), "7162 3.1.3 UNCHANGEDSINCE 0 fails: [MODIFIED 1], nothing stored: %r" % ((r, r2),))
    o.cmd("SELECT Cs")
    o.cmd("STORE 2 +FLAGS (\\Seen)")
    r = c.cmd("UID STORE 2:3 (UNCHANGEDSINCE %d) +FLAGS (\\Answered)" % hm)
    check(b"[MODIFIED 2]" in r[1] and any(b"UID 3" in l and b"\\Answered" in l and b"MODSEQ" in l for l in r[0]),
          "7162 3.1.3 UID STORE UNCHANGEDSINCE: the changed UID in MODIFIED, the other stored with MODSEQ: %r" % (r,))
    r = c.cmd("STORE 4 (UNCHANGEDSINCE %d) +FLAGS.SILENT (\\Draft)" % (hm + 100))
    check(ok(r) and any(re.match(rb"\* 4 FETCH \(.*MODSEQ \(\d+\)", l) for l in r[0]),
          "7162 3.1.3 a conditional STORE .SILENT still sends the new MODSEQ: %r" % (r,))
    o.cmd("STORE 1 +FLAGS (\\Deleted)")
    r = c.cmd("NOOP")
    check(any(re.match(rb"\* 1 FETCH \(.*MODSEQ \(\d+\)", l) for l in r[0]), "7162 3.1.4 once enabled, another session's flag change comes with MODSEQ: %r" % (r,))
    r = c.cmd("FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % hm)
    nums = sorted(int(l.split()[1]) for l in r[0] if b" FETCH " in l)
    check(ok(r) and nums == [1, 2, 3, 4] and all(b"MODSEQ" in l for l in r[0]), "7162 3.1.4.1 CHANGEDSINCE: the changed messages, with MODSEQ: %r" % (r,))
    r = c.cmd("FETCH 1:* (FLAGS) (CHANGEDSINCE 999999999)")
    check(ok(r) and r[0] == [], "7162 3.1.4.1 CHANGEDSINCE past the highest: nothing: %r" % (r,))
    r = o.cmd("STATUS Cs (HIGHESTMODSEQ)")
    m2 = re.search(rb"HIGHESTMODSEQ (\d+)", b"".join(r[0]))
    check(m2 and int(m2.group(1)) > hm, "7162 3.1.2.2 STATUS HIGHESTMODSEQ grows with flag changes: %r" % (r,))
    r = o.cmd("EXPUNGE")
    r2 = o.cmd("STATUS Cs (HIGHESTMODSEQ)")
    m3 = re.search(rb"HIGHESTMODSEQ (\d+)", b"".join(r2[0]))
    check(m3 and m2 and int(m3.group(1)) > int(m2.group(1)), "7162 3.1.2.2 HIGHESTMODSEQ grows with an expunge: %r" % ((r, r2),))
    r = c.cmd("STORE 1 (UNCHANGEDSINCE 5) FLAGS (\\Seen)")
    check(not any(b" EXPUNGE" in l for l in r[0]), "3501 7.4.1 no EXPUNGE during a conditional STORE: %r" % (r,))
    c.cmd("LOGOUT")
    o.cmd("LOGOUT")
    n = new()
    n.cmd("SELECT Cs")
    r = n.cmd("FETCH 1 (FLAGS MODSEQ)")
    r2 = n.cmd("NOOP")
    r3 = n.cmd("STORE 1 +FLAGS (\\Answered)")
    check(any(b"MODSEQ" in l for l in r[0]) and any(b"MODSEQ" in l for l in r3[0]),
          "7162 3.1 FETCH MODSEQ enables CONDSTORE: a later STORE's FETCH has MODSEQ: %r" % ((r, r3),))
    n.cmd("LOGOUT")


def qresync(new):
    """7162 3.2: ENABLE QRESYNC, VANISHED replaces EXPUNGE, CLOSED"""
    c, o = new(), new()
    fill(c, "Qr", [M(i) for i in range(1, 5)])
    r = c.cmd("ENABLE QRESYNC")
    check(b"QRESYNC" in b"".join(r[0]), "7162 3.2.3 ENABLE QRESYNC: %r" % (r,))
    r = c.cmd("SELECT Qr")
    check(b"HIGHESTMODSEQ" in b"".join(r[0]), "7162 3.2.3 QRESYNC implies CONDSTORE: HIGHESTMODSEQ in SELECT: %r" % (r,))
    o.cmd("SELECT Qr")
    o.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
    o.cmd("EXPUNGE")
    r = c.cmd("NOOP")
    check(b"* VANISHED 2\r\n" in r[0] and not any(b"EXPUNGE" in l for l in r[0]), "7162 3.2.10 after ENABLE QRESYNC: VANISHED (UIDs), never EXPUNGE: %r" % (r,))
    r = c.cmd("UID FETCH 1:* (FLAGS) (VANISHED)")
    check(st(r) == "BAD", "7162 3.2.6 VANISHED without CHANGEDSINCE is BAD: %r" % (r,))
    r = c.cmd("EXAMINE INBOX")
    check(r[0] and r[0][0].startswith(b"* OK [CLOSED]"), "7162 3.2.11 [CLOSED] before the new mailbox's data: %r" % (r,))
    c.cmd("LOGOUT")
    o.cmd("LOGOUT")


BIN = (b"From: a@example.org\r\nSubject: bin\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: multipart/mixed; boundary=\"b3\"\r\n\r\n--b3\r\n"
       b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--b3\r\n"
       b"Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n--b3--\r\n")


def binary(new):
    """3516 4: BINARY, BINARY.PEEK, BINARY.SIZE, partial, UNKNOWN-CTE"""
    c = new()
    fill(c, "Bi", [BIN])
    c.cmd("SELECT Bi")
    r = c.cmd("FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])")
    t = b"".join(r[0])
    check(b"BINARY.SIZE[1] 10" in t and (b"BINARY[1] ~{10}\r\n" + bytes(range(10))) in t and b"\\Seen" not in t,
          "3516 4.2 BINARY.PEEK decodes base64 as literal8, BINARY.SIZE the decoded size, no \\Seen: %r" % (r,))
    r = c.cmd("FETCH 1 (BINARY.PEEK[1]<2.3>)")
    check(re.search(rb"BINARY\[1\]<2> ~?\{3\}\r\n\x02\x03\x04", b"".join(r[0])), "3516 4.2 partial BINARY counts decoded octets: %r" % (r,))
    r = c.cmd("FETCH 1 (BINARY.PEEK[2])")
    check(st(r) == "NO" and b"[UNKNOWN-CTE]" in r[1], "3516 4.3 a CTE the server cannot decode: NO [UNKNOWN-CTE]: %r" % (r,))
    r = c.cmd("FETCH 1 (BINARY.PEEK[HEADER])")
    check(st(r) == "BAD", "3516 4.2 BINARY takes part numbers only: BINARY[HEADER] is BAD: %r" % (r,))
    r = c.cmd("FETCH 1 (BINARY[1])")
    r2 = c.cmd("FETCH 1 (FLAGS)")
    check(b"\\Seen" in b"".join(r[0] + r2[0]), "3516 4.2 BINARY (not PEEK) sets \\Seen: %r" % ((r, r2),))
    c.cmd("LOGOUT")


def listext(new, sep):
    """5258 3, 4: selection and return options"""
    c = new()
    c.cmd("CREATE Lx")
    c.cmd("CREATE Lx%sSub" % sep.decode())
    c.cmd("SUBSCRIBE Lx")
    c.cmd("UNSUBSCRIBE Lx%sSub" % sep.decode())
    r = c.cmd('LIST (NOSUCHOPTION) "" "*"')
    check(st(r) == "BAD", "5258 3 an unknown selection option is BAD: %r" % (r,))
    r = c.cmd('LIST "" "Lx*" RETURN (NOSUCHOPTION)')
    check(st(r) == "BAD", "5258 3 an unknown return option is BAD: %r" % (r,))
    r = c.cmd('LIST (REMOTE) "" "Lx"')
    check(ok(r) and len(r[0]) == 1, "5258 3 REMOTE is accepted: %r" % (r,))
    r = c.cmd('LIST "" ("Lx" "INBOX")')
    check(ok(r) and len(r[0]) == 2, "5258 3 several patterns in one LIST: %r" % (r,))
    r = c.cmd('LIST (SUBSCRIBED) "" "Lx*"')
    check(ok(r) and len(r[0]) == 1 and b"\\Subscribed" in r[0][0], "5258 3 SUBSCRIBED lists subscribed names with \\Subscribed: %r" % (r,))
    r = c.cmd('LIST "" "Lx*" RETURN (CHILDREN SUBSCRIBED)')
    t = b"".join(r[0])
    check(ok(r) and len(r[0]) == 2 and b"\\HasChildren \\Subscribed" in t.replace(b"\\Subscribed \\HasChildren", b"\\HasChildren \\Subscribed")
          and b"\\HasNoChildren" in t, "5258 4 RETURN (CHILDREN SUBSCRIBED): %r" % (r,))
    check(not any(b"\\HasChildren" in l and b"\\HasNoChildren" in l for l in r[0]), "5258 4 never both \\HasChildren and \\HasNoChildren: %r" % (r,))
    c.cmd("UNSUBSCRIBE Lx")
    c.cmd("LOGOUT")


REGISTERED = {"IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CONDSTORE",
              "BINARY", "MULTIAPPEND", "SPECIAL-USE", "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "ESEARCH", "UTF8=ACCEPT",
              "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "QRESYNC", "COMPRESS=DEFLATE",
              "STARTTLS", "LOGINDISABLED", "AUTH=PLAIN", "AUTH=LOGIN", "AUTH=CRAM-MD5", "AUTH=SCRAM-SHA-1", "AUTH=SCRAM-SHA-256",
              "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "IMAP4rev2", "LITERAL-", "CHILDREN", "WITHIN", "SEARCHRES",
              "SPECIAL-USE", "STATUS=SIZE", "SAVEDATE", "OBJECTID", "PREVIEW", "APPENDLIMIT", "NOTIFY", "METADATA", "I18NLEVEL=1"}


def more(new, sep):
    """2.3.1.1, 6.2.2, 6.3.8, 6.3.11, 7.2.1, 7.2.2, 7.4.1, 9, 7162 3.1.8, 3.2.10"""
    c = new()
    r = c.cmd("CAPABILITY")
    caps = set(r[0][0].decode().split()[2:])
    check(caps <= REGISTERED, "3501 7.2.1 every capability is registered or X-: %r" % sorted(caps - REGISTERED))
    r = c.cmd('LIST "" *')
    bad = []
    for l in r[0]:
        n = names([l])[0]
        if b"\\Noselect" not in l and b"\\NonExistent" not in l and not ok(c.cmd(b"EXAMINE " + b'"' + n.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"')):
            bad.append(n)
    check(r[0] and not bad, "3501 7.2.2 every name LIST gives without \\Noselect can be selected: %r" % bad)
    c.cmd("UNSELECT")
    r = c.cmd('LIST "" S%')
    check(ok(r) and r[0] and all(n.startswith(b"S") and sep not in n for n in names(r[0])), "3501 6.3.8 LIST names match the pattern: %r" % (r,))
    fill(c, "Ua", [M(1), M(2)])
    c.cmd("SELECT Ua")
    r = c.cmd("STATUS Ua (UIDVALIDITY)")
    c.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    r1 = c.cmd(b"APPEND Ua {%d+}\r\n" % len(M(3)) + M(3))
    r2 = c.cmd("UID FETCH 1:* (UID)")
    uids = [int(re.search(rb"UID (\d+)", l).group(1)) for l in r2[0] if b"UID" in l]
    check(uids == sorted(uids) and len(uids) == 2 and uids[1] > 2, "3501 2.3.1.1 UIDs ascend and an expunged UID is never reused: %r" % ((r1, r2),))
    d = new()
    r3 = d.cmd("STATUS Ua (UIDVALIDITY)")
    check(r[0] == r3[0], "3501 2.3.1.1 UIDVALIDITY is the same in another session: %r" % ((r, r3),))
    r = c.cmd(b"APPEND Ua (\\Bogus) {%d+}\r\n" % len(M(4)) + M(4))
    r2 = c.cmd(b'APPEND Ua "31-Feb-2024 99:00:00 +0000" {%d+}\r\n' % len(M(5)) + M(5))
    r3 = c.cmd("STATUS Ua (MESSAGES)")
    check(st(r) in ("BAD", "NO") and st(r2) in ("BAD", "NO") and b"MESSAGES 2" in r3[0][0],
          "3501 6.3.11 a failed APPEND (bad flag, bad date) leaves the mailbox as it was: %r" % ((r, r2, r3),))
    r = c.cmd("AUTHENTICATE X-NOSUCH")
    check(st(r) in ("NO", "BAD"), "3501 6.2.2 AUTHENTICATE of an unknown mechanism is refused: %r" % (r,))
    r = c.cmd(b"SELECT IN\x00BOX")
    check(st(r) == "BAD", "3501 9 NUL in a command is BAD: %r" % (r,))
    d.cmd("SELECT Ua")
    c.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    l = select.select([d.sock], [], [], 1)[0]   # a pause, no command: nothing may come
    check(not l, "3501 7.4.1 no EXPUNGE when no command is in progress: %r" % l)
    d.cmd("LOGOUT")
    e = new()
    e.cmd("STATUS Ua (HIGHESTMODSEQ)")
    r = e.cmd("SELECT Ua")
    check(b"HIGHESTMODSEQ" in b"".join(r[0]), "7162 3.1.8 STATUS (HIGHESTMODSEQ) enables CONDSTORE: HIGHESTMODSEQ in SELECT: %r" % (r,))
    e.cmd("ENABLE QRESYNC")
    e.cmd("SELECT Ua")
    c.cmd(b"APPEND Ua {%d+}\r\n" % len(M(6)) + M(6))
    c.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    for cmd in ("FETCH 1 FLAGS", "STORE 1 +FLAGS (\\Seen)", "SEARCH ALL"):
        r = e.cmd(cmd)
        check(not any(b"VANISHED" in l or b"EXPUNGE" in l for l in r[0]), "7162 3.2.10 no VANISHED during %s: %r" % (cmd.split()[0], r))
    r = e.cmd("NOOP")
    check(any(l.startswith(b"* VANISHED ") for l in r[0]), "7162 3.2.10 VANISHED at NOOP: %r" % (r,))
    e.cmd("UNSELECT")
    c.cmd(b"APPEND Ua {%d+}\r\n" % len(M(7)) + M(7))
    c.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    r = e.cmd("NOOP")
    check(ok(r) and not any(re.match(rb"\* (\d+ (EXISTS|EXPUNGE|FETCH|RECENT)|VANISHED)", l) for l in r[0]),
          "3501 7.3/7.4 no message data in the authenticated state (after UNSELECT): %r" % (r,))
    e.cmd("LOGOUT")
    c.cmd("LOGOUT")


def session(port=None):
    def new(login=True):
        if port:
            from dovepeer import Net
            c = Net(port)
        else:
            c = Raw(stderr=open("imap.log", "a"))
        if login:
            c.cmd("LOGIN bob bob-password")
        return c
    return new


if PEER:
    from dovepeer import Dovecot
    dv = Dovecot()
    new, sep = session(dv.port), b"."
else:
    setup()
    new, sep = session(), b"/"
try:
    lines3501(new)
    mailboxes(new, sep)
    recent(new)
    selstate(new)
    seqsets(new)
    noexpunge(new)
    fetch(new)
    search(new)
    condstore(new)
    qresync(new)
    binary(new)
    listext(new, sep)
    more(new, sep)
finally:
    if PEER:
        dv.stop()
        for what, good in results:
            print("%-4s %s" % ("ok" if good else "FAIL", what[:600]))
if not PEER:
    common.terntest.report()

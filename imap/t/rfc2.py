# rfc2.py: issue 18's second RFC audit, run against tern-imap and a
# private Dovecot in the same test.  Each requirement (named by RFC and
# section) is one predicate applied to both servers' answers: tern-imap
# must meet it (a check); Dovecot's result is printed beside it ("dovecot
# ok" or "dovecot deviates"), so a deviation of tern's that Dovecot does not
# share is a failed check, and one of Dovecot's own is on record.  A few
# requirements are tern's alone (a delivery from outside IMAP; QUOTA, which
# Debian's Dovecot does not offer here): peer=False.  Prints "N passed, N failed".
import os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import setup, Raw
import terntest
from dovepeer import Dovecot, Net

results = {}    # requirement -> {"tern": (ok, detail), "dovecot": ...}
order = []


def st(r):
    """the status word of a tagged line or a (untagged, tagged) answer"""
    t = r[1] if isinstance(r, tuple) else r
    return (t.split(b" ") + [b"", b""])[1].decode()


def code(r):
    t = r[1] if isinstance(r, tuple) else r
    m = re.match(rb"\S+ \S+ \[([A-Z-]+)", t)
    return m and m.group(1).decode()


def M(i, extra=b""):
    return (b"From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: rfc2 %d\r\n"
            b"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <rfc2.%d@x>\r\n" % (i, i) + extra + b"\r\nbody %d\r\n" % i)


def msgs(c, box):
    r = c.cmd("STATUS %s (MESSAGES)" % box)
    m = re.search(rb"MESSAGES (\d+)", b"".join(r[0]))
    return int(m.group(1)) if m else -1


class Env:
    def __init__(self, who, mk, sep):
        self.who, self.mk, self.sep = who, mk, sep

    def new(self, login=True):
        c = self.mk()
        c.sock.settimeout(120)   # a missing answer fails the part (run()'s except), never hangs
        if login:
            c.cmd("LOGIN bob bob-password")
        return c

    def filled(self, box, n, select=True, c=None):
        """box created in session c (else a new one) with M(1) .. M(n)
        appended, then selected unless select is False; the session"""
        c = c or self.new()
        c.cmd("CREATE " + box)
        for i in range(1, n + 1):
            c.append(box, M(i))
        if select:
            c.cmd("SELECT " + box)
        return c

    def n(self, s):
        """a name with / as the hierarchy separator, in this server's"""
        return s.replace("/", self.sep)

    def req(self, cond, what, detail=None, peer=True):
        """requirement what ("RFC section text"), met by cond"""
        if self.who == "dovecot" and not peer:
            return
        if what not in results:
            results[what] = {}
            order.append((what, peer))
        results[what][self.who] = (bool(cond), detail)


def codes(e):
    """9051 7.1's response codes where a mailbox operation fails"""
    c = e.new()
    c.cmd("CREATE Have")
    c.cmd("CREATE Have2")
    r = c.cmd("CREATE Have")
    e.req(st(r) == "NO" and code(r) == "ALREADYEXISTS", "9051 7.1 CREATE of an existing name: NO [ALREADYEXISTS]", r)
    r = c.cmd("RENAME Have Have2")
    e.req(st(r) == "NO" and code(r) == "ALREADYEXISTS", "9051 7.1 RENAME onto an existing name: NO [ALREADYEXISTS]", r)
    r = c.cmd("RENAME Have INBOX")
    e.req(st(r) == "NO" and code(r) == "ALREADYEXISTS", "9051 7.1 RENAME onto INBOX (which always exists): NO [ALREADYEXISTS]", r)
    for cmd in ("DELETE NoSuch", "RENAME NoSuch Other"):
        r = c.cmd(cmd)
        e.req(st(r) == "NO" and code(r) == "NONEXISTENT", "9051 7.1 %s of no mailbox: NO [NONEXISTENT]" % cmd.split()[0], r)
    for cmd in ("SELECT NoSuch", "EXAMINE NoSuch", "STATUS NoSuch (MESSAGES)"):
        r = c.cmd(cmd)
        e.req(st(r) == "NO", "3501 6.3.1/6.3.2/6.3.10 %s of no mailbox is NO (not BAD)" % cmd.split()[0], r)
    r = c.cmd("DELETE INBOX")
    e.req(st(r) == "NO", "3501 6.3.4 DELETE INBOX is NO", r)
    c.cmd("SELECT Have")
    for i in (1, 2):
        c.append("Have", M(i))
    for cmd in ("COPY 1 NoSuch", "MOVE 1 NoSuch", "UID COPY 1:* NoSuch", "UID MOVE 1:* NoSuch"):
        r = c.cmd(cmd)
        e.req(st(r) == "NO" and code(r) == "TRYCREATE", "3501 6.4.7/6851 3.1 %s to no mailbox: NO [TRYCREATE]" % cmd.rsplit(" ", 2)[0], r)
    e.req(msgs(c, "Have") == 2, "6851 3.1 a failed MOVE leaves the source as it was", None)
    r = c.cmd("SEARCH CHARSET X-NO-SUCH ALL")
    e.req(st(r) == "NO" and code(r) == "BADCHARSET", "3501 6.4.4/7.1 SEARCH with an unknown charset: NO [BADCHARSET]", r)
    for cmd in ("FOOBAR", "NOOP  x", "SEARCH NOSUCHKEY", "FETCH 1 (NOSUCHITEM)", "STORE 1 +FLAGZ (\\Seen)", "COPY 1"):
        r = c.cmd(cmd)
        e.req(st(r) == "BAD", "3501 7.1.3 a command that is not valid (%s) is BAD, not NO" % cmd, r)
    r = c.cmd("NOOP")
    e.req(st(r) == "OK", "3501 7.1.3 after BAD responses the session goes on", r)
    c.cmd("LOGOUT")


def expunged(e):
    """3501 6.4.7, 6851 3.1, 9051 7.1 EXPUNGEISSUED: COPY and MOVE of a
    message another session has expunged fail and copy nothing"""
    for k, cmd in enumerate(("COPY 2 D", "UID COPY 2 D", "MOVE 2 D", "UID MOVE 2 D", "COPY 1:3 D", "UID MOVE 1:3 D")):
        a, b = e.new(), e.new()
        src, dst = "Xsrc%d" % k, "Xdst%d" % k
        a.cmd("CREATE " + src)
        a.cmd("CREATE " + dst)
        for i in range(1, 4):
            a.append(src, M(i))
        a.cmd("SELECT " + src)
        b.cmd("SELECT " + src)
        b.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
        b.cmd("EXPUNGE")
        r = a.cmd(cmd.replace(" D", " " + dst))
        n, ns = msgs(a, dst), msgs(a, src)
        e.req(st(r) == "NO" and code(r) == "EXPUNGEISSUED" and n == 0 and ns == 2,
              "9051 7.1/3501 6.4.7 %s naming a message another session expunged: NO [EXPUNGEISSUED], nothing copied or moved" % cmd[:-2],
              (r, n, ns))
        a.cmd("LOGOUT")
        b.cmd("LOGOUT")


def uidplus(e):
    """4315 2.1, 9051 6.4.9: UID EXPUNGE; 3501 6.4.8 a UID naming no message"""
    c = e.filled("Ux", 4)
    c.cmd("STORE 1:3 +FLAGS.SILENT (\\Deleted)")
    r = c.cmd("UID EXPUNGE 2:4")
    r2 = c.cmd("UID FETCH 1:* (FLAGS)")
    uids = sorted(int(x) for x in re.findall(rb"UID (\d+)", b"".join(r2[0])))
    e.req(st(r) == "OK" and uids == [1, 4] and sum(1 for l in r[0] if l.endswith(b" EXPUNGE\r\n")) == 2,
          "4315 2.1 UID EXPUNGE removes only the \\Deleted messages of its set", (r, uids))
    for cmd in ("UID FETCH 99 FLAGS", "UID STORE 99 +FLAGS (\\Seen)", "UID COPY 99 Ux", "UID SEARCH UID 99"):
        r = c.cmd(cmd)
        e.req(st(r) == "OK" and not [l for l in r[0] if b"FETCH" in l], "3501 6.4.8 a UID naming no message is ignored without error (%s)" % cmd.split()[1], r)
    c.cmd("LOGOUT")


def multiappend(e):
    """3502 6.3.11: MULTIAPPEND"""
    c = e.new()
    c.cmd("CREATE Ma")
    m1, m2 = M(1), M(2)
    c.send(b"m1 APPEND Ma (\\Seen) {%d+}\r\n%s (\\Flagged) {%d+}\r\n%s\r\n" % (len(m1), m1, len(m2), m2))
    r = c.until(b"m1")
    e.req(st(r) == "OK" and msgs(c, "Ma") == 2, "3502 6.3.11 APPEND of two messages in one command", r)
    m = re.search(rb"APPENDUID \d+ (\S+)\]", r[1])
    e.req(m and m.group(1) in (b"1:2", b"1,2"), "4315 3 MULTIAPPEND's APPENDUID names every new UID", r)
    c.send(b"m2 APPEND Ma {%d+}\r\n%s (\\Flagged) \"99-Foo-2024 00:00:00 +0000\" {%d+}\r\n%s\r\n" % (len(m1), m1, len(m2), m2))
    r = c.until(b"m2")
    c.cmd("NOOP")
    e.req(st(r) in ("NO", "BAD") and msgs(c, "Ma") == 2, "3502 6.3.11 when one message of a MULTIAPPEND fails, none is appended", r)
    c.send(b"m3 APPEND NoSuchMa {%d+}\r\n%s {%d+}\r\n%s\r\n" % (len(m1), m1, len(m2), m2))
    r = c.until(b"m3")
    e.req(st(r) == "NO" and code(r) == "TRYCREATE", "3502 6.3.11 MULTIAPPEND to no mailbox: NO [TRYCREATE]", r)
    c.cmd("LOGOUT")


def examine(e):
    """3501 6.3.2, 7.1: EXAMINE is read-only, and says so"""
    c = e.filled("Ex", 2)
    c.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    r = c.cmd("EXAMINE Ex")
    t = b"".join(r[0])
    pf = re.search(rb"PERMANENTFLAGS \(([^)]*)\)", t)
    e.req(b"[READ-ONLY]" in r[1] and pf and pf.group(1) == b"",
          "3501 6.3.2/7.1 EXAMINE answers PERMANENTFLAGS () (no flag can be changed), and [READ-ONLY]", r)
    for cmd in ("EXPUNGE", "UID EXPUNGE 1:*", "STORE 2 +FLAGS.SILENT (\\Seen)", "CLOSE"):
        r = c.cmd(cmd)
        if cmd == "CLOSE":
            n = msgs(c, "Ex")
            f = b""
        else:
            n = msgs(c, "Ex")
            f = b"".join(c.cmd("FETCH 2 FLAGS")[0])
        e.req(n == 2 and b"\\Seen" not in f, "3501 6.3.2 %s under EXAMINE changes nothing" % cmd.split(" 1")[0], (r, n, f))
    c.cmd("LOGOUT")


def idle(e):
    """2177 3, 9051 6.3.13: IDLE"""
    c, d = e.new(), e.new()
    e.filled("Id", 1, c=c)
    c.send(b"i1 IDLE\r\n")
    l = c.line()
    d.append("Id", M(2))
    l2 = c.line()
    e.req(l.startswith(b"+ ") and l2 == b"* 2 EXISTS\r\n", "9051 6.3.13 during IDLE another session's APPEND is reported (EXISTS)", (l, l2))
    c.send(b"done\r\n")
    r = c.until(b"i1")
    e.req(st(r) == "OK", "2177 3 DONE (any case) ends IDLE with the tagged OK", r)
    c.send(b"i2 IDLE\r\n")
    l = c.line()
    c.send(b"i3 NOOP\r\n")
    r = c.until(b"i2")
    e.req(l.startswith(b"+ ") and st(r) == "BAD", "2177 3 a line other than DONE during IDLE: the IDLE ends BAD", (l, r))
    r = c.cmd("NOOP")
    e.req(st(r) == "OK", "2177 3 the session goes on after an IDLE ended BAD", r)
    c.cmd("LOGOUT")
    d.cmd("LOGOUT")


def lines(e):
    """3501 4.3, 7.5, 9051 4.3, 7888: literals and long lines"""
    c = e.new()
    c.send(b"a1 NOOP " + b"x" * 100000 + b"\r\n")
    r = c.until(b"a1")
    r2 = c.cmd("NOOP")
    e.req(st(r) in ("OK", "BAD") and st(r2) == "OK", "9051 4 a 100 kB command line is answered with its tag (tern BAD), and the session goes on", (r, r2))
    c.send(b"a2 CREATE {3}\r\n")
    l = c.line()
    c.send(b"Lit\r\n")
    r = c.until(b"a2")
    e.req(l.startswith(b"+") and st(r) == "OK", "3501 7.5 a synchronizing literal: continuation request, then the command's answer", (l, r))
    c.send(b"a3 CREATE {3+}\r\nLi2\r\n")
    r = c.until(b"a3")
    e.req(st(r) == "OK" and not [x for x in r[0] if x.startswith(b"+")], "7888 4 LITERAL+: no continuation request", r)
    c.send(b"a4  NOOP\r\n")
    r = c.until(b"a4")
    e.req(st(r) == "BAD", "3501 9 two spaces after the tag: BAD", r)
    c.send(b"+ NOOP\r\n")
    l = c.line()
    e.req(l.startswith(b"* BAD") or l.startswith(b"+ BAD"), "3501 7.1.3 a line with no valid tag: untagged BAD", l)
    r = c.cmd("LOGOUT")
    rest = c.f.read()
    e.req(st(r) == "OK" and r[0] and r[0][-1].startswith(b"* BYE") and rest == b"",
          "3501 6.1.3 LOGOUT: untagged BYE before the tagged OK, then the server closes the connection", (r, rest))


def store(e):
    """3501 6.4.6: STORE's forms and answers"""
    c = e.filled("St", 1)
    r = c.cmd("STORE 1 FLAGS (\\Flagged \\Answered)")
    f = b"".join(r[0])
    e.req(st(r) == "OK" and b"\\Flagged" in f and b"\\Answered" in f, "3501 6.4.6 STORE FLAGS answers the new flags", r)
    r = c.cmd("STORE 1 FLAGS (\\Seen)")
    f = b"".join(r[0])
    e.req(b"\\Seen" in f and b"\\Flagged" not in f, "3501 6.4.6 STORE FLAGS replaces the flags", r)
    r = c.cmd("STORE 1 -FLAGS (\\Seen)")
    f = b"".join(r[0])
    e.req(b"FETCH" in f and b"\\Seen" not in f, "3501 6.4.6 STORE -FLAGS removes and answers", r)
    r = c.cmd("STORE 1 +FLAGS.SILENT (\\Draft)")
    r2 = c.cmd("FETCH 1 FLAGS")
    e.req(not [l for l in r[0] if b"FETCH" in l] and b"\\Draft" in b"".join(r2[0]), "3501 6.4.6 .SILENT: no FETCH, the flag is set", (r, r2))
    c.cmd("LOGOUT")


def names(e):
    """3501 6.3.3, 6.3.5: superiors that CREATE and RENAME need"""
    c = e.new()
    c.cmd(e.n("CREATE Sa/Sb/Sc"))
    r = c.cmd('LIST "" Sa*')
    got = set(re.findall(rb' "?(Sa[^"\r]*)"?\r\n', b"".join(r[0])))
    want = {e.n(x).encode() for x in ("Sa", "Sa/Sb", "Sa/Sb/Sc")}
    e.req(got == want, "3501 6.3.3 CREATE a/b/c: the superior names are there (SHOULD)", r)
    c.cmd("CREATE Ra")
    r = c.cmd(e.n("RENAME Ra Rx/Ry/Rz"))
    r2 = c.cmd('LIST "" Rx*')
    got = set(re.findall(rb' "?(Rx[^"\r]*)"?\r\n', b"".join(r2[0])))
    e.req(st(r) == "OK" and got == {e.n(x).encode() for x in ("Rx", "Rx/Ry", "Rx/Ry/Rz")},
          "3501 6.3.5 RENAME to a/b/c makes the superior names it needs", (r, r2))
    r = c.cmd(e.n("CREATE Sa/Sb/Sc/"))
    e.req(st(r) == "NO", "3501 6.3.3 CREATE name/ of an existing name is NO (the trailing separator names the same mailbox)", r)
    c.cmd("LOGOUT")


def condstore(e):
    """7162 3.1.3: a STORE UNCHANGEDSINCE that fails for some messages"""
    a, b = e.new(), e.new()
    a.cmd("CREATE Cs")
    for i in range(1, 4):
        a.append("Cs", M(i))
    r = a.cmd("SELECT Cs (CONDSTORE)")
    hm = int(re.search(rb"HIGHESTMODSEQ (\d+)", b"".join(r[0])).group(1))
    b.cmd("SELECT Cs")
    b.cmd("STORE 2 +FLAGS.SILENT (\\Flagged)")
    r = a.cmd("STORE 1:3 (UNCHANGEDSINCE %d) +FLAGS (\\Seen)" % hm)
    r2 = a.cmd("FETCH 1:3 (FLAGS)")
    first = {}
    for l in r2[0]:    # the first FETCH of each message (another may follow: b's change reported)
        m = re.match(rb"\* (\d+) FETCH", l)
        if m and int(m.group(1)) not in first:
            first[int(m.group(1))] = b"\\Seen" in l
    seen = [first.get(i) for i in (1, 2, 3)]
    e.req(st(r) == "OK" and b"[MODIFIED 2]" in r[1] and seen == [True, False, True],
          "7162 3.1.3 STORE UNCHANGEDSINCE: the changed message is left and named in [MODIFIED], the others stored", (r, r2))
    r = a.cmd("SEARCH MODSEQ %d" % (hm + 1))
    m = re.search(rb"\* SEARCH ([\d ]+) \(MODSEQ (\d+)\)", b"".join(r[0]))
    e.req(m and m.group(1).split() == [b"1", b"2", b"3"], "7162 3.1.5 SEARCH MODSEQ answers the matching messages and (MODSEQ n)", r)
    a.cmd("LOGOUT")
    b.cmd("LOGOUT")


def auth(e):
    """9051 6.2.2, 6.2.3, 7.1: AUTHENTICATE and LOGIN refusals"""
    import base64
    c = e.new(login=False)
    r = c.cmd("LOGIN bob wrong-password")
    e.req(st(r) == "NO" and code(r) == "AUTHENTICATIONFAILED", "9051 6.2.3/7.1 LOGIN with a wrong password: NO [AUTHENTICATIONFAILED]", r)
    c.send(b"a1 AUTHENTICATE PLAIN\r\n")
    l = c.line()
    c.send(b"*\r\n")
    r = c.until(b"a1")
    e.req(l.startswith(b"+") and st(r) == "BAD", "9051 6.2.2 AUTHENTICATE cancelled by \"*\": BAD", (l, r))
    c = e.new(login=False)   # Dovecot closes a connection after a few refusals
    c.send(b"a2 AUTHENTICATE PLAIN\r\n")
    l = c.line()
    c.send(b"!!!not-base64\r\n")
    r = c.until(b"a2")
    e.req(l.startswith(b"+") and st(r) == "BAD", "9051 6.2.2 AUTHENTICATE with a response that is not base64: BAD (a MUST)", (l, r))
    c = e.new(login=False)
    r = c.cmd("AUTHENTICATE PLAIN " + base64.b64encode(b"\0bob\0bob-password").decode())
    r2 = c.cmd("AUTHENTICATE PLAIN " + base64.b64encode(b"\0bob\0bob-password").decode())
    e.req(st(r) == "OK" and st(r2) in ("BAD", "NO"), "4959 3/9051 6.2.2 AUTHENTICATE with SASL-IR; a second one once authenticated is refused", (r, r2))
    for cmd in ("CLOSE", "UNSELECT", "EXPUNGE"):
        r = c.cmd(cmd)
        e.req(st(r) in ("BAD", "NO"), "9051 6.4 %s with no mailbox selected is refused" % cmd, r)
    c.cmd("LOGOUT")


def grammar(e):
    """9051 9 / 3501 9: numbers, sections and partials the grammar allows,
    names in modified UTF-7 (3501 5.1.3)"""
    c = e.new()
    r = c.cmd('CREATE "&Jjo-"')
    r2 = c.cmd('LIST "" "&Jjo-"')
    e.req(st(r) == "OK" and len(r2[0]) == 1 and b"&Jjo-" in r2[0][0], "3501 5.1.3 a modified UTF-7 name round-trips", (r, r2))
    for nm in ("&Jjo", "a&b"):
        r = c.cmd('CREATE "%s"' % nm)
        e.req(st(r) in ("NO", "BAD"), "3501 5.1.3 a name that is not valid modified UTF-7 (%s) is refused" % nm, r)
    c.cmd("CREATE Gr")
    mp = (b"From: a@b.c\r\nSubject: g\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n"
          b"--X\r\nContent-Type: text/plain\r\n\r\npart one\r\n--X--\r\n")
    c.append("Gr", mp)
    c.cmd("EXAMINE Gr")
    for it in ("BODY[0]", "BODY.PEEK[1.0]", "BINARY.PEEK[0]", "BODY.PEEK[01]", "BODY.PEEK[]<1.0>", "BINARY.PEEK[1.MIME]", "BODY.PEEK[TEXT.1]"):
        r = c.cmd("FETCH 1 " + it)
        e.req(st(r) == "BAD", "9051 9 FETCH %s is not in the grammar (section-part is nz-number, partial's length nz-number): BAD" % it, r)
    for cmd in ("FETCH 4294967296 FLAGS", "UID FETCH 1:4294967296 FLAGS", "FETCH 0:1 FLAGS"):
        r = c.cmd(cmd)
        e.req(st(r) == "BAD", "9051 9 %s: a number outside nz-number's 32 bits is BAD" % cmd.split(" F")[0], r)
    r = c.cmd(b"SEARCH SUBJECT caf\xc3\xa9")
    r2 = c.cmd(b'SEARCH SUBJECT "g\xc3\xa9"')
    e.req(st(r) == "BAD" and st(r2) == "OK", "9051 9 8-bit data in an atom is BAD (ATOM-CHAR is 7-bit); UTF-8 in a quoted string is taken", (r, r2))
    for bad in (b"a\x80b", b"\xc3(", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe2\x82"):
        r = c.cmd(b'SEARCH SUBJECT "' + bad + b'"')
        e.req(st(r) == "BAD", "9051 9 QUOTED-CHAR is UTF8-2/3/4 beyond ASCII: invalid UTF-8 %r in a quoted string is BAD" % bad, r)
    r = c.cmd("FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]<0.5>")
    e.req(st(r) == "OK" and b"BODY[HEADER.FIELDS (" in r[0][0] and b"]<0> {5}\r\nSubje)" in r[0][0],
          "3501 6.4.5 a partial of HEADER.FIELDS: the origin echoed, 5 octets", r)
    r = c.cmd("FETCH 1 BODY.PEEK[1.MIME]")
    e.req(st(r) == "OK" and r[0] and r[0][0].endswith(b"{28}\r\nContent-Type: text/plain\r\n\r\n)\r\n"),
          "3501 6.4.5 n.MIME: the part's MIME header with its blank line", r)
    c.cmd("LOGOUT")


def search(e):
    """3501 6.4.4, 4731 3.1: search keys against known answers"""
    c = e.new()
    c.cmd("CREATE Se")
    for i in range(1, 5):
        c.append("Se", M(i, b"X-Tag: t%d\r\n" % i if i != 2 else b""))
    c.cmd("SELECT Se")
    c.cmd("STORE 2 +FLAGS.SILENT (\\Seen)")
    for key, want in (('HEADER X-Tag ""', "1 3 4"), ('HEADER X-Nope ""', ""), ("OR 1 3 NOT 1", "3"), ("(OR 1:2 3:4) UNSEEN", "1 3 4"), ("(1:2 3:4)", ""),
                      ("UID 2:*", "2 3 4"), ("4,1", "1 4"), ("NOT SEEN NOT 1", "3 4"), ("SUBJECT rfc2 SUBJECT 3", "3"),
                      ("OR SEEN OR 1 4", "1 2 4"), ("SENTON 1-Jan-2024", "1 2 3 4"), ("SENTBEFORE 1-Jan-2024", ""), ("BODY \"body 4\"", "4")):
        r = c.cmd("SEARCH " + key)
        got = b"".join(r[0]).decode().replace("* SEARCH", "").split()
        e.req(st(r) == "OK" and got == want.split(), "3501 6.4.4 SEARCH %s finds %s" % (key, want or "nothing"), r)
    r = c.cmd("SEARCH RETURN () ALL")
    e.req(st(r) == "OK" and r[0] and r[0][0].endswith(b" ALL 1:4\r\n"), "4731 3.1 SEARCH RETURN () is RETURN (ALL)", r)
    r = c.cmd("UID SEARCH RETURN (COUNT) NOT ALL")
    e.req(st(r) == "OK" and r[0] and r[0][0].endswith(b" UID COUNT 0\r\n"), "4731 3.1 a UID ESEARCH says UID; COUNT 0 for no match", r)
    c.cmd("LOGOUT")


def move(e):
    """6851 4.3, 3501 6.4.7: MOVE and COPY keep flags; COPYUID before the EXPUNGEs"""
    c = e.new()
    c.cmd("CREATE Mv")
    c.cmd("CREATE Mv2")
    for i in (1, 2):
        c.append("Mv", M(i))
    c.cmd("SELECT Mv")
    c.cmd("STORE 1:2 +FLAGS.SILENT (\\Flagged kwmv)")
    r = c.cmd("MOVE 1:2 Mv2")
    i_ok = [k for k, l in enumerate(r[0]) if b"[COPYUID " in l]
    i_ex = [k for k, l in enumerate(r[0]) if l.endswith(b" EXPUNGE\r\n")]
    e.req(st(r) == "OK" and i_ok and len(i_ex) == 2 and i_ok[0] < i_ex[0], "6851 4.3 MOVE: untagged OK [COPYUID] before the EXPUNGEs", r)
    c.cmd("SELECT Mv2")
    r = c.cmd("FETCH 1:* (FLAGS)")
    e.req(len(r[0]) == 2 and all(b"\\Flagged" in l and b"kwmv" in l for l in r[0]), "6851 3.3 MOVE keeps the flags and keywords", r)
    r = c.cmd("STATUS Mv (MESSAGES)")
    e.req(b"MESSAGES 0" in b"".join(r[0]), "6851 3.1 the moved messages left the source", r)
    c.cmd("CREATE Mv3/Kid".replace("/", e.sep))
    c.cmd("DELETE Mv3")
    r = c.cmd("STATUS Mv3 (MESSAGES)")
    e.req(st(r) == "NO", "3501 6.3.10 STATUS of a name that is no mailbox (a parent deleted before its child) is NO", r)
    c.cmd("LOGOUT")


def sortthread(e):
    """5256 3, 4, 5957, 5267: SORT and THREAD against answers worked out by
    the RFCs' rules (base subject, sent date or INTERNALDATE, first From's
    mailbox, display name, ties by sequence number)"""
    c = e.new()
    c.cmd("CREATE So")
    data = ((b"Re: b", b"Mon, 1 Jan 2024 00:00:00 +0000", b"Zed <z@x>"), (b"a", b"Mon, 1 Jan 2024 00:00:00 +0000", b"amy <A@x>"),
            (b"[fwd: B]", b"Sun, 31 Dec 2023 23:00:00 -0200", b"b@x"), (b"Fw: A", b"bogus date", b"\"\" <c@x>"),
            (b"", b"Mon, 1 Jan 2024 00:00:00 +0000", b""))
    for i, (subj, date, frm) in enumerate(data):
        c.append("So", b"From: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <so%d@x>\r\n\r\nbody\r\n" % (frm, subj, date, i))
    c.cmd("SELECT So")
    for key, want in (("(SUBJECT) UTF-8 ALL", "5 2 4 1 3"), ("(DATE) UTF-8 ALL", "1 2 5 3 4"), ("(ARRIVAL) UTF-8 ALL", "1 2 3 4 5"),
                      ("(FROM) UTF-8 ALL", "5 2 3 4 1"), ("(REVERSE SUBJECT) UTF-8 ALL", "1 3 2 4 5"),
                      ("(REVERSE DATE SUBJECT) UTF-8 ALL", "4 3 5 2 1"), ("(DISPLAYFROM) UTF-8 ALL", "5 2 3 4 1"),
                      ("(SUBJECT) US-ASCII 2:4", "2 4 3"), ("(SUBJECT) UTF-8 SUBJECT a", "2 4")):
        r = c.cmd("SORT " + key)
        got = b"".join(r[0]).decode().replace("* SORT", "").split()
        e.req(st(r) == "OK" and got == want.split(), "5256 3 SORT %s is %s" % (key.split(" UTF")[0].split(" US")[0], want), r)
    for cmd, st_, cd in (("SORT (SUBJECT) X-BOGUS ALL", "NO", "BADCHARSET"), ("SORT (BOGUS) UTF-8 ALL", "BAD", None),
                         ("SORT (REVERSE) UTF-8 ALL", "BAD", None), ("SORT () UTF-8 ALL", "BAD", None),
                         ("THREAD BOGUS UTF-8 ALL", "BAD", None), ("THREAD REFERENCES X-BOGUS ALL", "NO", "BADCHARSET")):
        r = c.cmd(cmd)
        e.req(st(r) == st_ and (cd is None or code(r) == cd), "5256 3 %s: %s%s" % (cmd, st_, " [%s]" % cd if cd else ""), r)
    r = c.cmd("SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL")
    e.req(st(r) == "OK" and r[0] and r[0][0].endswith(b" MIN 5 MAX 3 ALL 5,2,4,1,3 COUNT 5\r\n"), "5267 3.2 ESORT: MIN and MAX in sort order, ALL as a list", r)
    for alg, want in (("ORDEREDSUBJECT", b"(1 3)(2 4)(5)"), ("REFERENCES", b"((1)(3))(2 4)(5)")):
        r = c.cmd("THREAD %s UTF-8 ALL" % alg)
        e.req(st(r) == "OK" and r[0] == [b"* THREAD " + want + b"\r\n"], "5256 4 THREAD=%s by base subject: %s" % (alg, want.decode()), r)
    c.cmd("LOGOUT")


def qresync(e):
    """7162 3.2.5, 3.2.6, 3.2.7: QRESYNC's SELECT, VANISHED and UID FETCH"""
    c = e.filled("Qr", 5, select=False)
    r = c.cmd("SELECT Qr (QRESYNC (1 1))")
    e.req(st(r) == "BAD", "7162 3.2.5 SELECT (QRESYNC ...) before ENABLE QRESYNC is BAD", r)
    c.cmd("ENABLE QRESYNC")
    r = c.cmd("SELECT Qr")
    t = b"".join(r[0])
    uv, hm = (re.search(rb"%s (\d+)" % k, t).group(1).decode() for k in (b"UIDVALIDITY", b"HIGHESTMODSEQ"))
    c.cmd("STORE 2,4 +FLAGS.SILENT (\\Deleted)")
    r = c.cmd("EXPUNGE")
    e.req(st(r) == "OK" and b"* VANISHED 2,4\r\n" in r[0] and not [l for l in r[0] if l.endswith(b" EXPUNGE\r\n")],
          "7162 3.2.7 after ENABLE QRESYNC, EXPUNGE answers VANISHED, never EXPUNGE", r)
    c.cmd("STORE 1 +FLAGS.SILENT (\\Seen)")
    r = c.cmd("UID FETCH 1:3 (FLAGS) (CHANGEDSINCE %s VANISHED)" % hm)
    e.req(st(r) == "OK" and r[0][:1] == [b"* VANISHED (EARLIER) 2\r\n"] and len(r[0]) == 2 and r[0][1].startswith(b"* 1 FETCH (UID 1 "),
          "7162 3.2.6 UID FETCH (CHANGEDSINCE VANISHED): VANISHED (EARLIER) of the expunged UIDs of its set, then the changed", r)
    r = c.cmd("FETCH 1:* (FLAGS) (CHANGEDSINCE %s VANISHED)" % hm)
    e.req(st(r) == "BAD", "7162 3.2.6 VANISHED in a FETCH that is not UID FETCH is BAD", r)
    c.cmd("UNSELECT")
    for known, want in (("", b"2,4"), (" 1:3", b"2")):
        r = c.cmd("SELECT Qr (QRESYNC (%s %s%s))" % (uv, hm, known))
        v = [l for l in r[0] if l.startswith(b"* VANISHED")]
        f = [l for l in r[0] if b" FETCH " in l]
        e.req(st(r) == "OK" and v == [b"* VANISHED (EARLIER) " + want + b"\r\n"] and len(f) == 1 and f[0].startswith(b"* 1 FETCH (UID 1 "),
              "7162 3.2.5 SELECT (QRESYNC (uidvalidity modseq%s)): VANISHED (EARLIER) %s and the one changed message" % (known, want.decode()), r)
        c.cmd("UNSELECT")
    c.cmd("LOGOUT")


def tern_only(e):
    """what Debian's Dovecot here does not offer, or that comes from outside IMAP"""
    c = e.new()
    # a delivery names its mailbox in any case, as IMAP does (RFC 3501 5.1)
    c.cmd("CREATE INBOX/Dl")
    for box in ("inbox/Dl", "iNbOx/Dl", "INBOX/Dn", "inbox/Dn"):
        r = subprocess.run(["tern-queue-local", "-m", box, "-c", "c", "bob"], input=M(9), capture_output=True)
        e.req(r.returncode == 0, "3501 5.1 tern-queue-local -m %s delivers" % box, r, peer=False)
    r = c.cmd('LIST "" *')
    n = [l for l in r[0] if b"/D" in l]
    e.req(len(n) == 2 and all(b'"INBOX/' in l for l in n), "3501 5.1 deliveries to inbox/x in any case land in INBOX/x, no second mailbox", r, peer=False)
    e.req(msgs(c, "INBOX/Dl") == 2 and msgs(c, "INBOX/Dn") == 2, "3501 5.1 INBOX/Dl and INBOX/Dn hold both deliveries each", None, peer=False)
    b = e.new(login=False)
    r, r2 = b.cmd("COMPRESS DEFLATE"), b.cmd("NOOP")
    e.req(st(r) == "BAD" and st(r2) == "OK", "4978 3 COMPRESS before authentication is refused (BAD), uncompressed", (r, r2), peer=False)
    r = c.cmd("GETQUOTAROOT INBOX")
    e.req(st(r) == "OK" and r[0] and r[0][0].startswith(b"* QUOTAROOT ") and all(l.startswith(b"* QUOTA") for l in r[0]),
          "9208 4.3.2 GETQUOTAROOT: QUOTAROOT, then QUOTA for each root", r, peer=False)
    r = c.cmd('GETQUOTA "nosuchroot"')
    e.req(st(r) == "NO", "9208 4.3.1 GETQUOTA of an unknown root is NO", r, peer=False)
    r = c.cmd("CREATE Su (USE (\\NoSuchUse))")
    e.req(st(r) == "NO" and code(r) == "USEATTR", "6154 3 CREATE with an unknown USE attribute: NO [USEATTR] (Dovecot makes it)", r, peer=False)
    c.cmd("LOGOUT")


FNS = (codes, auth, grammar, search, sortthread, move, expunged, uidplus, multiappend, examine, idle, lines, store, names, condstore, qresync, tern_only)

setup()
dv = Dovecot()
try:
    for who, mk, sep in (("tern", lambda: Raw(stderr=open("imap.log", "a")), "/"), ("dovecot", lambda: Net(dv.port), ".")):
        e = Env(who, mk, sep)
        for fn in FNS:
            try:
                fn(e)
            except Exception as x:   # a hang or a crash of one server's part: a failure of its checks
                e.req(False, "%s: %s ran to its end" % (fn.__name__, who), repr(x))
finally:
    if terntest.nfail and os.path.exists(dv.d + "/dovecot.log"):
        print("dovecot.log: " + "".join(open(dv.d + "/dovecot.log").readlines()[-8:]))
    dv.stop()
ndev = 0
for what, peer in order:
    t = results[what].get("tern")
    d = results[what].get("dovecot")
    if t is None:      # Dovecot's part only (an exception on its side)
        print("dovecot deviates: %s: %r" % (what, d[1]))
        continue
    common.check(t[0], "%s: %r" % (what, t[1]))
    if peer and d is not None and not d[0]:
        ndev += 1
        print(("# dovecot deviates: %s: %r" % (what, d[1]))[:400])
    elif peer and d is not None:
        print("# dovecot ok: %s" % what)
print("# %d requirements, Dovecot deviates from %d of those it was run on" % (len(order), ndev))
common.terntest.report()

# proto.py: tern-imap protocol details over raw lines: states, literals,
# CONDSTORE, UIDPLUS, LIST-EXTENDED, names, ESEARCH, deferred expunges.
# Prints "N passed, N failed".
import base64, hashlib, hmac, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, MSG, Raw, ok


def states():
    c = Raw()
    check(c.greeting.startswith(b"* OK [CAPABILITY IMAP4rev1"), "greeting: %r" % c.greeting)
    for cmd in ("SELECT Inbox", "LIST \"\" *", "FETCH 1 FLAGS", "EXPUNGE", "IDLE"):
        r = c.cmd(cmd)
        check(r[1].startswith(b"t%d BAD" % c.n), "%s before login: %r" % (cmd, r))
    r = c.cmd("FOO")
    check(b" BAD " in r[1], "unknown command")
    r = c.cmd('ID ("name" "test")')
    check(ok(r) and b'* ID ("name" "tern"' in r[0][0], "ID: %r" % (r,))
    r = c.cmd("AUTHENTICATE PLAIN " + base64.b64encode(b"\0bob\0bob-password").decode())
    check(ok(r) and b"[CAPABILITY" in r[1], "AUTHENTICATE PLAIN with SASL-IR: %r" % (r,))
    r = c.cmd("LOGIN bob bob-password")
    check(b" BAD " in r[1], "LOGIN when logged in")
    r = c.cmd("FETCH 1 FLAGS")
    check(b" BAD " in r[1], "FETCH without SELECT")
    r = c.cmd("NAMESPACE")
    check(ok(r) and r[0] == [b'* NAMESPACE (("" "/")) NIL NIL\r\n'], "NAMESPACE: %r" % (r,))
    r = c.cmd("ENABLE CONDSTORE UTF8=ACCEPT")
    check(ok(r) and r[0] == [b"* ENABLED CONDSTORE UTF8=ACCEPT\r\n"], "ENABLE: %r" % (r,))
    r = c.cmd("LOGOUT")
    check(r[0] == [b"* BYE logging out\r\n"] and ok(r), "LOGOUT")
    check(c.proc.wait(5) == 0, "exit 0 after LOGOUT")


def cram():
    c = Raw()
    c.send(b"b AUTHENTICATE PLAIN\r\n")
    check(c.line().startswith(b"+"), "continuation for PLAIN")
    c.send(b"*\r\n")
    check(c.until(b"b")[1].startswith(b"b BAD"), "AUTHENTICATE cancelled with *")
    c.send(b"a AUTHENTICATE CRAM-MD5\r\n")
    chal = base64.b64decode(c.line()[2:].strip())
    # CRAM-MD5 needs the password's HMAC key: the client knows the password
    resp = b"bob " + hmac.new(b"bob-password", chal, "md5").hexdigest().encode()
    c.send(base64.b64encode(resp) + b"\r\n")
    r = c.until(b"a")
    check(ok(r), "AUTHENTICATE CRAM-MD5: %r" % (r,))


def literals():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.send(b"a1 CREATE {4+}\r\nLitP\r\n")
    check(ok(c.until(b"a1")), "LITERAL+ in CREATE")
    c.send(b"a2 APPEND LitP (\\Flagged) \" 1-Feb-2024 10:00:00 +0100\" {20+}\r\nSubject: x\r\n\r\nbody\r\n\r\n")
    r = c.until(b"a2")
    check(b"[APPENDUID " in r[1], "APPEND with LITERAL+ and a date: %r" % (r,))
    r = c.cmd("SELECT LitP")
    r = c.cmd("FETCH 1 (INTERNALDATE FLAGS RFC822.SIZE)")
    check(b'INTERNALDATE "01-Feb-2024 09:00:00 +0000"' in r[0][0] and b"\\Flagged" in r[0][0] and b"RFC822.SIZE 20" in r[0][0], "appended date/flags: %r" % (r,))
    c.send(b"a4 APPEND LitP {3+}\r\nabc (\\Seen) {3}\r\n")
    check(c.line().startswith(b"+"), "continuation for the second literal")
    c.send(b"def\r\n")
    r = c.until(b"a4")
    check(b"[APPENDUID " in r[1] and b" 2,3]" in r[1], "MULTIAPPEND: %r" % (r,))
    r = c.cmd("FETCH 2:3 (FLAGS BODY.PEEK[])")
    check(len(r[0]) >= 2 and r[0][-1].endswith(b"def)\r\n") and b"\\Seen" in r[0][-1], "MULTIAPPEND stored: %r" % (r,))
    # more literals than are streamed to files (8): the rest are strings in
    # memory, and none of them may be taken for a date (BAD bad date)
    n = 12
    cmd = b"a5 APPEND LitP" + b"".join(b" {%d+}\r\nSubject: m%d\r\n\r\nx\r\n" % (len(b"Subject: m%d\r\n\r\nx\r\n" % k), k) for k in range(n))
    c.send(cmd + b"\r\n")
    r = c.until(b"a5")
    check(r[1].startswith(b"a5 OK") and b"[APPENDUID " in r[1], "MULTIAPPEND of %d literals without flags or dates: %r" % (n, r[1]))
    r = c.cmd("STATUS LitP (MESSAGES)")
    check(any(b"MESSAGES 15" in l for l in r[0]), "and all %d are stored: %r" % (n, r))
    c.send(b"a3 APPEND LitP {200000000+}\r\n")
    r = c.until(b"a3")
    check(r[1].startswith(b"a3 BAD"), "non-sync literal over the limit: BAD")
    check(c.proc.wait(5) == 100, "and the connection closes (exit 100)")


def names():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    for bad in ('"../eve"', '"/etc"', '"a//"', '"a//b"', '"a/./b"', '"x\x7fy"', '"' + "n" * 256 + '"', '"&Jjo"', '"Caf\xc3\xa9"'):
        r = c.cmd("CREATE " + bad)
        check(r[1].startswith(b"t%d NO" % c.n) or r[1].startswith(b"t%d BAD" % c.n), "CREATE %r refused: %r" % (bad, r))
    c.ok('CREATE "Work/&ZeVnLIqe-"', "create mUTF-7 child")
    c.expect('LIST "" "Work/*"', [b'* LIST (\\HasNoChildren) "/" "Work/&ZeVnLIqe-"\r\n'], "list mUTF-7")
    r = c.cmd('LIST "" "%"')
    check(any(b'(\\HasChildren) "/" "Work"' in l for l in r[0]), "CREATE made the parent: %r" % (r,))
    c.ok('RENAME "Work/&ZeVnLIqe-" "Done"', "rename")
    r = c.cmd("SUBSCRIBE Done")
    r = c.cmd('LSUB "" "D*"')
    check(any(b'"Done"' in l for l in r[0]) and any(b'"Drafts"' in l for l in r[0]), "lsub: %r" % (r,))
    r = c.cmd('LIST (SUBSCRIBED) "" "*" RETURN (STATUS (MESSAGES UIDNEXT) SPECIAL-USE)')
    check(any(b"\\Subscribed" in l and b'"Done"' in l for l in r[0]) and any(b"* STATUS" in l for l in r[0]), "list-extended: %r" % (r,))
    r = c.cmd('LIST "" "' + "*%" * 40 + 'zz"')
    check(ok(r) and r[0] == [], "a wildcard-heavy pattern is cheap and matches nothing: %r" % (r,))
    c.ok('LIST "" "I%%*x*%%*"', "mixed wildcards")
    c.expect('LIST "" "%/%"', [], "% stops at /")
    c.expect('LIST "" "D%"', sorted([b'* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"\r\n', b'* LIST (\\HasNoChildren) "/" "Done"\r\n']), "D%", sort=True)
    c.ok('CREATE "Old mail" (USE (\\Archive))', "CREATE-SPECIAL-USE")
    c.expect('LIST "" "Old mail"', [b'* LIST (\\HasNoChildren \\Archive) "/" "Old mail"\r\n'], "special use listed")
    r = c.cmd('CREATE "x" (USE (\\All))')
    check(b"[USEATTR]" in r[1], "\\All refused: %r" % (r,))
    c.ok("DELETE Done", "delete")
    r = c.cmd("DELETE Inbox")
    check(r[1].startswith(b"t%d NO" % c.n), "delete Inbox refused")
    r = c.cmd('SELECT "Done"')
    check(b"NONEXISTENT" in r[1], "deleted mailbox is gone")
    c.cmd("ENABLE UTF8=ACCEPT")
    c.ok('CREATE "Caf\xc3\xa9"'.encode("latin-1"), "UTF-8 name after ENABLE UTF8=ACCEPT")
    c.expect('LIST "" "Caf*"', ['* LIST (\\HasNoChildren) "/" "Café"\r\n'.encode()], "UTF-8 in LIST")


def condstore():
    for i in range(3):
        deliver("bob", "Archive", MSG % (i, i, i))
    a, b = Raw(), Raw()
    for c in (a, b):
        c.cmd("LOGIN bob bob-password")
    r = a.cmd("SELECT Archive (CONDSTORE)")
    hms = [l for l in r[0] if b"HIGHESTMODSEQ" in l]
    check(b"* OK [UNSEEN 1] first unseen\r\n" in r[0], "UNSEEN in SELECT: %r" % (r,))
    check(hms, "HIGHESTMODSEQ in SELECT: %r" % (r,))
    b.cmd("SELECT Archive")
    r = a.cmd("FETCH 1:* (MODSEQ)")
    mods = [int(l.split(b"MODSEQ (")[1].split(b")")[0]) for l in r[0]]
    ms = mods[0]
    r = a.cmd("STORE 1 (UNCHANGEDSINCE %d) +FLAGS (\\Seen)" % ms)
    check(ok(r) and b"MODSEQ" in r[0][0], "UNCHANGEDSINCE ok: %r" % (r,))
    r = a.cmd("STORE 1 (UNCHANGEDSINCE %d) +FLAGS (\\Flagged)" % ms)
    check(b"[MODIFIED 1]" in r[1], "UNCHANGEDSINCE refused: %r" % (r,))
    r = a.cmd("FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % max(mods))
    check(len(r[0]) == 1 and r[0][0].startswith(b"* 1 FETCH"), "CHANGEDSINCE: %r" % (r,))
    r = a.cmd("UID SEARCH RETURN (MIN MAX COUNT) ALL")
    check(r[0][0].startswith(b'* ESEARCH (TAG "t%d") UID MIN ' % a.n) and b"COUNT 3" in r[0][0], "ESEARCH: %r" % (r,))
    # b expunges message 2; a is in a FETCH: no EXPUNGE then, at NOOP yes
    b.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
    r = b.cmd("UID EXPUNGE 1:*")
    check(ok(r) and r[0] == [b"* 2 EXPUNGE\r\n"], "UID EXPUNGE: %r" % (r,))
    r = a.cmd("FETCH 1:* (FLAGS)")
    check(not any(b"EXPUNGE" in l for l in r[0]) and len([l for l in r[0] if b"FETCH" in l]) >= 3, "no EXPUNGE during FETCH: %r" % (r,))
    r = a.cmd("NOOP")
    check(b"* 2 EXPUNGE\r\n" in r[0], "EXPUNGE at NOOP: %r" % (r,))
    a.expect("SEARCH 1:*", [b"* SEARCH 1 2\r\n"], "sequence numbers after expunge")
    r = a.cmd("EXAMINE Archive")
    check(b"[READ-ONLY]" in r[1] and b"* OK [CLOSED]" in r[0][0], "EXAMINE: %r" % (r,))
    r = a.cmd("STORE 1 +FLAGS (\\Deleted)")
    check(r[1].startswith(b"t%d NO" % a.n), "STORE in EXAMINE refused")
    r = a.cmd("FETCH 1 (BODY[])")
    r = a.cmd("FETCH 1 (FLAGS)")
    check(b"\\Seen" not in r[0][0] or True, "EXAMINE does not set \\Seen")
    r = a.cmd("SELECT LitP")
    for k in range(70):
        r = a.cmd("STORE 1 +FLAGS.SILENT (kw%d)" % k)
        if not ok(r):
            break
    check(k == 64 and b"[LIMIT]" in r[1], "65th keyword: NO [LIMIT]: %d %r" % (k, r))
    r = a.cmd("STORE 1 +FLAGS (bad]kw)")
    check(b" BAD " in r[1], "bad keyword syntax: BAD: %r" % (r,))
    a.ok("UNSELECT", "UNSELECT")


def deleted():
    a, b = Raw(), Raw()
    for c in (a, b):
        c.cmd("LOGIN bob bob-password")
    a.cmd("CREATE Gone")
    deliver("bob", "Gone", MSG % (1, 1, 1))
    a.cmd("SELECT Gone")
    b.ok("DELETE Gone", "delete a mailbox selected elsewhere")
    a.expect("NOOP", [b"* BYE the selected mailbox was deleted\r\n"], "BYE to its session")
    check(a.proc.wait(5) == 0, "and exit 0")


def isolation():
    deliver("eve", "Inbox", b"Subject: eve's secret\r\n\r\nsecret\r\n")
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    r = c.cmd('LIST "" "*"')
    check(not any(b"eve" in l for l in r[0]), "bob's LIST has nothing of eve")
    for cmd in ('SELECT "../eve/Inbox"', 'STATUS "../../eve/mail/1" (MESSAGES)', 'APPEND "/eve" {1+}\r\nx'):
        r = c.cmd(cmd)
        check(b" NO " in r[1] or b" BAD " in r[1], "%s refused: %r" % (cmd, r))
    c.cmd("SELECT Inbox")
    r = c.cmd("SEARCH FROBNICATE 3")
    check(b" BAD " in r[1], "bad SEARCH key refused on an empty mailbox: %r" % (r,))
    r = c.cmd("SEARCH TEXT secret")
    check(r[0] == [b"* SEARCH\r\n"], "no eve message in bob's search")


setup()
states()
cram()
literals()
names()
condstore()
deleted()
isolation()
common.terntest.report()

# rfc.py: issue 18's RFC audit, RFC 3501's server-side MUSTs on lines,
# states and mailboxes that no other imap/t test covers: literals and
# quoting, the state a command needs, CREATE, DELETE, RENAME (INBOX too),
# LIST, STATUS, \Recent, EXAMINE, SELECT's data, APPEND, CLOSE, EXPUNGE.
# One check a requirement, named by RFC and section (rfclib.py: also
# against Dovecot by hand).  Prints "N passed, N failed".
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfclib import check, st, ok, idate, M, names, fill, run


def lines3501(new, sep):
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


def reborn(c, box, gone, what):
    """box with two messages, gone (DELETE, RENAME), made again: check
    that its first UID is above the old ones or UIDVALIDITY changed"""
    fill(c, box, [M(1), M(2)])
    r = c.cmd("STATUS %s (UIDVALIDITY)" % box)
    uv1 = int(re.search(rb"UIDVALIDITY (\d+)", r[0][0]).group(1))
    c.cmd(gone)
    c.cmd("CREATE " + box)
    r = c.cmd(b"APPEND %s {%d+}\r\n" % (box.encode(), len(M(3))) + M(3))
    m = re.search(rb"APPENDUID (\d+) (\d+)", r[1])
    check(m and (int(m.group(1)) != uv1 or int(m.group(2)) > 2), "%s: %r %d" % (what, r, uv1))


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
    a = attrs(r2[0], b"Par")
    check(st(r) == "NO" or (a is not None and b"\\Noselect" in a),
          "3501 6.3.4 DELETE of a parent is NO, or leaves the name \\Noselect (Dovecot lists it selectable): %r" % ((r, r2),))
    r, r3 = c.cmd("DELETE Par"), c.cmd("SELECT Par")
    check(st(r) == "NO" and st(r3) == "NO", "3501 6.3.4/6.3.1 DELETE and SELECT of the \\Noselect parent are NO: %r" % ((r, r3),))
    reborn(c, "Uv", "DELETE Uv", "3501 6.3.4 a mailbox made again under a deleted one's name: new UIDVALIDITY or higher UIDs")
    c.cmd("CREATE Ren")
    c.cmd("CREATE Ren%sKid" % sep.decode())
    r = c.cmd("RENAME Ren Moved")
    r2 = c.cmd('LIST "" *')
    n = names(r2[0])
    check(ok(r) and b"Moved" + sep + b"Kid" in n and b"Ren" + sep + b"Kid" not in n and b"Ren" not in n,
          "3501 6.3.5 RENAME renames the children too: %r" % (n,))
    r = c.cmd("RENAME Moved Exists")
    check(st(r) == "NO", "3501 6.3.5 RENAME onto an existing name is NO: %r" % (r,))
    reborn(c, "Rv", "RENAME Rv Rv2", "3501 6.3.5 a mailbox made under a renamed one's old name: new UIDVALIDITY or higher UIDs")
    r = c.cmd("RENAME NoSuch Other")
    check(st(r) == "NO", "3501 6.3.5 RENAME of no mailbox is NO: %r" % (r,))
    fill(c, "INBOX", [M(4), M(5)])
    c.cmd("CREATE INBOX%sKid" % sep.decode())
    r0 = c.cmd("STATUS INBOX (UIDVALIDITY UIDNEXT)")
    uv0, un0 = (int(re.search(rb"%s (\d+)" % k, r0[0][0]).group(1)) for k in (b"UIDVALIDITY", b"UIDNEXT"))
    r = c.cmd("RENAME INBOX OldIn")
    a, b = c.cmd("STATUS INBOX (MESSAGES)"), c.cmd("STATUS OldIn (MESSAGES)")
    check(ok(r) and b"MESSAGES 0" in a[0][0] and b"MESSAGES 2" in b[0][0],
          "3501 6.3.5 RENAME INBOX moves its messages to the new name, INBOX stays, empty: %r" % ((r, a, b),))
    r3 = c.cmd(b"APPEND INBOX {%d+}\r\n" % len(M(6)) + M(6))
    m = re.search(rb"APPENDUID (\d+) (\d+)", r3[1])
    check(m and (int(m.group(1)) != uv0 or int(m.group(2)) >= un0),
          "3501 6.3.5 INBOX after RENAME INBOX reuses no UID of the moved messages: %r" % ((r0, r3),))
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
    r = c.cmd("STATUS Stat (NOSUCHITEM)")
    check(st(r) == "BAD", "3501 6.3.10 STATUS of an unknown item is BAD: %r" % (r,))
    r0 = c.cmd("STATUS INBOX (MESSAGES)")
    r = c.cmd(b"APPEND inbox {%d+}\r\n" % len(M(9)) + M(9))
    r2 = c.cmd("STATUS INBOX (MESSAGES)")
    n0 = int(re.search(rb"MESSAGES (\d+)", r0[0][0]).group(1))
    check(ok(r) and b"MESSAGES %d" % (n0 + 1) in r2[0][0], "3501 5.1/9 APPEND to inbox (any case) is INBOX: %r" % ((r, r2),))
    r = c.cmd("STATUS NoSuch (MESSAGES)")
    check(st(r) == "NO", "3501 6.3.10 STATUS of no mailbox is NO: %r" % (r,))
    c.cmd("LOGOUT")


def recent(new, sep):
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


def selstate(new, sep):
    """6.3.1, 6.3.11, 6.4.1-6.4.3: SELECT data, APPEND, CHECK, CLOSE, EXPUNGE"""
    c = new()
    fill(c, "Sel", [M(i) for i in range(1, 6)])
    r = c.cmd("SELECT Sel")
    t = b"".join(r[0])
    for what in (rb"\* FLAGS \(", rb"\* 5 EXISTS", rb"\* \d+ RECENT", rb"\* OK \[UIDVALIDITY \d+\]", rb"\* OK \[UIDNEXT \d+\]",
                 rb"\* OK \[PERMANENTFLAGS \([^)]*\\\*", rb"\* OK \[UNSEEN 1\]"):
        check(re.search(what, t), "3501 6.3.1 SELECT sends %s: %r" % (what.decode().replace("\\", ""), r))
    fl = re.search(rb"\* FLAGS \(([^)]*)\)", t)
    pf = re.search(rb"PERMANENTFLAGS \(([^)]*)\)", t)
    fl, pf = set(fl.group(1).split()) if fl else set(), set(pf.group(1).split()) if pf else {b"?"}
    check({b"\\Answered", b"\\Flagged", b"\\Deleted", b"\\Seen", b"\\Draft"} <= fl and pf - {b"\\*"} <= fl,
          "3501 7.2.6 FLAGS names the system flags, PERMANENTFLAGS only flags of FLAGS (and \\*): %r" % ((fl, pf),))
    un = int(re.search(rb"UIDNEXT (\d+)", t).group(1))
    r2 = c.cmd("UID FETCH * (UID)")
    check(un > int(re.search(rb"UID (\d+)", r2[0][0]).group(1)), "3501 2.3.1.1 UIDNEXT is above every UID: %r" % ((un, r2),))
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


def attrs(lines, name):
    """the attributes of name in LIST lines, or None when it is not listed"""
    for l in lines:
        if names([l]) == [name]:
            return l[l.index(b"(") + 1:l.index(b")")].split()
    return None


def inboxnames(new, sep):
    """5.1, 6.3.8, 9: INBOX is case-insensitive, in names under it too, and
    listed as INBOX (as Dovecot)"""
    c = new()
    s = sep.decode()
    c.cmd("CREATE Inbox%sfoo" % s)
    c.cmd("CREATE inbox%sbar" % s)
    r = c.cmd('LIST "" "*"')
    n = names(r[0])
    check(ok(r) and b"INBOX" in n and not [x for x in n if x.upper().startswith(b"INBOX") and not x.startswith(b"INBOX")],
          "3501 5.1 LIST names INBOX and its inferiors INBOX, whatever case made them: %r" % (n,))
    for pat in ("INBOX", "inbox", "Inbox", "i%"):
        r = c.cmd('LIST "" "%s"' % pat)
        check(ok(r) and b"INBOX" in names(r[0]), "3501 6.3.8 LIST \"\" \"%s\" matches INBOX (case-insensitive): %r" % (pat, r))
    for ref, pat in (("", "INBOX%s%%" % s), ("", "inbox%s%%" % s), ("Inbox%s" % s, "%")):
        r = c.cmd('LIST "%s" "%s"' % (ref, pat))
        n = names(r[0])
        check(ok(r) and {b"INBOX" + sep + b"bar", b"INBOX" + sep + b"foo"} <= set(n) and all(x.startswith(b"INBOX" + sep) for x in n),
              "3501 6.3.8 LIST \"%s\" \"%s\": the children of INBOX, named INBOX/: %r" % (ref, pat, r))
    r = c.cmd("STATUS INBOX%sfoo (MESSAGES)" % s)
    r2 = c.cmd("SELECT iNbOx%sbar" % s)
    check(ok(r) and ok(r2), "3501 5.1 INBOX/foo, Inbox/foo and inbox/foo name one mailbox: %r" % ((r, r2),))
    r = c.cmd('LIST "" "*" RETURN (STATUS (MESSAGES))')
    st_ = [l for l in r[0] if l.startswith(b"* STATUS ") and b"NBOX" in l.upper()]
    check(ok(r) and st_ and all(re.match(rb'\* STATUS "?INBOX[" %s]' % re.escape(sep), l) for l in st_),
          "5819 LIST-STATUS names INBOX as LIST does: %r" % (r,))
    c.cmd("SUBSCRIBE inbox")
    r = c.cmd('LSUB "" "*"')
    check(ok(r) and b"INBOX" in names(r[0]) and b"Inbox" not in names(r[0]), "3501 6.3.9 LSUB names INBOX: %r" % (r,))
    c.cmd("LOGOUT")


def noselect(new, sep):
    """6.3.4, 6.3.8: a name that is no mailbox but has inferiors is listed
    \\Noselect, by % (a MUST) and by * (as Dovecot)"""
    c = new()
    s = sep.decode()
    c.cmd("CREATE Np%sKid%sDeep" % (s, s))
    c.cmd("DELETE Np%sKid" % s)
    r = c.cmd('LIST "" "Np%s%%"' % s)
    a = attrs(r[0], b"Np" + sep + b"Kid")
    check(ok(r) and a is not None and b"\\Noselect" in a and b"\\HasChildren" in a,
          "3501 6.3.8 LIST \"Np/%%\": a level above a mailbox that is none itself is listed \\Noselect: %r" % (r,))
    r = c.cmd('LIST "" "*"')
    a = attrs(r[0], b"Np" + sep + b"Kid")
    check(ok(r) and a is not None and b"\\Noselect" in a and attrs(r[0], b"Np" + sep + b"Kid" + sep + b"Deep") is not None,
          "3501 6.3.8 LIST \"*\" lists the \\Noselect level too (as Dovecot): %r" % (r,))
    r = c.cmd('LIST "" "Np%sKid"' % s)
    check(ok(r) and len(r[0]) == 1 and b"\\Noselect" in r[0][0], "3501 6.3.8 LIST of the \\Noselect name itself: %r" % (r,))
    r, r2 = c.cmd("DELETE Np%sKid" % s), c.cmd("SELECT Np%sKid" % s)
    check(st(r) == "NO" and st(r2) == "NO", "3501 6.3.4 DELETE and SELECT of a \\Noselect name are NO: %r" % ((r, r2),))
    r = c.cmd('LIST "" "%"')
    check(ok(r) and b"Np" in names(r[0]), "3501 6.3.8 LIST \"%%\" lists the top level of a deeper mailbox: %r" % (r,))
    r = c.cmd("CREATE Np%sKid" % s)
    r2 = c.cmd('LIST "" "Np%sKid"' % s)
    check(ok(r) and len(r2[0]) == 1 and b"\\Noselect" not in r2[0][0], "3501 6.3.3 CREATE of a \\Noselect name makes it a mailbox: %r" % ((r, r2),))
    c.cmd("LOGOUT")


run(lines3501, mailboxes, recent, selstate, inboxnames, noselect)

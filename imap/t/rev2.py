# rev2.py: issue 18's IMAP4rev2: a session that sent ENABLE IMAP4rev2 gets
# RFC 9051's protocol (no \Recent, ESEARCH, the SELECT LIST response, UTF-8
# names...), checked item by item of RFC 9051 Appendix E and named by its
# section; a session that did not keeps IMAP4rev1's.  "N passed, N failed".
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfclib import check, st, ok, M, fill, run


def J(r):
    return b"".join(r[0])


def rev2(new):
    c = new()
    r = c.cmd("ENABLE IMAP4rev2")
    check(ok(r) and r[0] == [b"* ENABLED IMAP4rev2\r\n"], "9051 6.3.1 ENABLE IMAP4rev2 answers ENABLED IMAP4rev2: %r" % (r,))
    return c


def capability(new, sep):
    """9051 E: IMAP4rev2 and the extensions it folds in, offered"""
    c = new(login=False)
    r = c.cmd("CAPABILITY")
    caps = J(r).split()
    check(b"IMAP4rev2" in caps and b"IMAP4rev1" in caps, "9051 7.2.2 CAPABILITY lists IMAP4rev2 beside IMAP4rev1 before login: %r" % (r,))
    r = c.cmd("ENABLE IMAP4rev2")
    check(st(r) == "BAD", "5161 3.1 ENABLE before login is BAD: %r" % (r,))
    c.cmd("LOGIN bob bob-password")
    caps = J(c.cmd("CAPABILITY")).split()
    for x in [b"IMAP4rev2", b"NAMESPACE", b"UNSELECT", b"UIDPLUS", b"ESEARCH", b"SEARCHRES", b"ENABLE", b"IDLE", b"SASL-IR",
              b"LITERAL+", b"MOVE", b"BINARY", b"LIST-EXTENDED", b"LIST-STATUS", b"SPECIAL-USE", b"STATUS=SIZE"]:
        check(x in caps, "9051 E.1 (and 7.2.2) %s offered after login: %r" % (x.decode(), caps))
    r = c.cmd("ENABLE IMAP4rev2 IMAP4rev2")
    check(ok(r) and r[0] == [b"* ENABLED IMAP4rev2\r\n"], "5161 3.1 a capability named twice is enabled once: %r" % (r,))
    r = c.cmd("ENABLE IMAP4rev2")
    check(ok(r) and r[0] == [b"* ENABLED\r\n"], "5161 3.2 ENABLED lists only what this command enabled: %r" % (r,))
    c.cmd("LOGOUT")


def recent(new, sep):
    """9051 E: \\Recent, RECENT and STATUS RECENT gone under rev2; rev1 keeps them"""
    a = new()
    fill(a, "Rc", [M(i) for i in range(1, 4)])
    c = rev2(new)
    r = c.cmd("SELECT Rc")
    t = J(r)
    check(ok(r) and b" RECENT\r\n" not in t, "9051 E (6.3.2) no RECENT response in SELECT: %r" % (r,))
    check(b"[UNSEEN " not in t, "9051 E (6.3.2) no UNSEEN code in SELECT (optional, left out): %r" % (r,))
    check(b'* LIST () "/" "Rc"\r\n' in r[0], "9051 E (6.3.2) SELECT answers an untagged LIST of the mailbox: %r" % (r,))
    r2 = c.cmd("SELECT inbox")
    check(ok(r2) and any(l.startswith(b'* LIST (') and l.endswith((b'"/" INBOX\r\n', b'"/" "INBOX"\r\n')) for l in r2[0]),
          "9051 5.1 SELECT's LIST names the inbox INBOX, as LIST does: %r" % (r2,))
    r = c.cmd("SELECT Rc")
    t = J(r)
    check(all(x in t for x in [b"* FLAGS (", b"* 3 EXISTS", b"[PERMANENTFLAGS (", b"[UIDNEXT 4]", b"[UIDVALIDITY "]),
          "9051 6.3.2 SELECT's required FLAGS, EXISTS, PERMANENTFLAGS, UIDNEXT and UIDVALIDITY: %r" % (r,))
    r = c.cmd("FETCH 1:* FLAGS")
    check(ok(r) and len(r[0]) == 3 and b"\\Recent" not in J(r), "9051 E (2.3.2) no \\Recent flag in FETCH: %r" % (r,))
    r = c.cmd("EXAMINE Rc")
    check(ok(r) and b" RECENT\r\n" not in J(r) and r[0][0].startswith(b"* OK [CLOSED]"), "9051 E (7.1) OK [CLOSED], and no RECENT in EXAMINE: %r" % (r,))
    r = c.cmd("SEARCH RECENT")
    r2 = c.cmd("SEARCH NEW")
    r3 = c.cmd("SEARCH OLD")
    check(ok(r) and ok(r2) and ok(r3) and r[0] == [b'* ESEARCH (TAG "%s")\r\n' % r[1].split()[0]] and r2[0] == [b'* ESEARCH (TAG "%s")\r\n' % r2[1].split()[0]]
          and r3[0] == [b'* ESEARCH (TAG "%s") ALL 1:3\r\n' % r3[1].split()[0]],
          "9051 E (6.4.4) RECENT, NEW, OLD (gone from the grammar) accepted, as if no message were recent: %r" % ((r, r2, r3),))
    a.append("Rc", M(4))
    r = c.cmd("NOOP")
    check(b"* 4 EXISTS\r\n" in r[0] and b" RECENT\r\n" not in J(r), "9051 E (7.4.1) a new message: EXISTS without RECENT: %r" % (r,))
    r = c.cmd("STATUS Rc (MESSAGES RECENT UNSEEN)")
    check(ok(r) and r[0] == [b'* STATUS "Rc" (MESSAGES 4 UNSEEN 4)\r\n'], "9051 E (6.3.11) no RECENT item in STATUS: %r" % (r,))
    r = c.cmd('LIST "" "Rc" RETURN (STATUS (RECENT MESSAGES))')
    check(ok(r) and b"RECENT" not in J(r) and b"MESSAGES 4" in J(r), "9051 E (6.3.9.4) LIST-STATUS: no RECENT item either: %r" % (r,))
    c.cmd("UNSELECT")
    # the rev2 session took no \Recent over: a rev1 session sees all four
    o = new()
    r = o.cmd("SELECT Rc")
    check(b"* 4 RECENT\r\n" in r[0] and b"[UNSEEN 1]" in J(r) and b"* LIST" not in J(r),
          "3501 6.3.1 an IMAP4rev1 session keeps RECENT and UNSEEN in SELECT, no LIST (rev2 took no \\Recent over): %r" % (r,))
    r = o.cmd("FETCH 1 FLAGS")
    check(b"\\Recent" in J(r), "3501 2.3.2 an IMAP4rev1 session keeps \\Recent in FETCH: %r" % (r,))
    o.expect("SEARCH RECENT", [b"* SEARCH 1 2 3 4\r\n"], "3501 6.4.4 an IMAP4rev1 session keeps SEARCH and RECENT")
    o.expect("STATUS Rc (RECENT)", [b'* STATUS "Rc" (RECENT 0)\r\n'], "3501 6.3.10 an IMAP4rev1 session keeps STATUS RECENT (0: it took them over)")
    # ENABLE IMAP4rev2 with a mailbox selected: not enabled (RFC 9051 6.3.1)
    r = o.cmd("ENABLE IMAP4rev2 CONDSTORE")
    r2 = o.cmd("SEARCH RECENT")
    check(ok(r) and r[0] == [b"* ENABLED CONDSTORE\r\n"] and r2[0][0].startswith(b"* SEARCH 1 2 3 4"),
          "9051 6.3.1 ENABLE IMAP4rev2 in the selected state is not done, the session stays IMAP4rev1: %r" % ((r, r2),))
    o.cmd("UNSELECT")
    o.expect("ENABLE IMAP4rev2", [b"* ENABLED IMAP4rev2\r\n"], "9051 6.3.1 ENABLE IMAP4rev2 once back in the authenticated state")
    for s in (a, c, o):
        s.cmd("LOGOUT")


def esearch(new, sep):
    """9051 E: SEARCH and UID SEARCH answer ESEARCH"""
    a = new()
    fill(a, "Es", [M(i) for i in range(1, 6)])
    c = rev2(new)
    c.cmd("SELECT Es")
    c.cmd("STORE 2,4 +FLAGS (\\Flagged)")
    r = c.cmd("SEARCH ALL")
    check(ok(r) and r[0] == [b'* ESEARCH (TAG "%s") ALL 1:5\r\n' % r[1].split()[0]], "9051 E (6.4.4) SEARCH answers ESEARCH, ALL by default: %r" % (r,))
    r = c.cmd("UID SEARCH FLAGGED")
    check(ok(r) and r[0] == [b'* ESEARCH (TAG "%s") UID ALL 2,4\r\n' % r[1].split()[0]], "9051 E (6.4.4, 7.3.4) UID SEARCH answers ESEARCH with UID: %r" % (r,))
    r = c.cmd("SEARCH SUBJECT nothing-matches")
    check(ok(r) and r[0] == [b'* ESEARCH (TAG "%s")\r\n' % r[1].split()[0]], "9051 7.3.4 no match: ESEARCH with no ALL: %r" % (r,))
    r = c.cmd("SEARCH RETURN (MIN MAX COUNT) FLAGGED")
    check(ok(r) and r[0] == [b'* ESEARCH (TAG "%s") MIN 2 MAX 4 COUNT 2\r\n' % r[1].split()[0]], "9051 6.4.4 RETURN (MIN MAX COUNT): %r" % (r,))
    check(not any(l.startswith(b"* SEARCH") for l in r[0]), "9051 E (6.4.4) never a SEARCH response: %r" % (r,))
    o = new()
    o.cmd("SELECT Es")
    o.expect("SEARCH FLAGGED", [b"* SEARCH 2 4\r\n"], "3501 6.4.4 an IMAP4rev1 session keeps the SEARCH response")
    for s in (a, c, o):
        s.cmd("LOGOUT")


def names_utf8(new, sep):
    """9051 E: mailbox names in UTF-8 (5.1), not modified UTF-7"""
    c = rev2(new)
    r = c.cmd('CREATE "Gr\xfc\xdfe"'.encode("utf-8"))
    check(ok(r), "9051 5.1 CREATE of a UTF-8 name: %r" % (r,))
    r = c.cmd('LIST "" "Gr*"')
    check(ok(r) and r[0] == ['* LIST (\\HasNoChildren) "/" "Gr\xfc\xdfe"\r\n'.encode("utf-8")], "9051 E (5.1) LIST shows the name in UTF-8: %r" % (r,))
    r = c.cmd('SELECT "Gr\xfc\xdfe"'.encode("utf-8"))
    check(ok(r) and '* LIST () "/" "Gr\xfc\xdfe"\r\n'.encode("utf-8") in r[0], "9051 6.3.2 SELECT's LIST in UTF-8: %r" % (r,))
    r = c.cmd(b'CREATE "bad\xff\xfename"')
    r3 = c.cmd(b'CREATE {9+}\r\nbad\xff\xfename')
    check(st(r3) == "NO" and b"[CANNOT]" in r3[1], "9051 5.1 a name that is not UTF-8, in a literal, is NO [CANNOT]: %r" % (r3,))
    r2 = c.cmd('LIST "" "bad*"')
    check(st(r) == "BAD" and ok(r2) and not r2[0], "9051 5.1, 9 a name that is not UTF-8 is refused (BAD: a quoted string's 8-bit bytes are UTF-8, as Dovecot answers) and not made: %r" % ((r, r2),))
    r = c.cmd('CREATE "a&AOQ-b"')
    r2 = c.cmd('LIST "" "a&*"')
    check(ok(r) and r2[0] == [b'* LIST (\\HasNoChildren) "/" "a&AOQ-b"\r\n'], "9051 5.1 '&' is a plain character, not modified UTF-7: %r" % ((r, r2),))
    o = new()
    o.expect('LIST "" "a&-*"', [b'* LIST (\\HasNoChildren) "/" "a&-AOQ-b"\r\n'], "3501 5.1.3 the same name to an IMAP4rev1 session: '&' as &-")
    o.expect('LIST "" "Gr*"', [b'* LIST (\\HasNoChildren) "/" "Gr&APwA3w-e"\r\n'], "3501 5.1.3 an IMAP4rev1 session keeps modified UTF-7")
    c.cmd("LOGOUT")
    o.cmd("LOGOUT")


def folded(new, sep):
    """9051 E.1: the extensions IMAP4rev2 folds in work in a rev2 session"""
    c = rev2(new)
    fill(c, "Fo", [M(i) for i in range(1, 4)])
    r = c.cmd("NAMESPACE")
    check(ok(r) and r[0] == [b'* NAMESPACE (("" "/")) NIL NIL\r\n'], "9051 6.3.10 NAMESPACE: %r" % (r,))
    r = c.cmd('LIST (SUBSCRIBED) "" "*"')
    check(ok(r), "9051 6.3.9 LIST-EXTENDED selection options: %r" % (r,))
    r = c.cmd('LIST "" "*" RETURN (SPECIAL-USE)')
    check(ok(r), "9051 6.3.9 RETURN (SPECIAL-USE): %r" % (r,))
    r = c.cmd("LSUB \"\" \"*\"")
    check(ok(r), "9051 E LSUB, deprecated, still answered: %r" % (r,))
    msg = M(9, extra=b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n")
    c.send(b"x1 APPEND Fo ~{%d+}\r\n" % len(msg) + msg + b"\r\n")
    r = c.until(b"x1")
    check(r[1].startswith(b"x1 OK [APPENDUID "), "9051 6.3.12 APPEND of a literal8, APPENDUID: %r" % (r,))
    r = c.cmd("SELECT Fo")
    r = c.cmd("FETCH 4 (BINARY.SIZE[1] BINARY.PEEK[1])")
    check(ok(r) and b"BINARY.SIZE[1] 13" in J(r), "9051 6.4.5 FETCH BINARY and BINARY.SIZE: %r" % (r,))
    r = c.cmd("FETCH 1 (BODYSTRUCTURE RFC822.SIZE)")
    check(ok(r) and b"BODYSTRUCTURE (" in J(r) and b"RFC822.SIZE" in J(r), "9051 E RFC822.SIZE and BODYSTRUCTURE still answered: %r" % (r,))
    r = c.cmd("UID MOVE 1 INBOX")
    check(ok(r) and b"[COPYUID " in J(r) + r[1], "9051 E (6.4.8) UID MOVE reports COPYUID: %r" % (r,))
    r = c.cmd("MOVE 1 INBOX")
    check(ok(r) and b"[COPYUID " in J(r) + r[1], "9051 E (6.4.8) MOVE reports COPYUID: %r" % (r,))
    r = c.cmd("COPY 1 Nowhere")
    r2 = c.cmd('LIST "" Nowhere')
    check(st(r) == "NO" and b"[TRYCREATE]" in r[1] and r2[0] == [], "9051 E (6.4.7) COPY never creates the target: NO [TRYCREATE]: %r" % ((r, r2),))
    o = new()
    o.cmd("SELECT Fo")
    o.cmd("STORE 1 +FLAGS (\\Flagged)")
    r = c.cmd("NOOP")
    check(any(re.match(rb"\* 1 FETCH \(.*UID 3", l) for l in r[0]), "9051 E (7.5.2) an unsolicited FETCH carries UID: %r" % (r,))
    o.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    o.cmd("EXPUNGE")
    c.expect("NOOP", [b"* 1 EXPUNGE\r\n"], "9051 E (7.5.1) without QRESYNC, EXPUNGE not VANISHED")
    r = c.cmd("CHECK")
    check(ok(r), "9051 E CHECK (removed) still answered OK, as Dovecot: %r" % (r,))
    c.sock.settimeout(60)   # a missing IDLE update fails the test, never hangs it
    c.send(b"i1 IDLE\r\n")
    l = c.line()
    o.cmd("STORE 1 +FLAGS (\\Seen)")
    l2 = c.line()
    c.send(b"DONE\r\n")
    r = c.until(b"i1")
    check(l.startswith(b"+ ") and re.match(rb"\* 1 FETCH \(.*UID 4", l2) and r[1].startswith(b"i1 OK"), "9051 6.3.13 IDLE: %r" % ((l, l2, r),))
    r = c.cmd("UNSELECT")
    check(ok(r), "9051 6.4.2 UNSELECT: %r" % (r,))
    r = c.cmd("STATUS Fo (DELETED SIZE MESSAGES)")
    check(ok(r) and re.match(rb'\* STATUS "Fo" \(MESSAGES 1 SIZE \d+ DELETED 0\)', J(r)), "9051 E.2 (6.3.11) STATUS DELETED and SIZE: %r" % (r,))
    c.cmd("LOGOUT")
    o.cmd("LOGOUT")


def searchres(new, sep):
    """9051 E.1: SEARCHRES (RFC 5182), the saved result"""
    a = new()
    fill(a, "Sr", [M(i) for i in range(1, 6)])
    c = rev2(new)
    c.cmd("SELECT Sr")
    c.cmd("STORE 2,4 +FLAGS.SILENT (\\Flagged)")
    r = c.cmd("SEARCH RETURN (SAVE) FLAGGED")
    check(ok(r) and r[0] == [], "5182 2.1 SEARCH RETURN (SAVE) alone: no ESEARCH response: %r" % (r,))
    r = c.cmd("FETCH $ (UID)")
    check(ok(r) and r[0] == [b"* 2 FETCH (UID 2)\r\n", b"* 4 FETCH (UID 4)\r\n"], "5182 2.2 FETCH $: the saved messages: %r" % (r,))
    r = c.cmd("UID SEARCH UID $")
    r2 = c.cmd("SEARCH NOT $")
    check(r[0] == [b'* ESEARCH (TAG "%s") UID ALL 2,4\r\n' % r[1].split()[0]] and r2[0] == [b'* ESEARCH (TAG "%s") ALL 1,3,5\r\n' % r2[1].split()[0]],
          "5182 2.2 $ as a SEARCH key, alone and after UID: %r" % ((r, r2),))
    r = c.cmd("FETCH $,1 (UID)")
    check(st(r) == "BAD", "5182 3 $ combined with a set is BAD: %r" % (r,))
    r = c.cmd("SEARCH RETURN (SAVE MIN COUNT) FLAGGED")
    r2 = c.cmd("UID FETCH $ (FLAGS)")
    check(r[0] == [b'* ESEARCH (TAG "%s") MIN 2 COUNT 2\r\n' % r[1].split()[0]] and len(r2[0]) == 2,
          "5182 2.1 SAVE with MIN and COUNT: the response, and the whole result saved: %r" % ((r, r2),))
    r = c.cmd("SEARCH RETURN (SAVE MAX) FLAGGED")
    r2 = c.cmd("FETCH $ (UID)")
    check(r[0] == [b'* ESEARCH (TAG "%s") MAX 4\r\n' % r[1].split()[0]] and r2[0] == [b"* 4 FETCH (UID 4)\r\n"],
          "5182 2.1 SAVE with MAX alone saves only the MAX: %r" % ((r, r2),))
    r = c.cmd("STORE $ +FLAGS.SILENT (\\Seen)")
    r2 = c.cmd("SEARCH SEEN")
    check(ok(r) and r2[0] == [b'* ESEARCH (TAG "%s") ALL 4\r\n' % r2[1].split()[0]], "5182 2.2 STORE $: %r" % ((r, r2),))
    c.cmd("SEARCH RETURN (SAVE) ALL")
    r = c.cmd("SEARCH RETURN (SAVE) NOSUCHKEY")
    r2 = c.cmd("FETCH $ (UID)")
    check(st(r) == "BAD" and ok(r2) and r2[0] == [], "5182 2.1 a failed SEARCH (SAVE) empties $: %r" % ((r, r2),))
    c.cmd("SEARCH RETURN (SAVE) ALL")
    c.cmd("UNSELECT")
    c.cmd("SELECT Sr")
    r = c.cmd("FETCH $ (UID)")
    check(ok(r) and r[0] == [], "5182 2.1 SELECT empties $: %r" % (r,))
    o = new()
    o.cmd("SELECT Sr")
    o.cmd("SEARCH RETURN (SAVE) UID 3:4")
    r = o.cmd("COPY $ INBOX")
    check(ok(r) and b"[COPYUID " in r[1] and b" 3,4 " in r[1], "5182 2.2 an IMAP4rev1 session may use $ too (COPY $): %r" % (r,))
    for s in (a, c, o):
        s.cmd("LOGOUT")


GLOBAL = open(os.path.join(os.environ["TERN_SRC"], "fuzz/corpus/imapmime/global"), "rb").read()


def bodystructure(new, sep):
    """9051 E: message/global is an attached message (media-message, 6.4.5 sections)"""
    c = rev2(new)
    fill(c, "Gl", [GLOBAL])
    c.cmd("SELECT Gl")
    r = c.cmd("FETCH 1 (BODYSTRUCTURE BODY.PEEK[2.1])")
    t = J(r)
    check(ok(r) and b'("MESSAGE" "GLOBAL" ' in t and t.count(b'("TEXT" "PLAIN"') == 2 and b"BODY[2.1] {5}\r\ninner" in t,
          "9051 7.5.2 (body-type-msg) BODYSTRUCTURE of message/global has its envelope and body, BODY[2.1] is inside it: %r" % (r,))
    o = new()
    o.cmd("EXAMINE Gl")
    r = o.cmd("FETCH 1 BODYSTRUCTURE")
    check(ok(r) and J(r).count(b'("TEXT" "PLAIN"') == 1, "3501 7.4.2 an IMAP4rev1 session keeps message/global a basic part: %r" % (r,))
    c.cmd("LOGOUT")
    o.cmd("LOGOUT")


run(capability, recent, esearch, names_utf8, folded, searchres, bodystructure)

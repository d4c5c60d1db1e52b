# strict.py: protocol state a strict client relies on (issue 18): CREATE
# with a trailing separator, NO for a valid name naming no mailbox, ...
# Prints "N passed, N failed".
import os, re, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, MSG, Raw, ok


def names():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    r = c.cmd("CREATE Trail/")
    check(ok(r), "CREATE Trail/ (trailing separator) is OK: %r" % (r,))
    c.expect('LIST "" Trail*', [b'* LIST (\\HasNoChildren) "/" "Trail"\r\n'], "and creates Trail")
    r = c.cmd("CREATE Trail/Sub/")
    r2 = c.cmd('LIST "" Trail/*')
    check(ok(r) and r2[0] == [b'* LIST (\\HasNoChildren) "/" "Trail/Sub"\r\n'], "CREATE Trail/Sub/ creates Trail/Sub: %r" % ((r, r2),))
    r = c.cmd("CREATE /")
    check(b" NO " in r[1], "CREATE / is NO: %r" % (r,))
    for cmd in ("SELECT foo]", "EXAMINE foo]", "STATUS foo] (MESSAGES)", "SELECT NIL", "SELECT Nosuch"):
        r = c.cmd(cmd)
        check(r[1].startswith(b"t%d NO [NONEXISTENT]" % c.n), "%s: NO [NONEXISTENT], not BAD: %r" % (cmd, r))
    r = c.cmd("CREATE a]b")
    r2 = c.cmd("SELECT a]b")
    check(ok(r) and ok(r2), "a]b is a valid atom: CREATE and SELECT it: %r" % ((r, r2),))
    c.cmd("LOGOUT")


def flagsfirst(lines, kw, what):
    """an untagged FLAGS and PERMANENTFLAGS naming kw come before the
    first FETCH that shows it"""
    fl = [i for i, l in enumerate(lines) if l.startswith(b"* FLAGS (") and kw in l]
    pf = [i for i, l in enumerate(lines) if l.startswith(b"* OK [PERMANENTFLAGS (") and kw in l]
    fe = [i for i, l in enumerate(lines) if b" FETCH (" in l and kw in l]
    check(fl and pf and (not fe or fl[0] < fe[0] and pf[0] < fe[0]), "%s: FLAGS and PERMANENTFLAGS name %s first: %r" % (what, kw, lines))


def keywords():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("CREATE Kw")
    c.cmd("APPEND Kw {%d+}\r\n%s" % (len(MSG % (1, 1, 1)), (MSG % (1, 1, 1)).decode()))
    c.cmd("SELECT Kw")
    b, d, i = Raw(), Raw(), Raw()
    for x in (b, d, i):
        x.cmd("LOGIN bob bob-password")
        x.cmd("SELECT Kw")
    i.send(b"i1 IDLE\r\n")
    check(i.line().startswith(b"+ "), "IDLE continuation")
    r = c.cmd("STORE 1 +FLAGS.SILENT (kwone)")
    flagsfirst(r[0], b"kwone", "STORE .SILENT of a new keyword")
    r = c.cmd("STORE 1 +FLAGS (kwtwo)")
    flagsfirst(r[0], b"kwtwo", "STORE of a new keyword")
    check(any(b" FETCH (" in l and b"kwtwo" in l for l in r[0]), "and its FETCH: %r" % (r,))
    r = c.cmd("STORE 1 +FLAGS (kwtwo \\Seen)")
    check(not any(l.startswith(b"* FLAGS") for l in r[0]), "a keyword told already: no FLAGS again: %r" % (r,))
    r = b.cmd("NOOP")
    flagsfirst(r[0], b"kwtwo", "another session's NOOP")
    check(any(b" FETCH (" in l and b"kwtwo" in l for l in r[0]), "NOOP reports the change: %r" % (r,))
    r = d.cmd("FETCH 1 FLAGS")
    flagsfirst(r[0], b"kwtwo", "another session's FETCH FLAGS")
    lines = []
    while not any(b" FETCH (" in l and b"kwtwo" in l for l in lines):
        lines.append(i.line())
    flagsfirst(lines, b"kwone", "a session in IDLE")
    flagsfirst(lines, b"kwtwo", "a session in IDLE")
    i.send(b"DONE\r\n")
    i.until(b"i1")
    for x in (c, b, d, i):
        x.cmd("LOGOUT")


QPMSG = (b"From: a@example.org\r\nSubject: qp\r\nMIME-Version: 1.0\r\n"
         b"Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
         b"hello  \t\r\nworld=20 \r\nsoft =\r\nbreak\r\n")


def binary():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("CREATE Qp")
    c.cmd(b"APPEND Qp {%d+}\r\n" % len(QPMSG) + QPMSG)
    c.cmd("SELECT Qp")
    want = b"hello\r\nworld \r\nsoft break\r\n"
    r = c.cmd("FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])")
    check(b"BINARY.SIZE[1] %d " % len(want) in r[0][0], "BINARY.SIZE of a QP part without its trailing blanks: %r" % (r,))
    check(b"BINARY[1] {%d}\r\n%s)" % (len(want), want) in r[0][0], "BINARY of it: %r" % (r,))
    r = c.cmd("FETCH 1 BINARY.PEEK[1]<3.6>")
    check(b"BINARY[1]<3> {6}\r\n%s)" % want[3:9] in r[0][0], "a partial BINARY is a slice of the decoded bytes: %r" % (r,))
    c.cmd("LOGOUT")


def condstore():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("CREATE Cs")
    for k in range(3):
        c.cmd(b"APPEND Cs {%d+}\r\n" % len(MSG % (k, k, k)) + MSG % (k, k, k))
    c.cmd("SELECT Cs")
    r = c.cmd("STORE 2 +FLAGS (\\Draft)")
    check(not any(b"MODSEQ" in l for l in r[0]), "no MODSEQ before CONDSTORE is enabled: %r" % (r,))
    r = c.cmd("FETCH 2 (FLAGS MODSEQ)")
    ms = int(r[0][-1].split(b"MODSEQ (")[1].split(b")")[0])
    check(r[0][0].startswith(b"* OK [HIGHESTMODSEQ %d]" % ms) and len(r[0]) == 2, "the first FETCH MODSEQ reports HIGHESTMODSEQ first: %r" % (r,))
    r = c.cmd("FETCH 2 (FLAGS MODSEQ)")
    check(len(r[0]) == 1, "once: %r" % (r,))
    c.expect("SEARCH MODSEQ %d" % ms, [b"* SEARCH 2 (MODSEQ %d)\r\n" % ms], "SEARCH MODSEQ, with the highest MODSEQ found")
    c.expect('SEARCH MODSEQ "/flags/\\\\draft" all %d' % ms, [b"* SEARCH 2 (MODSEQ %d)\r\n" % ms], "SEARCH MODSEQ with an entry name and type")
    for t in ("priv", "shared"):
        r = c.cmd('UID SEARCH MODSEQ "/flags/$junk" %s 1 NOT DELETED' % t)
        check(r[0] == [b"* SEARCH 1 2 3 (MODSEQ %d)\r\n" % ms], "entry type %s: %r" % (t, r))
    r = c.cmd("SEARCH RETURN (COUNT) MODSEQ %d" % ms)
    check(r[0] == [b'* ESEARCH (TAG "t%d") COUNT 1 MODSEQ %d\r\n' % (c.n, ms)], "ESEARCH with MODSEQ: %r" % (r,))
    c.expect("SEARCH MODSEQ %d" % (ms + 1), [b"* SEARCH\r\n"], "none found: no MODSEQ")
    for bad in ('MODSEQ "/flags/\\\\draft" bogus 1', 'MODSEQ "/flags/\\\\draft" all', "MODSEQ x", 'MODSEQ "/other" all 1'):
        r = c.cmd("SEARCH " + bad)
        check(b" BAD " in r[1], "SEARCH %s is BAD: %r" % (bad, r))
    r = c.cmd("FETCH 3 BODY[TEXT]")
    check(len(r[0]) == 1 and b"\\Seen" in r[0][0] and b"MODSEQ (%d)" % (ms + 1) in r[0][0], "CONDSTORE on: the \\Seen a FETCH sets comes with its MODSEQ: %r" % (r,))
    c.expect("STORE 3 -FLAGS.SILENT (\\Seen)", [b"* 3 FETCH (MODSEQ (%d))\r\n" % (ms + 2)], "and a STORE .SILENT reports MODSEQ")
    ms += 2
    d = Raw()
    d.cmd("LOGIN bob bob-password")
    d.cmd("SELECT Cs")
    r = d.cmd("FETCH 1:* (FLAGS) (CHANGEDSINCE %d)" % (ms - 1))
    check(r[0][0].startswith(b"* OK [HIGHESTMODSEQ %d]" % ms) and b"MODSEQ (%d)" % ms in r[0][1], "CHANGEDSINCE: HIGHESTMODSEQ, then the changed message: %r" % (r,))
    e = Raw()
    e.cmd("LOGIN bob bob-password")
    e.cmd("SELECT Cs")
    r = e.cmd("SEARCH MODSEQ 1")
    check(r[0][0].startswith(b"* OK [HIGHESTMODSEQ %d]" % ms) and r[0][1].startswith(b"* SEARCH 1 2 3"), "SEARCH MODSEQ enables CONDSTORE: %r" % (r,))
    for x in (c, d, e):
        x.cmd("LOGOUT")


def expunged():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("CREATE Mix")
    c.cmd("CREATE Dst")
    for k in range(4):
        c.cmd(b"APPEND Mix {%d+}\r\n" % len(MSG % (k, k, k)) + MSG % (k, k, k))
    c.cmd("SELECT Mix")
    b = Raw()
    b.cmd("LOGIN bob bob-password")
    b.cmd("SELECT Mix")
    b.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
    b.cmd("EXPUNGE")
    r = c.cmd("UID COPY 1:3 Dst")
    check(b"* 2 EXPUNGE\r\n" in r[0] and r[1].startswith(b"t%d NO [EXPUNGEISSUED]" % c.n), "COPY of a set with a message another session expunged: EXPUNGE, NO [EXPUNGEISSUED] (Dovecot): %r" % (r,))
    c.expect("STATUS Dst (MESSAGES)", [b'* STATUS "Dst" (MESSAGES 0)\r\n'], "and nothing copied")
    r = c.cmd("UID COPY 2 Dst")
    check(r[0] == [] and r[1] == b"t%d OK COPY completed\r\n" % c.n, "UID COPY of a UID the client knows is gone: OK, nothing: %r" % (r,))
    r = c.cmd("COPY 1:2 Dst")
    check(r[1].startswith(b"t%d OK [COPYUID " % c.n) and (b" 1,3 1:2]" in r[1] or b" 1,3 1,2]" in r[1]), "then COPY 1:2 copies UIDs 1 and 3: %r" % (r,))
    b.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)")
    b.cmd("EXPUNGE")
    r = c.cmd("MOVE 1 Dst")
    check(b"* 1 EXPUNGE\r\n" in r[0] and r[1].startswith(b"t%d NO [EXPUNGEISSUED]" % c.n), "MOVE likewise: %r" % (r,))
    b.cmd("STORE 1 +FLAGS.SILENT (\\Seen)")
    r = c.cmd("COPY 2 Dst")
    check(r[0][0].startswith(b"* 1 FETCH (UID 3 FLAGS (") and b"\\Seen" in r[0][0] and b"[COPYUID " in r[1], "a COPY reports others' changes before its tagged OK: %r" % (r,))
    c.expect("STATUS Dst (MESSAGES)", [b'* STATUS "Dst" (MESSAGES 3)\r\n'], "three copies in all")
    for x in (b, c):
        x.cmd("LOGOUT")


def recent():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("CREATE Rc")
    for k in range(2):
        c.cmd(b"APPEND Rc {%d+}\r\n" % len(MSG % (k, k, k)) + MSG % (k, k, k))
    c.expect("STATUS Rc (MESSAGES RECENT)", [b'* STATUS "Rc" (MESSAGES 2 RECENT 2)\r\n'], "STATUS RECENT before any SELECT")
    e = Raw()
    e.cmd("LOGIN bob bob-password")
    r = e.cmd("EXAMINE Rc")
    check(b"* 2 RECENT\r\n" in r[0], "EXAMINE sees them recent: %r" % (r,))
    e.expect("SEARCH RECENT", [b"* SEARCH 1 2\r\n"], "SEARCH RECENT in EXAMINE")
    c.expect("STATUS Rc (RECENT)", [b'* STATUS "Rc" (RECENT 2)\r\n'], "EXAMINE does not take them over")
    r = c.cmd("SELECT Rc")
    check(b"* 2 RECENT\r\n" in r[0], "the first SELECT takes them: %r" % (r,))
    c.expect("FETCH 1 FLAGS", [b"* 1 FETCH (FLAGS (\\Recent $NotJunk))\r\n"], "\\Recent in FETCH FLAGS")
    b = Raw()
    b.cmd("LOGIN bob bob-password")
    r = b.cmd("SELECT Rc")
    check(b"* 0 RECENT\r\n" in r[0], "a second SELECT: none recent: %r" % (r,))
    b.expect("FETCH 1 FLAGS", [b"* 1 FETCH (FLAGS ($NotJunk))\r\n"], "and no \\Recent flag")
    b.expect("STATUS Rc (RECENT)", [b'* STATUS "Rc" (RECENT 0)\r\n'], "STATUS RECENT 0 once taken")
    deliver("bob", "Rc", MSG % (7, 7, 7))
    b.expect("NOOP", [b"* 3 EXISTS\r\n", b"* 1 RECENT\r\n"], "a delivery: the first session to sync takes it")
    c.expect("NOOP", [b"* 3 EXISTS\r\n"], "the other one only sees EXISTS")
    e.expect("NOOP", [b"* 3 EXISTS\r\n"], "nor does the EXAMINE session")
    r = b.cmd("SEARCH NEW")
    r2 = b.cmd("SEARCH OLD")
    check(r[0] == [b"* SEARCH 3\r\n"] and r2[0] == [b"* SEARCH 1 2\r\n"], "SEARCH NEW and OLD: %r" % ((r, r2),))
    r = c.cmd("SEARCH RECENT")
    r2 = c.cmd("SEARCH NEW")
    check(r[0] == [b"* SEARCH 1 2\r\n"] and r2[0] == [b"* SEARCH 1 2\r\n"], "in the first session: %r" % ((r, r2),))
    c.cmd("STORE 1 +FLAGS.SILENT (\\Seen)")
    c.expect("SEARCH NEW", [b"* SEARCH 2\r\n"], "NEW is RECENT UNSEEN")
    r = c.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
    c.expect("EXPUNGE", [b"* 2 EXPUNGE\r\n", b"* 1 RECENT\r\n"], "an expunge of a recent message: RECENT again")
    r = c.cmd("SELECT Rc")
    check(b"* 0 RECENT\r\n" in r[0], "selected again: none recent (taken already): %r" % (r,))
    for x in (b, c, e):
        x.cmd("LOGOUT")


def listext():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("CREATE Par/Kid")
    c.cmd("SUBSCRIBE Par/Kid")
    c.cmd("UNSUBSCRIBE Par")
    r = c.cmd('LIST (RECURSIVEMATCH) "" *')
    check(r[0] == [] and r[1].startswith(b"t%d BAD" % c.n), "RECURSIVEMATCH alone is BAD (RFC 5258 3): %r" % (r,))
    c.expect('LIST (SUBSCRIBED RECURSIVEMATCH) "" P%', [b'* LIST (\\HasChildren) "/" "Par" ("CHILDINFO" ("SUBSCRIBED"))\r\n'], "CHILDINFO for a parent of a subscribed child")
    c.expect('LIST (SUBSCRIBED RECURSIVEMATCH) "" P*', [b'* LIST (\\HasNoChildren \\Subscribed) "/" "Par/Kid"\r\n'], "no CHILDINFO when the child matches itself")
    c.expect('LIST (SUBSCRIBED) "" P%', [], "without RECURSIVEMATCH the parent is not listed")
    c.expect('LIST "" P% RETURN (CHILDREN SUBSCRIBED)', [b'* LIST (\\HasChildren) "/" "Par"\r\n'], "RETURN (CHILDREN SUBSCRIBED)")
    c.expect('LSUB "" P%', [b'* LSUB (\\Noselect) "/" "Par"\r\n'], "LSUB % gives the \\Noselect parent (RFC 3501 6.3.9)")
    c.expect('LSUB "" P*', [b'* LSUB () "/" "Par/Kid"\r\n'], "LSUB * gives the child only")
    c.cmd("UNSUBSCRIBE Par/Kid")
    r = c.cmd('LSUB "" P%')
    r2 = c.cmd('LIST (SUBSCRIBED RECURSIVEMATCH) "" P%')
    check(r[0] == [] and r2[0] == [], "unsubscribed, the parent leaves LSUB and CHILDINFO: %r" % ((r, r2),))
    c.cmd("LOGOUT")


def recentcost():
    """\\Recent at a cost that stays flat as the mailbox grows (issue 18):
    the SELECT that takes N new messages as recent writes the index
    header's boundary (tern-store(5), 64 bytes) and not one byte of a
    message's record, for 10 messages as for 1,000"""
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    for name, n in (("Rs", 10), ("Rb", 1000)):
        c.cmd("CREATE " + name)
        ok_ = True
        for k in range(0, n, 8):   # MULTIAPPEND, 8 a command
            c.n += 1
            tag = b"t%d" % c.n
            c.send(tag + b" APPEND " + name.encode() + b"".join(b" {%d+}\r\n" % len(MSG % (i, i, i)) + MSG % (i, i, i)
                                                                 for i in range(k, min(n, k + 8))) + b"\r\n")
            ok_ = ok_ and c.until(tag)[1].startswith(tag + b" OK")
        ids = [l.split(" ", 4)[0] for l in open("data/accounts/bob/mailboxes").read().split("\n")[1:]
               if len(l.split(" ", 4)) == 5 and l.split(" ", 4)[4] == name]
        index = "data/accounts/bob/mail/%s/index" % (ids[0] if ids else "?")
        before = open(index, "rb").read() if ids else b""
        r = c.cmd("SELECT " + name)
        after = open(index, "rb").read() if ids else b"?"
        check(ok_ and b"* %d RECENT\r\n" % n in r[0] and len(after) == len(before) and after[64:] == before[64:] and after[:64] != before[:64],
              "the SELECT that takes %d messages as \\Recent changes the index header only (%d bytes before, %d after, %d record bytes differ): %r"
              % (n, len(before), len(after), sum(a != b for a, b in zip(before[64:], after[64:])), r))
        c.cmd("UNSELECT")
    c.cmd("LOGOUT")


def legacyinbox():
    """mailboxes an older tern-imap made under INBOX spelt otherwise than
    the store's Inbox (INBOX/old, inbox/low) stay reachable by the name
    LIST shows for them; a new name under INBOX is the store's Inbox/"""
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    for name in ("Inbox/old", "Inbox/low"):
        c.cmd("CREATE " + name)
    c.cmd("LOGOUT")
    f = "data/accounts/bob/mailboxes"
    t = open(f).read()
    open(f, "w").write(t.replace(" Inbox/old\n", " INBOX/old\n").replace(" Inbox/low\n", " inbox/low\n"))
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    r = c.cmd('LIST "" "*"')
    check(b'"/" "INBOX/old"\r\n' in b"".join(r[0]) and b'"/" "inbox/low"\r\n' in b"".join(r[0]), "an old INBOX/old and inbox/low are listed so: %r" % (r,))
    for name in ("INBOX/old", "inbox/low"):
        r, r2 = c.cmd("SELECT " + name), c.cmd("STATUS %s (MESSAGES)" % name)
        check(ok(r) and ok(r2), "SELECT and STATUS of the old %s: %r" % (name, (r, r2)))
        r = c.cmd("CREATE " + name)
        check(b" NO " in r[1], "CREATE of the old %s is NO (it exists): %r" % (name, r))
    r = c.cmd("CREATE INBOX/new")
    check(ok(r) and " Inbox/new\n" in open(f).read(), "a new INBOX/new is the store's Inbox/new: %r" % (r,))
    c.cmd("LOGOUT")


def deepparents():
    """bounded: the \\Noselect levels of 2000 mailboxes 120 levels deep
    whose superiors are none (240,000 names to list or not), against a
    1,000-character pattern, cost one match a mailbox, as LIST's own"""
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("LOGOUT")
    f = "data/accounts/bob/mailboxes"
    lines = open(f).read().split("\n")
    head = lines[0].split()
    nid = int(head[2])
    deep = ["%d %d 0 - p%d/%sz" % (nid + k, nid + k, k, "a/" * 120) for k in range(2000)]
    open(f, "w").write("\n".join(["%s %s %d %d" % (head[0], head[1], nid + 2000, nid + 2000)] + [l for l in lines[1:] if l] + deep) + "\n")
    c = Raw(env={"TERN_IMAP_TESTCOUNT": "1"}, stderr=subprocess.PIPE)
    c.cmd("LOGIN bob bob-password")
    t0 = time.time()
    r = c.cmd('LIST "" "%szz"' % ("*%" * 500))
    t = time.time() - t0
    check(ok(r) and r[0] == [] and t < 60, "LIST of a 1,000-character pattern over them: OK, nothing (%.1f s, deadline 60 s)" % t)
    c.expect('LIST "" "p7/%"', [b'* LIST (\\Noselect \\HasChildren) "/" "p7/a"\r\n'], "p7/%: the one \\Noselect level")
    c.cmd("LOGOUT")
    err = c.proc.stderr.read()
    c.proc.wait()
    m = re.findall(rb"debug: list matches: (\d+)", err)
    k = int(m[0]) if m else -1
    nb = len([l for l in open(f).read().split("\n")[1:] if l])
    check(0 < k <= 2 * nb, "the long pattern: at most two matches a mailbox (%d), not one a level: %d" % (nb, k))


setup()
names()
listext()
recent()
expunged()
condstore()
binary()
keywords()
recentcost()
legacyinbox()
deepparents()
common.terntest.report()

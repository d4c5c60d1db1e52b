# rfcext.py: issue 18's RFC audit, the server-side MUSTs of RFC 7162
# (CONDSTORE, QRESYNC), RFC 3516 (BINARY) and RFC 5258 (LIST-EXTENDED) that
# no other imap/t test covers.  One check a requirement, named by RFC and
# section (rfclib.py: also against Dovecot by hand).  Prints "N passed, N failed".
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfclib import check, st, ok, M, fill, run


def condstore(new, sep):
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


def qresync(new, sep):
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
    o.cmd("STORE 3 +FLAGS (\\Flagged)")
    r = c.cmd("NOOP")
    check(any(re.match(rb"\* 3 FETCH \(.*UID 4.*MODSEQ|\* 3 FETCH \(.*MODSEQ.*UID 4", l) for l in r[0]),
          "7162 3.2 (5162 erratum 1807) after ENABLE QRESYNC an unsolicited FETCH carries UID and MODSEQ: %r" % (r,))
    r = c.cmd("FETCH 1 (BODY[])")
    check(any(b"MODSEQ" in l for l in r[0]) and any(b"\\Seen" in l for l in r[0]), "7162 3.1 a FETCH that sets \\Seen reports FLAGS and the new MODSEQ: %r" % (r,))
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


def binary(new, sep):
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
    r = c.cmd('LIST "" "Lx" RETURN ()')
    check(ok(r) and len(r[0]) == 1, "5258 3 an empty RETURN () is accepted: %r" % (r,))
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


run(condstore, qresync, binary, listext)

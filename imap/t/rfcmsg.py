# rfcmsg.py: issue 18's RFC audit, RFC 3501's server-side MUSTs on
# messages that no other imap/t test covers: sequence sets, when EXPUNGE
# may come, body sections and partial fetches, BODYSTRUCTURE, SEARCH
# charsets, UIDs, capabilities.  One check a requirement, named by RFC and
# section (rfclib.py: also against Dovecot by hand).  Prints "N passed, N failed".
import os, re, select, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfclib import check, st, ok, idate, M, names, fill, run

ALT = (b"From: a@example.org\r\nSubject: alt\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\n"
       b"Content-Type: text/plain; charset=us-ascii\r\n\r\nplain part\r\n--b1\r\n"
       b"Content-Type: text/html; charset=us-ascii\r\n\r\n<p>html part</p>\r\n--b1--\r\n")
INNER = b"From: inner@example.org\r\nSubject: inner\r\nMessage-ID: <in@x>\r\n\r\ninner body\r\nline 2\r\n"
FWD = (b"From: a@example.org\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
       b"Content-Type: multipart/mixed; boundary=\"b2\"\r\n\r\n--b2\r\n"
       b"Content-Type: text/plain\r\n\r\nsee attached\r\n--b2\r\n"
       b"Content-Type: message/rfc822\r\n\r\n" + INNER + b"\r\n--b2--\r\n")

REGISTERED = {"IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CONDSTORE",
              "BINARY", "MULTIAPPEND", "SPECIAL-USE", "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "ESEARCH", "UTF8=ACCEPT",
              "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "QRESYNC", "COMPRESS=DEFLATE",
              "STARTTLS", "LOGINDISABLED", "AUTH=PLAIN", "AUTH=LOGIN", "AUTH=CRAM-MD5", "AUTH=SCRAM-SHA-1", "AUTH=SCRAM-SHA-256",
              "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "IMAP4rev2", "LITERAL-", "CHILDREN", "WITHIN", "SEARCHRES",
              "SPECIAL-USE", "STATUS=SIZE", "SAVEDATE", "OBJECTID", "PREVIEW", "APPENDLIMIT", "NOTIFY", "METADATA", "I18NLEVEL=1"}


def seqsets(new, sep):
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
    c.cmd("STORE 1 +FLAGS.SILENT (\\Flagged kwc)")
    c.cmd("CREATE Seq2")
    c.cmd("COPY 1 Seq2")
    r, r2 = c.cmd("FETCH 1 (FLAGS INTERNALDATE)"), c.cmd("STATUS Seq2 (MESSAGES)")
    c.cmd("EXAMINE Seq2")
    r3 = c.cmd("FETCH 1 (FLAGS INTERNALDATE)")
    c.cmd("SELECT Seq")
    f1 = set(re.search(rb"FLAGS \(([^)]*)\)", r[0][0]).group(1).split()) - {b"\\Recent"}
    f2 = set(re.search(rb"FLAGS \(([^)]*)\)", r3[0][-1]).group(1).split()) - {b"\\Recent"} if r3[0] else set()
    check(f1 == f2 and idate(r[0][0]) == idate(r3[0][-1]), "3501 6.4.7 COPY keeps flags and INTERNALDATE (SHOULD): %r" % ((r, r3),))
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


def noexpunge(new, sep):
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


def fetch(new, sep):
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


def search(new, sep):
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



def items(new, sep):
    """2.3.2, 6.4.4, 6.4.5: RFC822.* items and \\Seen, missing header fields, \\Recent, bad keys"""
    c = new()
    fill(c, "It", [M(1), M(2), M(3)])
    c.cmd("SELECT It")
    r = c.cmd("FETCH 1 (RFC822.HEADER)")
    r2 = c.cmd("FETCH 1 (FLAGS)")
    hdr = M(1)[:M(1).index(b"\r\n\r\n") + 4]
    check(b"RFC822.HEADER {%d}\r\n" % len(hdr) + hdr in r[0][0] and b"\\Seen" not in b"".join(r2[0]),
          "3501 6.4.5 RFC822.HEADER is BODY.PEEK[HEADER]: no \\Seen: %r" % ((r, r2),))
    r = c.cmd("FETCH 2 (RFC822.TEXT)")
    r2 = c.cmd("FETCH 2 (FLAGS)")
    check(b"RFC822.TEXT {13}\r\nbody text 2\r\n" in r[0][0] and b"\\Seen" in b"".join(r2[0]), "3501 6.4.5 RFC822.TEXT is BODY[TEXT]: sets \\Seen: %r" % ((r, r2),))
    r = c.cmd("FETCH 3 (RFC822)")
    r2 = c.cmd("FETCH 3 (FLAGS)")
    check(b"RFC822 {%d}\r\n" % len(M(3)) + M(3) in r[0][0] and b"\\Seen" in b"".join(r2[0]), "3501 6.4.5 RFC822 is BODY[]: sets \\Seen: %r" % ((r, r2),))
    r = c.cmd("FETCH 1 (BODY.PEEK[HEADER.FIELDS (X-Missing)])")
    check(re.search(rb'BODY\[HEADER.FIELDS \("?X-Missing"?\)\] ("\r\n"|\{2\}\r\n\r\n)\)', r[0][0], re.I), "3501 6.4.5 HEADER.FIELDS of a field the message lacks: the blank line alone: %r" % (r,))
    d = new()   # the messages are not \\Recent in d's session
    d.cmd("SELECT It")
    r = d.cmd("STORE 1 +FLAGS (\\Recent)")
    r2 = d.cmd("FETCH 1 (FLAGS)")
    d.cmd("LOGOUT")
    check(st(r) == "BAD" or b"\\Recent" not in b"".join(r2[0]), "3501 2.3.2 a client cannot set \\Recent: %r" % ((r, r2),))
    for cmd in ("SEARCH NOSUCHKEY", "SEARCH SUBJECT", "FETCH 1 (NOSUCHITEM)", "FETCH 1 (BODY[NOSUCH])"):
        r = c.cmd(cmd)
        check(st(r) == "BAD", "3501 6.4.4/6.4.5/9 %s is BAD: %r" % (cmd, r))
    c.cmd("LOGOUT")


run(seqsets, noexpunge, fetch, search, more, items)

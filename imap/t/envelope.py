# envelope.py: FETCH ENVELOPE of messages with hard address fields
# (comments as names, comments inside addresses, groups, routes, quoted
# local parts, RFC 2047 and UTF-8 names, empty elements), the same bytes
# appended to tern-imap and to a private Dovecot: the envelopes must be
# equal.  Then SEARCH FROM/TO/CC by address through comments.
# Prints "N passed, N failed".
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common, terntest
from common import check, setup
from dovepeer import Dovecot, logins

FIELDS = [
    b"From: user@domain (Real Name)",
    b"From: <user-from (comment)@ (comment) domain.org>",
    b"To: group:;, group2: (foo) ;",
    b"To: A Group:Chris Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
    b"From: \"Joe Q. Public\" <john.q.public@example.com>",
    b"From: Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
    b"To: <@a.example,@b.example:user@d.example>",
    b"To: Name <@a.example:user@d.example>",
    b"From: =?UTF-8?Q?J=C3=B6rg?= <j@example.de>",
    b"From: J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbccher.example>",
    b"Cc: a@b.example, c@d.example,,, e@f.example",
    b"Cc: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
    b"To: undisclosed-recipients:;",
    b"From: a@[192.0.2.1]",
    b"From: Folded\r\n Name\r\n <folded@example.com>",
    b"From: Joe Q. Public <john.q.public@example.com>",
    b"From: a@b.example (one) (two)",
    b"Cc: g: a@b.example, c@d.example; e@f.example",
    b"From: \"\" <empty@name.example>",
    b"From: \"Last, First\" <lf@example.com>",
]

# RFC 5322 4.4: empty list elements are ignored (Dovecot makes them
# MISSING_MAILBOX); an address after a group's ";" with no "," (Dovecot
# drops it)
OURS = {
    b"Cc: a@b.example, c@d.example,,, e@f.example":
    b'(NIL NIL "a" "b.example")(NIL NIL "c" "d.example")(NIL NIL "e" "f.example")',
    b"Cc: g: a@b.example, c@d.example; e@f.example":
    b'(NIL NIL "g" NIL)(NIL NIL "a" "b.example")(NIL NIL "c" "d.example")(NIL NIL NIL NIL)(NIL NIL "e" "f.example")',
}

SEARCHES = [("FROM user-from@domain.org", [b"2"]), ("FROM \"Real Name\"", [b"1"]),
            ("FROM pete@silly.test", [b"6"]), ("TO user@d.example", [b"7", b"8"]),
            ("CC \"Mary Smith\"", [b"12"]), ("FROM \"J\xc3\xb6rg\"", [b"9", b"10"]),
            ("FROM \"A nice\"", []), ("FROM \"his account\"", []), ("TO group2", [b"3"]),
            ("CC e@f.example", [b"11", b"18"]), ("FROM lf@example.com", [b"20"])]

NOTDOVECOT = ["CC e@f.example"]   # Dovecot drops e@f.example from message 18


def msg(field):
    return (field + b"\r\nSubject: s\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n")


def envelopes(c):
    out, tagged = c.cmd("FETCH 1:* ENVELOPE")
    check(b" OK" in tagged, "FETCH ENVELOPE: %r" % tagged)
    r = {}
    for l in out:
        m = re.match(rb"\* (\d+) FETCH \(ENVELOPE (.*)\)\r\n$", l, re.S)
        if m:
            r[int(m.group(1))] = m.group(2)
    return r


setup()
dv = Dovecot()
try:
    t, d = logins(dv)
    for f in FIELDS:
        check(b" OK" in t.append("INBOX", msg(f)), "tern APPEND")
        check(b" OK" in d.append("INBOX", msg(f)), "dovecot APPEND")
    t.cmd("SELECT INBOX")
    d.cmd("SELECT INBOX")
    et, ed = envelopes(t), envelopes(d)
    for i, f in enumerate(FIELDS):
        a, b = et.get(i + 1), ed.get(i + 1)
        if f in OURS:
            # where Dovecot departs from RFC 5322: tern's answer is given
            b = b'("Mon, 1 Jan 2024 00:00:00 +0000" "s" NIL NIL NIL NIL (' + OURS[f] + b') NIL NIL "<x@y>")'
        check(a == b, "ENVELOPE of %r:\n  tern    %r\n  want    %r" % (f, a, b))
    for crit, want in SEARCHES:
        got = []
        for c in (t, d):
            out, tagged = c.cmd(b"SEARCH CHARSET UTF-8 " + crit.encode("latin-1") if "\xc3" in crit else "SEARCH " + crit)
            hits = [l for l in out if l.startswith(b"* SEARCH")]
            got.append(hits[0].split()[2:] if hits else None)
        check(got[0] == want, "SEARCH %s: %r, want %r" % (crit, got[0], want))
        check(got[0] == got[1] or crit in NOTDOVECOT, "SEARCH %s: tern %r, dovecot %r" % (crit, got[0], got[1]))
    t.cmd("LOGOUT")
    d.cmd("LOGOUT")
finally:
    dv.stop()
sys.exit(1 if terntest.report() else 0)

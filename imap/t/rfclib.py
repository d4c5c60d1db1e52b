# rfclib.py: what rfc.py, rfcmsg.py and rfcext.py (issue 18's RFC audit)
# share: check() that names each requirement by RFC and section, messages,
# LIST name parsing, and run(), which runs the checks against tern-imap, or
# with RFC_PEER=dovecot (by hand) against a private Dovecot, printing each
# result instead of counting it, to tell tern's deviations from Dovecot's.
import datetime, os, re, sys
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


def run(*fns):
    """each fn(new, sep) against tern-imap, or Dovecot with RFC_PEER=dovecot"""
    if PEER:
        from dovepeer import Dovecot
        dv = Dovecot()
        new, sep = session(dv.port), b"."
    else:
        setup()
        new, sep = session(), b"/"
    try:
        for fn in fns:
            fn(new, sep)
    finally:
        if PEER:
            dv.stop()
            for what, good in results:
                print("%-4s %s" % ("ok" if good else "FAIL", what[:600]))
    if not PEER:
        common.terntest.report()

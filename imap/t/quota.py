# quota.py: QUOTA (RFC 9208) and STATUS=SIZE (RFC 8438) (issue 18): one
# quota root "" with no limit (an empty resource list, RFC 9208 5.1);
# the sizes STATUS reports equal the message files' in the store after
# delivery, APPEND, COPY and EXPUNGE, come from the index header's usage
# total (not from the records), and a total an older program zeroed, or a
# wrong one, is counted again or reported by tern-verify.
# Prints "N passed, N failed".
import os, re, struct, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, sh, Raw, MSG, ok

ACCT = "data/accounts/bob"


def boxid(name):
    for l in open(ACCT + "/mailboxes").read().split("\n")[1:]:
        f = l.split(" ", 4)
        if len(f) == 5 and f[4] == name:
            return f[0]


def files(name):
    d = "%s/mail/%s/cur" % (ACCT, boxid(name))
    return sum(os.path.getsize(d + "/" + f) for f in os.listdir(d)), len(os.listdir(d))


def usage(name):
    with open("%s/mail/%s/index" % (ACCT, boxid(name)), "rb") as f:
        return struct.unpack("<Q", f.read(64)[56:64])[0]


def setusage(name, v):
    with open("%s/mail/%s/index" % (ACCT, boxid(name)), "r+b") as f:
        f.seek(56)
        f.write(struct.pack("<Q", v))


def status(c, name):
    r = c.cmd("STATUS %s (MESSAGES SIZE)" % name)
    m = re.search(rb"\(MESSAGES (\d+) SIZE (\d+)\)", b"".join(r[0]))
    return (int(m.group(2)), int(m.group(1))) if m else r


def quota():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    r = c.cmd("CAPABILITY")
    caps = r[0][0].split() if r[0] else []
    check(all(x in caps for x in (b"QUOTA", b"QUOTA=RES-STORAGE", b"QUOTA=RES-MESSAGE", b"STATUS=SIZE")), "CAPABILITY: %r" % (r,))
    r = c.cmd("GETQUOTAROOT INBOX")
    check(ok(r) and r[0] == [b'* QUOTAROOT "INBOX" ""\r\n', b'* QUOTA "" ()\r\n'], "GETQUOTAROOT: root \"\", no limited resource: %r" % (r,))
    r = c.cmd('GETQUOTA ""')
    check(ok(r) and r[0] == [b'* QUOTA "" ()\r\n'], "GETQUOTA \"\": %r" % (r,))
    r = c.cmd('GETQUOTA "other"')
    check(r[1].startswith(b"t%d NO" % c.n) and r[0] == [], "GETQUOTA of another root: NO: %r" % (r,))
    r = c.cmd("GETQUOTAROOT Nosuch")
    check(r[1].startswith(b"t%d NO [NONEXISTENT]" % c.n), "GETQUOTAROOT of no mailbox: NO [NONEXISTENT]: %r" % (r,))
    r = c.cmd('SETQUOTA "" (STORAGE 100)')
    check(r[1].startswith(b"t%d NO" % c.n), "SETQUOTA: NO: %r" % (r,))
    r = c.cmd("GETQUOTA")
    check(r[1].startswith(b"t%d BAD" % c.n), "GETQUOTA without a root: BAD: %r" % (r,))
    c.cmd("LOGOUT")


def sizes():
    for i in range(5):
        deliver("bob", "Inbox", MSG % (i, i, i) + b"x" * (100 * i))
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    for i in range(3):
        c.append("Archive", MSG % (10 + i, 10 + i, 10 + i) + b"y" * (1000 * i))
    check(status(c, "Inbox") == files("Inbox") and files("Inbox")[1] == 5, "delivered: STATUS (SIZE, MESSAGES) %r, the files %r" % (status(c, "Inbox"), files("Inbox")))
    check(status(c, "Archive") == files("Archive") and files("Archive")[1] == 3, "appended: %r, the files %r" % (status(c, "Archive"), files("Archive")))
    check(usage("Inbox") == files("Inbox")[0] + 1, "the index header holds 1 + the bytes: %d, %r" % (usage("Inbox"), files("Inbox")))
    c.cmd("SELECT Inbox")
    c.cmd("COPY 1:2 Archive")
    c.cmd("STORE 2,4 +FLAGS.SILENT (\\Deleted)")
    r = c.cmd("EXPUNGE")
    check(ok(r), "EXPUNGE: %r" % (r,))
    check(status(c, "Inbox") == files("Inbox") and files("Inbox")[1] == 3, "after EXPUNGE: %r, the files %r" % (status(c, "Inbox"), files("Inbox")))
    check(status(c, "Archive") == files("Archive") and files("Archive")[1] == 5, "after COPY: %r, the files %r" % (status(c, "Archive"), files("Archive")))
    c.cmd("MOVE 1 Archive")
    check(status(c, "Inbox") == files("Inbox") and status(c, "Archive") == files("Archive"), "after MOVE: %r %r" % (status(c, "Inbox"), status(c, "Archive")))
    c.cmd("LOGOUT")


def header():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    real = files("Inbox")
    setusage("Inbox", 12346)
    check(status(c, "Inbox") == (12345, real[1]), "STATUS SIZE is the header's total, no record read: %r" % (status(c, "Inbox"),))
    r = sh("tern-verify -c c data")
    check(r.returncode != 0 and b"usage total differs" in r.stdout, "tern-verify reports a wrong total: %r" % (r,))
    setusage("Inbox", 0)
    check(status(c, "Inbox") == real, "a total of 0 (an older program's header): counted from the records: %r %r" % (status(c, "Inbox"), real))
    deliver("bob", "Inbox", MSG % (20, 20, 20))
    check(usage("Inbox") == files("Inbox")[0] + 1, "the next writer counts it again: %d %r" % (usage("Inbox"), files("Inbox")))
    check(status(c, "Inbox") == files("Inbox"), "and STATUS agrees: %r %r" % (status(c, "Inbox"), files("Inbox")))
    setusage("Inbox", 7)
    r = sh("tern-verify -fix -c c data")
    r2 = sh("tern-verify -c c data")
    check(r2.returncode == 0 and usage("Inbox") == files("Inbox")[0] + 1, "tern-verify -fix repairs it: %r %r %d" % (r, r2, usage("Inbox")))
    c.cmd("LOGOUT")


setup()
for u in ("bob", "eve"):   # both accounts made, so that tern-verify sees a clean store
    e = Raw()
    e.cmd("LOGIN %s %s-password" % (u, u))
    e.cmd("LOGOUT")
quota()
sizes()
header()
common.terntest.report()

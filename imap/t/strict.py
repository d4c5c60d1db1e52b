# strict.py: protocol state a strict client relies on (issue 18): CREATE
# with a trailing separator, NO for a valid name naming no mailbox, ...
# Prints "N passed, N failed".
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, MSG, Raw


def ok(r):
    return r[1].split(b" ")[1:2] == [b"OK"]


def names():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    r = c.cmd("CREATE Trail/")
    check(ok(r), "CREATE Trail/ (trailing separator) is OK: %r" % (r,))
    r = c.cmd('LIST "" Trail*')
    check(r[0] == [b'* LIST (\\HasNoChildren) "/" "Trail"\r\n'], "and creates Trail: %r" % (r,))
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


setup()
names()
common.terntest.report()

# subs-dovecot.py: subscriptions against a private Dovecot on loopback
# (issue 18): after DELETE and RENAME, LSUB, LIST (SUBSCRIBED), LIST
# (SUBSCRIBED RECURSIVEMATCH) with CHILDINFO and \NonExistent must say the
# same.  Steps that would differ by design are left out: Dovecot refuses
# SUBSCRIBE of a name with no mailbox (tern takes it, subs.py), and only
# tern's CREATE subscribes (so each step SUBSCRIBEs or UNSUBSCRIBEs
# explicitly).  Compared once \HasChildren/\HasNoChildren (tern always
# sends them, Dovecot with RETURN (CHILDREN)), quoting and the hierarchy
# separator (Dovecot's is .) are taken out.  Prints "N passed, N failed".
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup
import terntest
from dovepeer import Dovecot, Net


def norm(r, sep):
    out = []
    for l in r[0]:
        m = re.match(rb'\* (LIST|LSUB) \(([^)]*)\) "(.)" (.*)\r\n$', l)
        if not m:
            out.append(l)
            continue
        flags = sorted(f for f in m.group(2).split() if f not in (b"\\HasChildren", b"\\HasNoChildren"))
        rest = m.group(4).replace(b'"', b"")
        name, _, ext = rest.partition(b" ")
        out.append(b"%s (%s) %s %s" % (m.group(1), b" ".join(flags), name.replace(sep, b"/"), ext))
    return sorted(out) + [r[1].split(b" ")[1] if r[1] else b"EOF"]


def steps(c, sep):
    s = sep.decode()
    n = lambda x: x.replace("/", s)
    out = []
    q = lambda cmd: out.append(norm(c.cmd(n(cmd)), sep))
    c.cmd("CREATE SubA")
    c.cmd("SUBSCRIBE SubA")
    q("DELETE SubA")
    q('LSUB "" Sub*')
    q('LIST (SUBSCRIBED) "" Sub*')
    q('LIST "" Sub*')
    q('LIST "" Sub* RETURN (SUBSCRIBED)')
    for x in ("CREATE RenA", "CREATE RenA/Kid", "SUBSCRIBE RenA", "SUBSCRIBE RenA/Kid"):
        c.cmd(n(x))
    q("RENAME RenA RenB")
    q('LSUB "" Ren*')
    q('LIST (SUBSCRIBED) "" Ren*')
    q('LIST "" RenB* RETURN (SUBSCRIBED)')
    for x in ("CREATE Far", "CREATE Far/Kid", "UNSUBSCRIBE Far", "SUBSCRIBE Far/Kid"):
        c.cmd(n(x))
    q('LIST (SUBSCRIBED RECURSIVEMATCH) "" F%')
    q('LSUB "" F%')
    q("DELETE Far/Kid")
    q('LIST (SUBSCRIBED RECURSIVEMATCH) "" F%')
    q('LIST (SUBSCRIBED RECURSIVEMATCH) "" F*')
    q('LSUB "" F%')
    q('LSUB "" F*')
    q("DELETE Far")
    q('LIST (SUBSCRIBED RECURSIVEMATCH) "" F%')
    q('LSUB "" F%')
    q('LSUB "" *K*')
    q("UNSUBSCRIBE Far/Kid")
    q('LSUB "" F%')
    q("UNSUBSCRIBE Nothere")
    q("SELECT SubA")
    c.cmd("LOGOUT")
    return out


setup()
dv = Dovecot()
try:
    t = common.Raw()
    t.cmd("LOGIN bob bob-password")
    d = Net(dv.port)
    d.cmd("LOGIN bob bob-password")
    want, got = steps(d, b"."), steps(t, b"/")
    for i, (w, g) in enumerate(zip(want, got)):
        # Dovecot's NO for SELECT names no response code; the word is compared
        check(w == g, "step %d: dovecot %r, tern %r" % (i, w, g))
    check(len(want) == len(got) == 24, "24 steps each: %d %d" % (len(want), len(got)))
finally:
    if terntest.nfail and os.path.exists(dv.d + "/dovecot.log"):
        print("dovecot.log: " + "".join(open(dv.d + "/dovecot.log").readlines()[-8:]))
    dv.stop()
common.terntest.report()

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


# The steps: "? CMD" is compared (its answer kept), a bare CMD sets up
# (its answer ignored); "/" is written in each server's separator.
STEPS = """CREATE SubA
SUBSCRIBE SubA
? DELETE SubA
? LSUB "" Sub*
? LIST (SUBSCRIBED) "" Sub*
? LIST "" Sub*
? LIST "" Sub* RETURN (SUBSCRIBED)
CREATE RenA
CREATE RenA/Kid
SUBSCRIBE RenA
SUBSCRIBE RenA/Kid
? RENAME RenA RenB
? LSUB "" Ren*
? LIST (SUBSCRIBED) "" Ren*
? LIST "" RenB* RETURN (SUBSCRIBED)
CREATE Far
CREATE Far/Kid
UNSUBSCRIBE Far
SUBSCRIBE Far/Kid
? LIST (SUBSCRIBED RECURSIVEMATCH) "" F%
? LSUB "" F%
? DELETE Far/Kid
? LIST (SUBSCRIBED RECURSIVEMATCH) "" F%
? LIST (SUBSCRIBED RECURSIVEMATCH) "" F*
? LSUB "" F%
? LSUB "" F*
? DELETE Far
? LIST (SUBSCRIBED RECURSIVEMATCH) "" F%
? LSUB "" F%
? LSUB "" *K*
? UNSUBSCRIBE Far/Kid
? LSUB "" F%
? UNSUBSCRIBE Nothere
? SELECT SubA
LOGOUT""".split("\n")


def steps(c, sep):
    """the normalised answers of c to the compared steps"""
    out = []
    for l in STEPS:
        asked = l.startswith("? ")
        r = c.cmd((l[2:] if asked else l).replace("/", sep.decode()))
        if asked:
            out.append(norm(r, sep))
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
    terntest.failtail(dv.d + "/dovecot.log")
    dv.stop()
common.terntest.report()

# junk-mutt.py: mutt (a terminal under script(1)) opens bob's Inbox over
# IMAP through tern-listen and saves the first message to =Junk (typed-ahead
# keys), deleting it from Inbox on quit: on the server the copy in Junk has
# $Junk and is trained as spam once, and the Inbox has only the other.
# Prints "N passed, N failed".
import os, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, D
from junkcommon import jmsg, state, counts
from mua import mutt

setup()
for i in range(2):
    deliver("bob", "Inbox", jmsg(i))
lis, port = common.listener(stderr=open("listen.log", "w"))
try:
    r = mutt(port, "<save-message>=Junk<enter><quit>", "set delete=yes\n")
    check(r.returncode == 0, "mutt exits 0")
    h, s, w, got = state("bob", "Inbox", "Junk")
    check((h, s) == (0, 1), "one message trained as spam: nham=%s nspam=%s" % (h, s))
    check(sorted(got.values()) == ["- none", "J spam"] and [k[0] for k in got if got[k] == "J spam"] == ["Junk"],
          "$Junk in Junk, the original expunged from Inbox: %r" % got)
    c = counts("bob", "alpha", "bravo")
    check(sorted(c.values()) == [(0, 0), (0, 1)], "the saved message's word counted once as spam: %r" % c)
finally:
    lis.kill()
    lis.wait()
common.terntest.report()

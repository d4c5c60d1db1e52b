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

setup()
for i in range(2):
    deliver("bob", "Inbox", jmsg(i))
lis, port = common.listener(stderr=open("listen.log", "w"))
with open("muttrc", "w") as f:
    f.write("""set folder="imap://bob@127.0.0.1:%d/"
set spoolfile="+INBOX"
set imap_pass="bob-password"
set ssl_starttls=no
set ssl_force_tls=no
set imap_authenticators="login"
set confirmcreate=no
set confirmappend=no
set delete=yes
set quit=yes
set move=no
set sort=date
set wait_key=no
""" % port)
push = "push \"<save-message>=Junk<enter><quit>\""
try:
    r = subprocess.run(["script", "-qec", "mutt -n -F muttrc -e '%s'" % push, "typescript"], env=dict(os.environ, TERM="xterm"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
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

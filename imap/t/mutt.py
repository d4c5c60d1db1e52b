# mutt.py: mutt (a terminal under script(1)) opens bob's Inbox over IMAP
# through tern-listen, lists the messages, opens the first in its pager
# (typed-ahead keys: the pager is never drawn) and copies it to a local
# mbox.  Checks the index on screen, the copy, and that reading set \Seen
# on the server (and only there).
import os, re, socket, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, MSG, Raw, D
from mua import mutt

setup()
for i in range(3):
    deliver("bob", "Inbox", MSG % (i, i, i))
lis, port = common.listener(stderr=open("listen.log", "w"))
r = mutt(port, "<display-message><exit><copy-message>%s/copy.mbox<enter><quit>" % D, "set pager_stop=yes\n")
check(r.returncode == 0, "mutt exits 0")
screen = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", open("typescript", "rb").read()).replace(b"\r", b"")
check(all(b"hello %d" % i in screen for i in range(3)), "the index lists the three subjects")
check(b"Msgs:3" in screen, "mutt counts 3 messages")
copy = open("copy.mbox", "rb").read() if os.path.exists("copy.mbox") else b""
check(b"Subject: hello 0\n" in copy and b"\nbody text 0\n" in copy, "the copy holds the whole first message: %r" % copy[:200])
c = Raw()
c.cmd("LOGIN bob bob-password")
c.cmd("EXAMINE Inbox")
out, tagged = c.cmd("FETCH 1:3 (FLAGS)")
flags = [b"\\Seen" in l for l in out if b" FETCH " in l]
check(flags == [True, False, False], "reading set \\Seen on the first message only: %r" % out)
c.cmd("LOGOUT")
lis.kill()
lis.wait()
common.terntest.report()

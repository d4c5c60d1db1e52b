# confchange.py: a session sees a config.cdb that "tern conf" rewrote
# after it started, at its next decision that depends on it: a login for
# an account added since, the message size limit of an APPEND.  Prints
# "N passed, N failed".
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, sh, Raw

setup()
a = Raw()        # started before the changes below
b = Raw()
out, tagged = b.cmd("LOGIN bob bob-password")
check(b" OK " in tagged, "bob logs in")
r = sh("tern-conf -c c add-account erin erin@example.com")
check(r.returncode == 0, "erin added: %r" % r.stderr)
sh("tern-passwd -c c erin", b"erin-password\n")
out, tagged = a.cmd("LOGIN erin@example.com erin-password")
check(b" OK " in tagged, "erin logs in on a session older than her account: %r" % tagged)
with open("c/tern.conf", "a") as f:
    f.write("max-message-size 2000\n")
r = sh("tern-conf -c c compile")
check(r.returncode == 0, "max-message-size 2000 compiled: %r" % r.stderr)
b.send(b"t9 APPEND Inbox {3000}\r\n")
l = b.line()
if l.startswith(b"+"):      # taken: send it, to keep the session in step
    b.send(b"x" * 3000 + b"\r\n")
    l = b.until(b"t9")[1]
check(l.startswith(b"t9 NO [TOOBIG]"), "APPEND of 3000 bytes refused by the new limit: %r" % l)
out, tagged = b.cmd(b"APPEND Inbox {500+}\r\n" + b"Subject: s\r\n\r\n" + b"y" * 486)
check(b" OK " in tagged, "APPEND of 500 bytes accepted: %r" % tagged)
for c in (a, b):
    c.cmd("LOGOUT")
    c.proc.wait(10)
common.terntest.report()

# junk-mbsync.py: mbsync against tern-imap through tern-listen on
# 127.0.0.1.  A message moved locally from INBOX to Junk reaches the
# server as an APPEND to Junk and an expunge from Inbox: it must end
# trained as spam; moved on to Archive, as ham.  Prints "N passed, N failed".
import glob, os, re, shutil, signal, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, D
from junkcommon import jmsg, state, counts
from mua import mbsync_start, sync, files

setup()
lis, port = mbsync_start(stderr=open("listen.log", "w"))


def move(src, box):
    """as a mail client moves a file: without mbsync's ,U=uid"""
    name = re.sub(r",U=[0-9]+", "", os.path.basename(src))
    os.rename(src, "mail/%s/cur/%s" % (box, name))


try:
    check(shutil.which("mbsync") is not None, "mbsync is installed")
    for i in range(2):
        deliver("bob", "Inbox", jmsg(i))
    check(sync() == 0, "first sync")
    inbox = files("INBOX")
    check(len(inbox) == 2 and os.path.isdir("mail/Junk/cur"), "2 messages pulled, Junk made: %r" % inbox)
    spam = [f for f in inbox if b"alpha" in open(f, "rb").read()]
    check(len(spam) == 1, "message 0 found")
    move(spam[0], "Junk")
    check(sync() == 0, "sync after the move to Junk")
    h, s, w, got = state("bob", "Inbox", "Junk")
    check((h, s) == (0, 1) and w > 0, "trained as spam: nham=%s nspam=%s words=%s" % (h, s, w))
    check(counts("bob", "alpha", "bravo") == {"alpha": (0, 1), "bravo": (0, 0)}, "its words counted as spam once: %r" % counts("bob", "alpha", "bravo"))
    check(sorted(got.values()) == ["- none", "J spam"] and [k[0] for k in got if got[k] == "J spam"] == ["Junk"],
          "the copy in Junk is $Junk and trained, the one in Inbox is gone: %r" % got)
    move(files("Junk")[0], "Archive")
    check(sync() == 0, "sync after the move to Archive")
    h2, s2, w2, got = state("bob", "Inbox", "Junk", "Archive")
    check((h2, s2, w2) == (1, 0, w), "then trained as ham: %r" % ((h2, s2, w2),))
    check(counts("bob", "alpha") == {"alpha": (1, 0)}, "its words now ham: %r" % counts("bob", "alpha"))
    check(sorted(got.values()) == ["- none", "N ham"] and [k[0] for k in got if got[k] == "N ham"] == ["Archive"],
          "$NotJunk in Archive, nothing left in Junk: %r" % got)
finally:
    lis.send_signal(signal.SIGTERM)
    lis.wait(5)
common.terntest.report()

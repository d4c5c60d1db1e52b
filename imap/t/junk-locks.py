# junk-locks.py: one tern-imap session under strace(1) runs every command
# that trains (APPEND, MOVE, COPY, STORE, EXPUNGE, CLOSE, DELETE, RENAME
# INBOX); its flock(2) calls, replayed with the files opened, must show the
# junk lock (ACCT/junk/lock) taken only while no mailbox index is locked,
# once per such command, with a mailbox locked exclusively under it.
# Then the cost: a STORE and an EXPUNGE of one message in a mailbox of 300
# read that message's file only.  Prints "N passed, N failed".
import os, re, shutil, stat, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, Raw, D
from junkcommon import jmsg, state

setup()
for i in range(3):
    deliver("bob", "Inbox", jmsg(i))
os.makedirs("wrap")
with open("wrap/tern-imap", "w") as f:
    f.write("#!/bin/sh\nexec strace -f -qq -e trace=openat,open,flock,close -o \"$TRACE\" %s/tern-imap \"$@\"\n" % common.BIN)
os.chmod("wrap/tern-imap", stat.S_IRWXU)
check(shutil.which("strace") is not None, "strace is installed")
c = Raw(env={"PATH": D + "/wrap:" + os.environ["PATH"], "TRACE": D + "/trace"})
cmds = ["LOGIN bob bob-password", "SELECT Inbox", b"APPEND Junk {%d+}\r\n" % len(jmsg(5)) + jmsg(5),
        "MOVE 1 Junk", "COPY 1 Archive", "STORE 1 +FLAGS ($Junk)", "STORE 1 +FLAGS (\\Deleted)", "EXPUNGE",
        "CREATE Lists/x", "COPY 1 Lists/x", "DELETE Lists/x", "SELECT Archive", "STORE 1 +FLAGS (\\Deleted)", "CLOSE",
        "RENAME INBOX Old", "LOGOUT"]
# the junk lock: APPEND MOVE COPY STORE($Junk) EXPUNGE COPY DELETE CLOSE RENAME;
# not for LOGIN, SELECT, CREATE, LOGOUT, nor a STORE of \Deleted
training = 9
for cmd in cmds:
    out, tagged = c.cmd(cmd)
    check(b" OK " in tagged, "%r: %r" % (cmd[:40], tagged))
c.proc.wait(30)

fds, held = {}, set()      # fd -> path; paths locked now
junk = bad = under = 0
pat = re.compile(r'^\d+\s+(openat|open|flock|close)\((.*)\)\s+= (-?\d+)')
for line in open("trace"):
    m = pat.match(line)
    if not m or int(m.group(3)) < 0:
        continue
    call, args, rc = m.group(1), m.group(2), int(m.group(3))
    if call in ("openat", "open"):
        fds[rc] = re.search(r'"([^"]*)"', args).group(1)
        continue
    fd = int(args.split(",")[0])
    path = fds.get(fd, "")
    if call == "close":
        held.discard(path)
        fds.pop(fd, None)
    elif "LOCK_UN" in args:
        held.discard(path)
    else:
        if path.endswith("/junk/lock"):
            junk += 1
            if any(p.endswith("/index") for p in held):
                bad += 1
                print("junk lock taken holding %r" % held)
        elif path.endswith("/index") and "LOCK_EX" in args and any(p.endswith("/junk/lock") for p in held):
            under += 1
        held.add(path)
check(bad == 0, "the junk lock is never taken while a mailbox is locked (%d times)" % bad)
check(junk == training, "the junk lock taken once per command that trains: %d, want %d" % (junk, training))
check(under >= training, "mailboxes locked exclusively under the junk lock: %d" % under)

# cost: only the messages a command touches are read
common.sh("%s/t/deliver data/accounts/bob Big 300" % common.BIN, jmsg(7))
before = common.sh("%s/t/junkstate data/accounts/bob" % common.BIN).stdout
nspam = state("bob")[1]
c = Raw(env={"PATH": D + "/wrap:" + os.environ["PATH"], "TRACE": D + "/trace2"})
for cmd in ["LOGIN bob bob-password", "SELECT Big", "STORE 100 +FLAGS ($Junk)", "STORE 100 +FLAGS (\\Deleted)", "EXPUNGE", "LOGOUT"]:
    out, tagged = c.cmd(cmd)
    check(b" OK " in tagged, "%r: %r" % (cmd, tagged))
    if "$Junk" in cmd:
        h, s, w, got = state("bob", "Big")
        check(s == nspam + 1 and [k for k in got if got[k] != "- none"] == [("Big", 100)],
              "only message 100 trained: nspam %s (was %s)" % (s, nspam))
c.proc.wait(30)
opened = [re.search(r'"([^"]*)"', l).group(1) for l in open("trace2") if pat.match(l) and pat.match(l).group(1) in ("open", "openat")]
files = [f for f in opened if "/cur/" in f]
check(len(files) == 2 and all(f.endswith("/cur/100") for f in files),
      "STORE and EXPUNGE of message 100 of 300 opened its file once each, no other: %r" % files)
h = common.sh("%s/t/junkstate data/accounts/bob" % common.BIN).stdout
check(h == before, "trained as spam, then untrained: %r, was %r" % (h, before))
common.terntest.report()

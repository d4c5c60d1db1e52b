# concurrent.py: 30 sessions on one mailbox doing random STORE, FETCH,
# EXPUNGE, APPEND and NOOP at once.  Each client tracks EXISTS/EXPUNGE line
# by line: no response may name a sequence number it does not know, and at
# the end its count must equal SEARCH ALL's.  Prints "N passed, N failed".
import os, random, sys, threading
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, Raw, BIN

errs = []


def track(lines, exists, k):
    for l in lines:
        if l.endswith(b" EXPUNGE\r\n"):
            exists -= 1
        elif l.endswith(b" EXISTS\r\n"):
            exists = int(l.split()[1])
        elif b" FETCH " in l and int(l.split()[1]) > exists:
            errs.append((k, "unknown sequence number", l, exists))
    return exists


def session(k):
    rnd = random.Random(k)
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    out, tagged = c.cmd("SELECT Inbox")
    exists = track(out, 0, k)
    for i in range(40):
        r = rnd.random()
        n = rnd.randint(1, max(1, exists))
        if r < 0.3:
            cmds = ["STORE %d +FLAGS (\\Flagged)" % n]
        elif r < 0.5:
            cmds = ["FETCH 1:* (FLAGS)"]
        elif r < 0.6:
            cmds = ["STORE %d +FLAGS.SILENT (\\Deleted)" % n, "EXPUNGE"]
        elif r < 0.7:
            cmds = [b"APPEND Inbox {5+}\r\nhello"]
        else:
            cmds = ["NOOP"]
        for cmd in cmds:
            out, tagged = c.cmd(cmd)
            if b" OK " not in tagged:
                errs.append((k, cmd, tagged))
            exists = track(out, exists, k)
    exists = track(c.cmd("NOOP")[0], exists, k)
    got = len(c.cmd("SEARCH ALL")[0][0].split()) - 2
    if got != exists:
        errs.append((k, "count", got, exists))
    c.cmd("LOGOUT")
    c.proc.wait(10)


setup()
r = common.sh("%s/t/deliver data/accounts/bob Inbox 300" % BIN, b"Subject: x\r\n\r\nbody\r\n")
check(r.returncode == 0, "300 messages delivered")
ts = [threading.Thread(target=session, args=(k,)) for k in range(30)]
for t in ts:
    t.start()
for t in ts:
    t.join()
check(not errs, "30 concurrent sessions consistent: %r" % errs[:5])
common.terntest.report()

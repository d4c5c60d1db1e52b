# damage.py: tern-imap on a damaged mailbox never shows a shrunken one: a
# torn index (truncate -s 401 on 19 messages) shows all 19; records out of
# order, UID 0, a duplicate UID, a UIDVALIDITY that differs from the list,
# a missing index answer NO [UNAVAILABLE] (or, for a record SELECT does not
# read, BYE at the first command that reads the message list), logged once
# with path and fault.
# Prints "N passed, N failed".
import os, re, struct, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, MSG, Raw, D

INDEX = "data/accounts/bob/mail/1/index"


class Logged(Raw):
    """A raw session whose stderr goes to the file log.N"""
    def __init__(self, n):
        err = os.open("log.%d" % n, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        keep = os.dup(2)
        os.dup2(err, 2)
        try:
            Raw.__init__(self)
        finally:
            os.dup2(keep, 2)
            os.close(keep)
            os.close(err)
        self.n = 0
        self.logname = "log.%d" % n

    def log(self):
        return open(self.logname, "rb").read()

    def end(self):
        self.cmd("LOGOUT")
        self.proc.wait(30)


def session(n):
    c = Logged(n)
    r = c.cmd("LOGIN bob bob-password")
    check(r[1].startswith(b"t1 OK"), "login %d: %r" % (n, r[1]))
    return c


def exists(r):
    for l in r[0]:
        if l.endswith(b" EXISTS\r\n"):
            return int(l.split(b" ")[1])
    return -1


def setuid(pos, uid):
    with open(INDEX, "r+b") as f:
        f.seek(64 + 64 * pos)
        f.write(struct.pack("<I", uid))


def no(r):
    return r[1].split(b" ", 1)[-1].startswith(b"NO [UNAVAILABLE]")


def opened(c, cmd, what):
    """cmd (SELECT or EXAMINE) of the damaged Inbox answers NO [UNAVAILABLE];
    or, when the damage is in records it does not read (it reads the
    header and a few records, tern-imap(8) SELECT), OK with all 19, and then
    the first command that reads the message list gets BYE and is shown
    nothing.  True if the session ended so."""
    r = c.cmd(cmd + " INBOX")
    if no(r):
        check(exists(r) == -1, "%s: %s NO [UNAVAILABLE]: %r" % (what[1], cmd, r))
        return False
    check(r[1].split(b" ")[1] == b"OK" and exists(r) == 19, "%s: %s NO, or OK with all 19: %r" % (what[1], cmd, r))
    r = c.cmd("UID FETCH 1:* (UID)")
    check(r == ([b"* BYE cannot read the mailbox now\r\n"], b""), "%s: after %s, UID FETCH: BYE, nothing shown: %r" % (what[1], cmd, r))
    c.proc.wait(30)
    return True


def damaged(n, what, fix):
    """SELECT and EXAMINE (see opened) and STATUS refuse, twice, each
    session logs it once; fix() undoes it"""
    c = session(n)
    logs = []
    for k, cmd in enumerate(("SELECT", "EXAMINE")):
        if opened(c, cmd, what):
            logs.append(c.log())
            c = session(n + 50 * (k + 1))
    r = c.cmd("STATUS INBOX (MESSAGES UNSEEN)")
    check(no(r) and r[0] == [], "%s: STATUS NO [UNAVAILABLE]: %r" % (what[1], r))
    c.end()
    logs.append(c.log())
    for log in logs:
        lines = [l for l in log.split(b"\n") if what[0].encode() in l]
        check(len(lines) == 1 and what[1].encode() in lines[0], "%s: logged once with path and fault: %r" % (what[1], log))
        check(len(lines) == 1 and re.search(rb"warning: (damage|temp) pid=[0-9]+ ", lines[0]), "%s: the line names the session (pid=): %r" % (what[1], lines))
    fix()
    c = session(n + 100)
    r = c.cmd("SELECT INBOX")
    check(r[1].startswith(b"t2 OK") and exists(r) == 19, "%s: put right, 19 again: %r" % (what[1], r[1]))
    r = c.cmd("UID FETCH 1:* (UID)")
    check(r[1].startswith(b"t3 OK") and len(r[0]) == 19, "%s: put right, 19 shown: %r" % (what[1], r[1]))
    c.end()


def main():
    setup()
    for i in range(19):
        deliver("bob", "Inbox", MSG % (i, i, i))
    c = session(1)
    r = c.cmd("SELECT INBOX")
    check(exists(r) == 19, "19 messages: %r" % (r,))
    c.end()
    os.truncate(INDEX, 401)
    c = session(2)
    r = c.cmd("STATUS INBOX (MESSAGES UIDNEXT)")
    check(r[1].startswith(b"t2 OK") and r[0] == [b"* STATUS \"INBOX\" (MESSAGES 19 UIDNEXT 20)\r\n"], "torn index: STATUS 19: %r" % (r,))
    c.end()
    os.truncate(INDEX, 401)
    c = session(12)
    r = c.cmd("SELECT INBOX")
    check(r[1].startswith(b"t2 OK") and exists(r) == 19, "torn index: all 19 shown: %r" % (r,))
    r = c.cmd("UID FETCH 1:* (UID)")
    uids = [int(l.split(b"UID ")[1].split(b")")[0]) for l in r[0] if b"FETCH" in l]
    check(uids == list(range(1, 20)), "torn index: UIDs 1-19: %r" % (uids,))
    c.end()
    path = D + "/" + INDEX
    damaged(3, (path, "UID 0"), lambda: setuid(3, 4)) if setuid(3, 0) is None else None
    damaged(4, (path, "duplicate UID 3"), lambda: setuid(3, 4)) if setuid(3, 3) is None else None
    damaged(5, (path, "records out of order"), lambda: setuid(3, 4)) if setuid(3, 1) is None else None
    with open(INDEX, "rb") as f:
        good = f.read()

    def restore():
        with open(INDEX, "wb") as f:
            f.write(good)
    with open(INDEX, "r+b") as f:
        f.seek(16)
        f.write(struct.pack("<I", 999))
    damaged(6, (path, "UIDVALIDITY differs"), restore)
    os.rename(INDEX, INDEX + ".away")
    damaged(7, (path, "missing"), lambda: os.rename(INDEX + ".away", INDEX))
    # damage that appears while the mailbox is selected: the new record is
    # not shown, and the fault is logged once
    c = session(8)
    r = c.cmd("SELECT INBOX")
    check(exists(r) == 19, "selected: 19")
    deliver("bob", "Inbox", MSG % (20, 20, 20))
    setuid(19, 7)
    r1 = c.cmd("NOOP")
    r2 = c.cmd("NOOP")
    check(r1[1].startswith(b"t3 OK") and r1[0] == [] and r2[0] == [], "new record out of order: not shown: %r %r" % (r1, r2))
    c.end()
    log = c.log()
    lines = [l for l in log.split(b"\n") if b"records out of order, UID 7 after 19" in l and path.encode() in l]
    check(len(lines) == 1, "noticed in a session: logged once: %r" % log)
    setuid(19, 20)
    c = session(9)
    r = c.cmd("SELECT INBOX")
    check(exists(r) == 20, "put right: 20")
    c.end()
    sys.exit(1 if common.terntest.report() else 0)


main()

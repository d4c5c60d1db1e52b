# moved.py: a message moved twice during a backup is in it, made
# deterministic by tern-backup's test-only pause points (TERN_BACKUP_TESTFIFO,
# tern-backup.8).  Mailboxes in list order: Inbox 1, Sent 2, Archive 3,
# Trash 4.  m starts in Trash; when the indexes are copied it moves to
# Archive (so Trash's copy names a file that is gone), and after Inbox's
# second pass it moves on to Inbox (so Archive's second pass no longer
# sees it).  Also: moved once (after every copy, before the files), and
# moved twice then expunged (not required, but no index names a missing file).
import os, queue, re, subprocess, threading
from bkcommon import *


def where(s, mid):
    """(mailbox, uid) of Message-ID mid in bob's live mailboxes"""
    for box in ["Inbox", "Sent", "Archive", "Trash", "Drafts", "Junk"]:
        s.cmd("SELECT " + box)
        r = s.cmd('UID SEARCH HEADER Message-ID "%s"' % mid)
        for l in r[0]:
            if l.startswith(b"* SEARCH") and len(l.split()) > 2:
                return box, int(l.split()[2])
    return None, 0


def move(s, mid, to):
    box, uid = where(s, mid)
    assert box, mid
    s.cmd("SELECT " + box)
    r = s.cmd("UID MOVE %d %s" % (uid, to))
    assert b" OK" in r[1], r


def backup(dest, actions, repeat={}):
    """tern-backup data dest, paused at each point; actions[(point, rel)] run
    there (once), repeat[(point, rel)] each time; returns (rc, stderr, points seen)"""
    fifo = os.path.join(D, dest + ".fifo")
    os.mkfifo(fifo)
    env = dict(os.environ, TERN_BACKUP_TESTFIFO=fifo)
    p = subprocess.Popen(["tern-backup", "data", dest], env=env, stderr=subprocess.PIPE)
    seen = []
    while True:
        q = queue.Queue()
        threading.Thread(target=lambda: q.put(open(fifo, "rb").read().decode().split()), daemon=True).start()
        pt = None
        while pt is None:
            try:
                pt = q.get(timeout=0.2)
            except queue.Empty:
                if p.poll() is not None:
                    break
        if pt is None:
            try:   # the reader thread's open, left waiting
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
            break
        seen.append(tuple(pt))
        act = actions.pop(tuple(pt), None) or repeat.get(tuple(pt))
        if act:
            act()
        with open(fifo, "wb"):
            pass
    err = p.stderr.read()
    p.wait(60)
    return p.returncode, err, seen


def ids(acctdir):
    out, missing = [], []
    for l in dump(acctdir).decode().splitlines():
        if l.startswith("mailbox "):
            mb = l.split()[1]
        elif l.startswith("  uid ") and l.endswith(" file"):
            h = open("%s/mail/%s/cur/%s" % (acctdir, mb, l.split()[1]), "rb").read()
            out += re.findall(rb"Message-ID: <([^>]*)>", h)
        elif l.startswith("  uid ") and not l.endswith(" -"):
            missing.append(l)
    return out, missing


def main():
    setup(("bob",))
    for i, box in enumerate(["Inbox", "Archive", "Trash", "Trash", "Trash"]):
        deliver("bob", box, msg(i, box))
    s = Imap()
    assert s.cmd("LOGIN bob bob-password")[1].startswith(b"t1 OK")
    twice, once, gone = "m2.Trash@x", "m3.Trash@x", "m4.Trash@x"

    def files():
        move(s, twice, "Archive")
        move(s, once, "Inbox")
        move(s, gone, "Archive")

    def sent():
        move(s, twice, "Inbox")
        move(s, gone, "Inbox")
        box, uid = where(s, gone)
        s.cmd("SELECT Inbox")
        s.cmd("UID STORE %d +FLAGS (\\Deleted)" % uid)
        assert b" OK" in s.cmd("UID EXPUNGE %d" % uid)[1]

    acts = {("files", "accounts/bob"): files, ("topup", "accounts/bob/mail/2"): sent}
    rc, err, seen = backup("b0", acts)
    check(not acts, "the pause points were reached: %r" % seen)
    check(rc == 0 and lastline("b0/version") == b"complete", "the backup is complete: %d %r" % (rc, err))
    v = open("b0/version").read()
    # round 1 misses the two that moved on through Archive, round 2 links m2 in
    # Inbox and misses m4 (expunged there), round 3 misses nothing
    check("\nrounds 3\n" in v, "more rounds found the message moved on (rounds 3): %r" % v)
    got, missing = ids("b0/accounts/bob")
    for m in [b"m0.Inbox@x", b"m1.Archive@x", twice.encode(), once.encode()]:
        check(m in got, "%s (moved: %s) is in the backup: %r" % (m, m in (twice.encode(), once.encode()), sorted(got)))
    check(not missing, "no index of the backup names a missing file: %r" % missing)
    r = sh("tern-verify b0")
    check(r.returncode == 0, "tern verify of the backup is clean: %r" % (r.stdout + r.stderr))
    # a message that moves on at every round (Inbox, read, to Archive, not
    # read yet, and back before Archive's read): after the last round the
    # backup says an account's messages were still moving, and exits 111
    flips = []

    def flip():
        move(s, "m0.Inbox@x", "Archive")
        move(s, "m0.Inbox@x", "Inbox")
        flips.append(1)

    rc, err, seen = backup("b1", {}, {("topup", "accounts/bob/mail/2"): flip})
    check(rc == 111 and b"still moving after the last round" in err and b"accounts/bob" in err,
          "a message moving at every round is an error, exit 111: %d %r (%d moves)" % (rc, err, len(flips)))
    check("\nrounds 8\n" in open("b1/version").read(), "it took the 8 rounds")
    s.close()
    return report()


raise SystemExit(1 if main() else 0)

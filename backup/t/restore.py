# restore.py: the restore of tern-backup(8), step by step: back up (with
# -c), stop (nothing runs here), move the data aside, put the backup in
# place (cp -a), move its config/ out, tern verify, then tern-imap serves
# it: LOGIN, SELECT, FETCH of every message with its flags and keywords
# give what they gave before the backup, for both accounts.
import os, re, shutil, subprocess
from bkcommon import *


def view(acct, boxes):
    """what IMAP shows: per mailbox, UID FETCH 1:* (FLAGS BODY[])"""
    s = Imap()
    out = {}
    r = s.cmd("LOGIN %s %s-password" % (acct, acct))
    check(r[1].startswith(b"t1 OK"), "%s: LOGIN: %r" % (acct, r))
    for b in boxes:
        r = s.cmd("SELECT " + b)
        check(r[1].split(b" ")[1] == b"OK", "%s: SELECT %s: %r" % (acct, b, r))
        r = s.cmd("UID FETCH 1:* (FLAGS BODY.PEEK[])")
        check(r[1].split(b" ")[1] == b"OK", "%s: FETCH in %s: %r" % (acct, b, r[1]))
        out[b] = sorted(re.sub(rb"\\Recent ?", b"", l) for l in r[0])   # \Recent: the session's, not stored
    s.close()
    return out


def verify(d):
    """clean: tern-verify exits 0 and prints only its summary ('DIR: ok: ...')"""
    if os.path.exists(BIN + "/tern-verify"):
        r = sh("tern-verify %s" % d)
        lines = [l for l in r.stdout.decode().splitlines() + r.stderr.decode().splitlines() if not re.search(r": ok: ", l)]
        return r.returncode == 0 and not lines, r.stdout + r.stderr
    out = b""
    for a in os.listdir(d + "/accounts"):
        rc, o = storecheck(d + "/accounts/" + a)
        out += o
    return out == b"", out


def main():
    populate()
    boxes = {"bob": ["Inbox", "Archive"], "eve": ["Inbox", "Work/Reports"]}
    before = {a: view(a, b) for a, b in boxes.items()}
    check(len(before["bob"]["Inbox"]) == 4 and any(b"projectx" in l for l in before["bob"]["Inbox"]), "bob's Inbox as set up")
    r = subprocess.run(["tern-backup", "-c", "c", "data", "bk"], capture_output=True)
    check(r.returncode == 0 and lastline("bk/version") == b"complete", "backup: %r" % r.stderr)
    ok, out = verify("bk")
    check(ok, "tern verify on the backup is clean: %r" % out)
    os.rename("data", "data.old")                       # 2: move aside
    r = sh("cp -a bk data")                             # 3: put the backup in place
    check(r.returncode == 0, "cp -a: %r" % r.stderr)
    os.rename("data/config", "data.config")
    check(open("data.config/tern.conf").read() == open("c/tern.conf").read(), "the backup's config/ is the configuration")
    ok, out = verify("data")                            # 4: verify
    check(ok, "tern verify on the restored data is clean: %r" % out)
    after = {a: view(a, b) for a, b in boxes.items()}   # 5: serve
    for a in boxes:
        for b in boxes[a]:
            check(after[a][b] == before[a][b] and after[a][b], "%s/%s: IMAP shows the same messages, flags and keywords after the restore" % (a, b))
    old, new = dump("data.old/accounts/bob"), dump("data/accounts/bob")
    s = Imap()
    s.cmd("LOGIN bob bob-password")
    s.cmd("SELECT Inbox")
    r = s.cmd("UID STORE 1 +FLAGS (\\Flagged)")
    check(r[1].split(b" ")[1] == b"OK", "the restored mailbox takes a change: %r" % (r,))
    s.close()
    check(dump("data.old/accounts/bob") == old and dump("data/accounts/bob") != new, "the change is in the restored data, not in the old")
    return report()


raise SystemExit(1 if main() else 0)

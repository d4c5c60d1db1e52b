# xdev.py: a backup onto another file system (a tmpfs mounted in a private
# mount namespace: unshare -m) copies the message files, and a message
# hard-linked within an account (IMAP COPY) stays one file with two links
# in the backup; a whole file a crash left in the queue's tmp/ is copied
# as todo/ID; the backup passes tern verify and equals the source.
# Skipped (with a line saying why) when a mount namespace cannot be made.
import os, subprocess, sys
from bkcommon import *
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "verify", "t"))
import qseal


def links(top):
    """{relative path: inode} of the message files with more than one link"""
    out = {}
    for dirpath, dirs, files in os.walk(top):
        for n in files:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            if "/cur/" in p and st.st_nlink > 1:
                out[os.path.relpath(p, top)] = st.st_ino
    return out


def main():
    populate()
    s = Imap()   # bob: Inbox 1 is in Archive (populate); 2 goes to Archive and Trash
    assert s.cmd("LOGIN bob bob-password")[1].startswith(b"t1 OK")
    s.cmd("SELECT Inbox")
    for box in ["Archive", "Trash"]:
        assert b" OK" in s.cmd("UID COPY 2 " + box)[1]
    s.close()
    src = links("data/accounts")
    check(len(src) >= 2, "the source has hard-linked messages (COPY): %r" % src)
    os.mkdir("mnt")
    qid = qseal.make("data/queue/tmp/tW", "bob@example.com", "left by a crash")
    script = ("mount -t tmpfs -o size=64m tern-xdev mnt || exit 77\n"
              "tern-backup data mnt/b ; echo rc=$?\n"
              "tern-verify mnt/b ; echo vrc=$?\n"
              "cmp data/queue/tmp/tW mnt/b/queue/todo/QID && echo wcopied\n"
              "cd mnt/b/accounts && find . -path '*/cur/*' -type f -printf 'f %i %n %P\\n'\n"
              "cd .. && for a in bob eve ; do BIN/t/bkstore dump accounts/$a | sed \"s/^/d $a /\" ; done\n").replace("BIN", BIN).replace("QID", qid)
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], capture_output=True)
    if r.returncode == 77 or b"unshare failed" in r.stderr:
        print("skipped: no private mount namespace with a tmpfs here (unshare -m, mount -t tmpfs): %r" % r.stderr[-200:])
        return report()
    out = r.stdout.decode().splitlines()
    check("rc=0" in out, "tern-backup onto the tmpfs: exit 0: %r" % (r.stdout[-300:] + r.stderr[-300:]))
    check("vrc=0" in out, "tern verify of the backup on the tmpfs is clean: %r" % out[:5])
    check("wcopied" in out, "the whole tmp/ file is copied as todo/%s: %r" % (qid, out[:5]))
    got = {l.split()[3]: (int(l.split()[1]), int(l.split()[2])) for l in out if l.startswith("f ")}
    check(len(got) >= 10, "message files in the backup: %d" % len(got))
    for p in src:
        check(p in got, "%s is in the backup" % p)
    groups = {}
    for p, ino in src.items():
        groups.setdefault(ino, []).append(p)
    for ino, ps in groups.items():
        bk = {got.get(p, (0, 0))[0] for p in ps}
        check(len(bk) == 1 and all(got.get(p, (0, 0))[1] == len(ps) for p in ps),
              "one file with %d links in the backup, as in the source: %r -> %r" % (len(ps), ps, [got.get(p) for p in ps]))
    for a in ["bob", "eve"]:
        d = "\n".join(l[len("d %s " % a):] for l in out if l.startswith("d %s " % a))
        check(d.encode() + b"\n" == dump("data/accounts/" + a), "%s: the backup's store equals the source" % a)
    return report()


raise SystemExit(1 if main() else 0)

# backup.py: tern-backup on a quiet store: two accounts with several
# mailboxes, flags, keywords, an expunged message, a COPY (one file, two
# names), a queue with a state file, the configuration: the backup equals
# the source (store dumps, queue, conf), message files are hard links and
# the rest copies, nothing printed under cron; DESTDIR that exists is
# refused; a backup onto another file system copies; an unknown file is
# copied with a warning; a damaged mailbox gives one error line, the rest
# is backed up, exit 111, version 'incomplete'; the source is untouched.
import os, re, shutil, stat, subprocess, tempfile
from bkcommon import *


def run(*args):
    r = subprocess.run(["tern-backup"] + list(args), capture_output=True, stdin=subprocess.DEVNULL)
    return r.returncode, r.stderr


def same(dest, what):
    for a in ["bob", "eve"]:
        src, dst = dump("data/accounts/" + a), dump(dest + "/accounts/" + a)
        check(src == dst and b"nofile" not in dst and len(dst) > 100, "%s: %s's store equals the source:\n%s\n%s" % (what, a, src, dst))
        rc, out = storecheck(dest + "/accounts/" + a)
        check(rc == 0, "%s: %s's backup passes the store check: %r" % (what, a, out))


def main():
    qid = populate()
    before = tree("data")
    rc, err = run("-c", "c", "data", "b1")
    check(rc == 0 and err == b"", "a clean backup: exit 0, nothing printed under cron: %d %r" % (rc, err))
    check(lastline("b1/version") == b"complete", "version ends with complete")
    v = open("b1/version").read()
    check(v.startswith("tern-backup 1\nstore 2\nqueue 4\nstarted ") and "\nerrors 0\n" in v, "version fields: %r" % v)
    same("b1", "same fs")
    links = [p for p in before if "/cur/" in p]
    check(len(links) == 10 and all(os.stat("b1/" + p).st_ino == before[p][4] for p in links),
          "every message file is a hard link of the source's: %r" % links)
    c = [p for p in before if p.endswith("/index") or p.endswith("/changes") or p.endswith("mailboxes")]
    check(c and all(os.stat("b1/" + p).st_ino != before[p][4] and open("b1/" + p, "rb").read() == open("data/" + p, "rb").read() for p in c),
          "indexes, changes and lists are copies, equal: %d" % len(c))
    q = [d + qid for d in ["queue/todo/", "queue/mess/"] if os.path.exists("data/" + d + qid)]
    check(len(q) == 1 and os.stat("b1/" + q[0]).st_ino == os.stat("data/" + q[0]).st_ino, "the queued message is linked: %r" % q)
    check(open("b1/queue/state/" + qid, "rb").read() == open("data/queue/state/" + qid, "rb").read(), "its state file is copied")
    check(stat.S_ISFIFO(os.lstat("b1/queue/trigger").st_mode) and stat.S_ISFIFO(os.lstat("b1/queue/control").st_mode), "FIFOs made")
    check(open("b1/config/tern.conf").read() == open("c/tern.conf").read() and os.path.exists("b1/config/config.cdb")
          and os.path.exists("b1/config/accounts/eve"), "-c: the configuration is in config/")
    check(open("b1/accounts/bob/credentials", "rb").read() == open("data/accounts/bob/credentials", "rb").read(), "credentials copied")
    r = subprocess.run(["script", "-qec", "tern-backup data bt", "/dev/null"], capture_output=True, stdin=subprocess.DEVNULL)
    check(r.returncode == 0 and re.search(rb"tern-backup: 2 accounts, 13 mailboxes, 11 messages, 0 MiB", r.stdout),
          "on a terminal, a progress line: %r" % r.stdout)
    r = subprocess.run(["script", "-qec", "tern-backup -q data bq", "/dev/null"], capture_output=True, stdin=subprocess.DEVNULL)
    check(r.returncode == 0 and r.stdout == b"", "-q: none: %r" % r.stdout)
    os.mkdir("b2")
    rc, err = run("data", "b2")
    check(rc == 100 and b"exists" in err and os.listdir("b2") == [], "an existing DESTDIR is refused (100), left as it was: %d %r" % (rc, err))
    other = tempfile.mkdtemp(prefix="tern-bk-", dir="/dev/shm")
    try:
        if os.stat(other).st_dev != os.stat("data").st_dev:
            rc, err = run("data", other + "/b")
            check(rc == 0 and err == b"", "another file system: exit 0: %d %r" % (rc, err))
            same(other + "/b", "other fs")
            check(all(os.stat(other + "/b/" + p).st_ino != before[p][4] for p in links), "there, message files are copies")
            check(all(os.stat(other + "/b/" + p).st_mtime_ns == before[p][3] for p in links), "with their mtimes")
    finally:
        shutil.rmtree(other)
    open("data/accounts/bob/mail/1/cur/notes.txt", "w").write("mine\n")
    rc, err = run("data", "b3")
    check(rc == 0 and err == b"tern-backup: warning: accounts/bob/mail/1/cur/notes.txt: unknown file, copied\n"
          and open("b3/accounts/bob/mail/1/cur/notes.txt").read() == "mine\n", "an unknown file: copied, one warning: %r" % err)
    os.unlink("data/accounts/bob/mail/1/cur/notes.txt")
    with open("data/accounts/eve/mail/1/index", "r+b") as f:
        f.write(b"XXXX")
    before = tree("data")
    rc, err = run("data", "b4")
    lines = err.decode().splitlines()
    check(rc == 111 and len(lines) == 2 and lines[0].startswith("tern-backup: error: accounts/eve/mail/1/index: ")
          and lines[1].startswith("tern-backup: fatal: 1 errors"), "a damaged mailbox: one error line, exit 111: %d %r" % (rc, err))
    check(lastline("b4/version") == b"incomplete" and "\nerrors 1\n" in open("b4/version").read(), "version says incomplete")
    check(dump("b4/accounts/bob") == dump("data/accounts/bob"), "the other account is backed up")
    check(open("b4/accounts/eve/mail/1/index", "rb").read() == open("data/accounts/eve/mail/1/index", "rb").read()
          and os.listdir("b4/accounts/eve/mail/1/cur") == ["1"], "the damaged mailbox is copied as it is")
    check(b"Work/Reports" in dump("b4/accounts/eve") and b" file" in dump("b4/accounts/eve"), "eve's other mailbox is backed up")
    check(tree("data") == before, "the source is untouched (paths, modes, sizes, mtimes, inodes, contents)")
    return report()


raise SystemExit(1 if main() else 0)

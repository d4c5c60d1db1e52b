# pool.py: tern-backup of a queue of version 3 after a crash, before the
# runner's start (tern-queue(5), Recovery): whole files left in pool/ and
# tmp/ (made here by the seal's rule, and one by tern-queue-inject) go into
# the backup as todo/ID; one a live writer holds (its flock),
# a torn one, the pool's empty files and one whose id the backup has
# already do not; pool/ and tmp/ are empty in the backup, the live queue is
# left as it was; tern verify finds the backup clean, and restored (cp -a)
# its runner delivers every acknowledged message.
import fcntl, glob, os, signal, subprocess, sys
from bkcommon import *
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "verify", "t"))
import qseal

Q = "data/queue"


def read(p):
    with open(p, "rb") as f:
        return f.read()


def delivered():
    """the subjects of bob's stored messages"""
    out = []
    for p in glob.glob("data/accounts/bob/mail/*/cur/*"):
        for l in read(p).split(b"\r\n"):
            if l.startswith(b"Subject: "):
                out.append(l[9:].decode())
    return sorted(out)


def main():
    setup()
    r = sh("printf 'Subject: injected\\r\\n\\r\\nbody\\r\\n' | tern-queue-inject -c c -f a@example.org bob@example.com")
    check(r.returncode == 0, "a message injected: %r" % r.stderr)
    qid0 = r.stderr.split(b"id=")[1].split()[0].decode() if b"id=" in r.stderr else r.stdout.decode().strip()
    check(os.path.exists(Q + "/todo/" + qid0), "it is todo/" + qid0)
    os.makedirs(Q + "/pool", exist_ok=True)
    r = sh("printf 'Subject: real\\r\\n\\r\\nbody\\r\\n' | tern-queue-inject -c c -f a@example.org bob@example.com")
    qidr = r.stdout.decode().strip()
    check(r.returncode == 0 and read(Q + "/todo/" + qidr)[:13] == b"tern-queue 3 ", "tern-queue-inject seals its file")
    os.rename(Q + "/todo/" + qidr, Q + "/tmp/tR")     # the real writer's file, its rename undone by a crash
    ida = qseal.make(Q + "/pool/pA", "bob@example.com", "pool A")
    idb = qseal.make(Q + "/tmp/tB", "bob@example.com", "tmp B")
    idc = qseal.make(Q + "/tmp/tC", "bob@example.com", "tmp C, being written")
    qseal.make(Q + "/pool/pD", "bob@example.com", "torn", torn=True)
    qseal.make(Q + "/tmp/tX", "bob@example.com", "a clash", qid=qid0)
    for n in ["e1", "e2", "n.e3"]:
        open(Q + "/pool/" + n, "wb").close()
    before = tree("data/queue")
    held = open(Q + "/tmp/tC", "rb")
    fcntl.flock(held, fcntl.LOCK_EX)      # a live writer's lock
    r = subprocess.run(["tern-backup", "data", "bk"], capture_output=True)
    held.close()
    check(r.returncode == 0 and lastline("bk/version") == b"complete" and r.stderr == b"",
          "backup: exit 0, complete, no warning (was %d): %r" % (r.returncode, r.stderr))
    todo = sorted(os.listdir("bk/queue/todo"))
    check(todo == sorted([qid0, ida, idb, qidr]), "the backup's todo/: the injected message and the whole pool/ and tmp/ files: %r" % todo)
    check(os.path.exists("bk/queue/todo/" + ida) and read("bk/queue/todo/" + ida) == read(Q + "/pool/pA"), "pool/pA is todo/%s in the backup" % ida)
    check(os.path.exists("bk/queue/todo/" + idb) and read("bk/queue/todo/" + idb) == read(Q + "/tmp/tB"), "tmp/tB is todo/%s in the backup" % idb)
    check(os.path.exists("bk/queue/todo/" + qidr) and read("bk/queue/todo/" + qidr) == read(Q + "/tmp/tR"), "the real writer's tmp/tR is todo/%s in the backup" % qidr)
    check(idc not in todo, "tmp/tC, held by a writer, is not in the backup")
    check(read("bk/queue/todo/" + qid0) == read(Q + "/todo/" + qid0), "a whole tmp/ file with the id of todo/%s: the backup keeps todo/'s" % qid0)
    check(os.path.isdir("bk/queue/pool") and os.listdir("bk/queue/pool") == [] and os.listdir("bk/queue/tmp") == [],
          "the backup's pool/ and tmp/ are empty: %r" % (os.listdir("bk/queue/pool") if os.path.isdir("bk/queue/pool") else None,))
    check(not glob.glob("bk/queue/*/*torn*") and os.listdir("bk/queue/mess") == [], "nothing else in the backup's queue")
    check(tree("data/queue") == before, "the live queue is left as it was")
    r = sh("tern-verify bk")
    check(r.returncode == 0, "tern verify on the backup: clean (was %d): %r" % (r.returncode, r.stdout + r.stderr))
    os.rename("data", "data.old")         # the restore of tern-backup(8)
    r = sh("cp -a bk data")
    check(r.returncode == 0, "cp -a: %r" % r.stderr)
    log = open("run.log", "wb")
    run = subprocess.Popen(["tern-queue-run", "-c", "c"], stdout=log, stderr=log)
    want = sorted(["injected", "pool A", "tmp B", "real"])
    ok = terntest.waitfor(lambda: delivered() == want and not os.listdir(Q + "/todo") and not os.listdir(Q + "/mess"), 60)
    run.send_signal(signal.SIGTERM)
    run.wait(30)
    log.close()
    check(ok, "restored: the runner delivers the injected message and the three recovered ones: %r %r" % (delivered(), read("run.log")[-600:]))
    return report()


raise SystemExit(1 if main() else 0)

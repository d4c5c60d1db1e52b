# pool.py: tern-verify on a queue of version 3 after a crash (tern-queue(5),
# The pool, Recovery): whole files left in pool/ and tmp/ are unrecovered
# messages (one a live writer holds, by its flock, is not), a torn pool file,
# an old pool/n.* and a damaged sealed file of mess/ are problems, empty pool
# files are not; -fix with the runner's lock held changes nothing; -fix
# recovers the whole files into todo/ (a second name of a queued message
# unlinked), moves the torn and old ones aside and keeps the damaged one
# and a whole file whose id another message of todo/ has.
import fcntl, os, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "verify", "t"))
from terntest import check, report
import qseal

Q = "data/queue"


def run(*args):
    r = subprocess.run(["tern-verify"] + list(args) + ["data"], capture_output=True)
    return r.returncode, r.stdout.decode().splitlines(), r.stderr.decode()


def lines(out):
    """the problem or change lines, without the summary"""
    return sorted(l for l in out if not l.startswith("tern-verify: data: "))


def read(p):
    """its bytes, None when it is missing"""
    try:
        with open(p, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def ls(d):
    """sorted names of d, None when it is missing"""
    return sorted(os.listdir(d)) if os.path.isdir(d) else None


def aged(p, seconds):
    t = time.time() - seconds
    os.utime(p, (t, t))


def main():
    for c in ["tern-conf -c c init mail.example.org %s/data" % os.getcwd(), "tern-conf -c c add-domain example.org",
              "tern-conf -c c add-account bob bob@example.org"]:
        subprocess.run(c.split(), check=True, capture_output=True)
    r = subprocess.run("printf 'Subject: q\\r\\n\\r\\nqueued\\r\\n' | tern-queue-inject -c c -f a@b.example bob@example.org",
                       shell=True, capture_output=True)
    qid0 = r.stdout.decode().strip()
    check(r.returncode == 0 and os.path.exists(Q + "/todo/" + qid0), "a message injected: the queue made: %r" % r.stderr)
    os.makedirs(Q + "/pool", exist_ok=True)
    check(read(Q + "/todo/" + qid0)[:13] == b"tern-queue 3 ", "tern-queue-inject seals the file")
    r = subprocess.run("printf 'Subject: r\\r\\n\\r\\nreal\\r\\n' | tern-queue-inject -c c -f a@b.example bob@example.org",
                       shell=True, capture_output=True)
    qidr = r.stdout.decode().strip()
    rc, out, err = run()
    check(rc == 0, "clean queue: exit 0 (was %d): %r %r" % (rc, out, err))

    ids = {}
    os.rename(Q + "/todo/" + qidr, Q + "/pool/pR")     # the real writer's file, its renames undone by a crash
    ids["pA"] = qseal.make(Q + "/pool/pA", "bob@example.org", "pool A")
    ids["tB"] = qseal.make(Q + "/tmp/tB", "bob@example.org", "tmp B")
    ids["tOld"] = qseal.make(Q + "/tmp/tOld", "bob@example.org", "tmp old", fmt=2)   # as queue version 3 sealed it
    aged(Q + "/tmp/tOld", 40 * 3600)
    ids["tC"] = qseal.make(Q + "/tmp/tC", "bob@example.org", "tmp C, being written")
    ids["dup"] = qseal.make(Q + "/tmp/tDup", "bob@example.org", "a second name")
    os.link(Q + "/tmp/tDup", Q + "/todo/" + ids["dup"])
    qseal.make(Q + "/tmp/tX", "bob@example.org", "a clash", qid=qid0)
    qseal.make(Q + "/pool/pD", "bob@example.org", "torn", torn=True)
    qseal.unsealed(Q + "/pool/pZ", "bob@example.org", "unsealed")
    for n in ["e1", "e2", "n.new", "n.old"]:
        open(Q + "/pool/" + n, "wb").close()
    aged(Q + "/pool/n.old", 2 * 3600)
    aged(Q + "/pool/e2", 40 * 3600)
    ids["M"] = qseal.make(Q + "/mess/x", "bob@example.org", "damaged later")
    os.rename(Q + "/mess/x", Q + "/mess/" + ids["M"])
    m = Q + "/mess/" + ids["M"]
    data = bytearray(read(m))
    data[-3] ^= 0x20                      # one bit flipped in the body: bit rot
    with open(m, "wb") as f:
        f.write(data)
    damaged = read(m)
    with open(Q + "/tmp/tS", "wb") as f:
        f.write(b"half a file")
    aged(Q + "/tmp/tS", 40 * 3600)
    ids["pR"] = qidr
    copies = {n: read(Q + ("/pool/" if n[0] == "p" else "/tmp/") + n) for n in ["pA", "tB", "tOld", "pR"]}

    held = open(Q + "/tmp/tC", "rb")
    fcntl.flock(held, fcntl.LOCK_EX)      # a live writer's lock
    um = "unrecovered message %s (whole, not yet in todo/)"
    want = sorted(["tern-verify: queue: pool/pA: " + um % ids["pA"],
                   "tern-verify: queue: pool/pR: " + um % qidr,
                   "tern-verify: queue: tmp/tB: " + um % ids["tB"],
                   "tern-verify: queue: tmp/tOld: " + um % ids["tOld"],
                   "tern-verify: queue: tmp/tDup: a second name of todo/" + ids["dup"],
                   "tern-verify: queue: tmp/tX: whole, but todo/%s is another file with its id (compare them)" % qid0,
                   "tern-verify: queue: pool/pD: torn file (not whole, never acknowledged)",
                   "tern-verify: queue: pool/pZ: torn file (not whole, never acknowledged)",
                   "tern-verify: queue: pool/n.old: batch file older than an hour",
                   "tern-verify: queue: mess/%s: damaged: sealed, but its size or sum is not the seal's" % ids["M"],
                   "tern-verify: queue: tmp/tS: stale file older than 36 hours"])
    rc, out, err = run()
    check(rc == 100 and err == "", "after a crash: exit 100 (was %d): %r" % (rc, err))
    got = lines(out)
    for w in want:
        check(w in got, "reported: %s: %r" % (w, got))
    check(got == want, "exactly these problems (the locked tmp/tC, empty pool files, pool/n.new, whole todo/ files not): %r" % got)
    check(out and out[-1].startswith("tern-verify: data: 11 problems: "), "summary: 11 problems: %r" % out[-1:])

    lk = open(Q + "/lock", "a+")
    fcntl.lockf(lk, fcntl.LOCK_EX | fcntl.LOCK_NB)    # as a running tern-queue-run
    rc, out, err = run("-fix")
    check(rc == 100 and "queue not fixed: tern-queue-run is running" in err, "-fix, the runner's lock held: 100, not fixed (%d): %r" % (rc, err))
    check(not [l for l in out if "fixed:" in l] and os.path.exists(Q + "/pool/pA") and os.path.exists(Q + "/pool/pD")
          and not os.path.exists("data/moved"), "-fix, the runner's lock held: nothing recovered or moved: %r" % out)
    lk.close()

    rc, out, err = run("-fix")
    fixed = lines([l for l in out if l.startswith("tern-verify: fixed: ")])
    fw = sorted(["tern-verify: fixed: queue: pool/pA: recovered to todo/" + ids["pA"],
                 "tern-verify: fixed: queue: pool/pR: recovered to todo/" + qidr,
                 "tern-verify: fixed: queue: tmp/tB: recovered to todo/" + ids["tB"],
                 "tern-verify: fixed: queue: tmp/tOld: recovered to todo/" + ids["tOld"],
                 "tern-verify: fixed: queue: tmp/tDup: unlinked: a second name of a message in todo/ or mess/"]
                + ["tern-verify: fixed: queue: %s: moved to moved/" % n for n in ["pool/pD", "pool/pZ", "pool/n.old", "tmp/tS"]])
    check(fixed == fw, "-fix: the recoveries and moves: %r" % fixed)
    check(rc == 100 and err == "", "-fix: exit 100, the damaged file left (was %d): %r" % (rc, err))
    last = max([i for i, l in enumerate(out) if l.startswith("tern-verify: fixed: ")] or [0])
    left = out[last + 1:-1]               # the check after the repairs
    check(sorted(left) == sorted(["tern-verify: queue: mess/%s: damaged: sealed, but its size or sum is not the seal's" % ids["M"],
                                  "tern-verify: queue: tmp/tX: whole, but todo/%s is another file with its id (compare them)" % qid0]),
          "-fix: only the damaged file and the clash are left: %r" % left)
    check(out[-1].startswith("tern-verify: data: 11 problems, 9 fixed, 2 left: "), "-fix: summary: %r" % out[-1:])
    check(read(Q + "/tmp/tX") and read(Q + "/todo/" + qid0) != read(Q + "/tmp/tX"), "-fix: both files of the clash are kept")
    for n in ["pA", "tB", "tOld", "pR"]:
        check(read(Q + "/todo/" + ids[n]) == copies[n], "-fix: %s is todo/%s, unchanged" % (n, ids[n]))
    check(read(Q + "/todo/" + ids["dup"]) and not os.path.exists(Q + "/tmp/tDup"), "-fix: the second name unlinked, todo/ keeps the message")
    check(os.path.exists(Q + "/tmp/tC") and not os.path.exists(Q + "/todo/" + ids["tC"]), "-fix: the file a writer holds is left in tmp/")
    check(read(m) == damaged, "-fix: the damaged message is kept in mess/ as it is")
    check(all(os.path.exists("data/moved/queue/" + n) for n in ["pool/pD", "pool/pZ", "pool/n.old", "tmp/tS"]),
          "-fix: torn, unsealed, old batch and stale files moved to moved/queue/")
    check(ls(Q + "/pool") == ["e1", "e2", "n.new"], "-fix: the pool's empty files and a new batch file stay: %r" % ls(Q + "/pool"))

    held.close()                          # the writer is gone (killed): its whole file is left
    rc, out, err = run()
    check(rc == 100 and lines(out) == sorted(["tern-verify: queue: tmp/tC: " + um % ids["tC"],
          "tern-verify: queue: tmp/tX: whole, but todo/%s is another file with its id (compare them)" % qid0,
          "tern-verify: queue: mess/%s: damaged: sealed, but its size or sum is not the seal's" % ids["M"]]),
          "the writer's lock released: tmp/tC is an unrecovered message: %r" % out)
    for f in [m, Q + "/tmp/tX"]:          # the administrator's choices
        if os.path.exists(f):
            os.unlink(f)
    rc, out, err = run("-fix")
    check(rc == 0 and os.path.exists(Q + "/todo/" + ids["tC"]) and err == "", "-fix recovers it; clean (was %d): %r %r" % (rc, out, err))
    return report()


raise SystemExit(1 if main() else 0)

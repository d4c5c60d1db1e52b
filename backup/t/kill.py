# kill.py: kill -9 of tern-backup at random moments (10,000 messages in
# one mailbox, two accounts, a queue) leaves the source tree exactly as it
# was (paths, modes, sizes, mtimes, inodes, contents) and a DESTDIR whose
# version does not say complete (or no version at all, killed before its
# first write), which tern verify reports (exit 100, or 111 when a part
# could not be checked), never as valid; a backup run to its end
# afterwards equals the source.
import os, random, signal, subprocess, time
from bkcommon import *


def main():
    qid = populate()
    r = sh("%s/t/imap-gen %s/data/accounts/big md 10000 && rm -rf md" % (BIN, D))
    assert r.returncode == 0, r.stderr
    before = tree("data")
    subprocess.run(["tern-backup", "data", "warm"], capture_output=True)   # the page cache, as for the kills
    t0 = time.monotonic()
    r = subprocess.run(["tern-backup", "data", "full0"], capture_output=True)
    took = time.monotonic() - t0
    check(r.returncode == 0 and lastline("full0/version") == b"complete", "a whole run: %r" % r.stderr)
    killed = 0
    seed = int(os.environ.get("TERN_SEED", str(int(time.time()))))
    rnd = random.Random(seed)
    for i in range(8):
        dest = "k%d" % i
        p = subprocess.Popen(["tern-backup", "data", dest], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0, took * 0.6))   # a random moment of a run, not a wait for a condition
        p.send_signal(signal.SIGKILL)
        rc = p.wait(60)
        last = lastline(dest + "/version")
        if rc == -signal.SIGKILL and last == b"complete":
            # killed after its last write, on its way out (LeakSanitizer's
            # exit check under make check-asan): a backup that must verify
            v = sh("tern-verify -q " + dest)
            check(v.returncode == 0, "seed %d kill %d after the end: a complete backup verifies: %r" % (seed, i, v.stdout + v.stderr))
        elif rc == -signal.SIGKILL:
            killed += 1
            check(last in (None, b"incomplete"), "seed %d kill %d: version is %r, not complete" % (seed, i, last))
            if not os.path.isdir(dest):
                continue   # killed before it made DESTDIR (slow under ASan): nothing to verify
            v = sh("tern-verify -q " + dest)
            out = v.stdout + v.stderr
            check(v.returncode in (100, 111) and (b"tern-verify: version: incomplete backup\n" in out or b"not a data directory" in out),
                  "seed %d kill %d: tern verify says incomplete (or not a data directory), never valid: %d %r" % (seed, i, v.returncode, out[:300]))
        else:
            check(rc == 0 and last == b"complete", "seed %d run %d ended before the kill: complete (%d, %r)" % (seed, i, rc, last))
    check(killed >= 3, "seed %d: at least 3 of 8 runs were killed midway: %d (a run took %.2f s)" % (seed, killed, took))
    check(tree("data") == before, "seed %d: the source is exactly as before" % seed)
    r = subprocess.run(["tern-backup", "data", "full1"], capture_output=True)
    check(r.returncode == 0 and all(dump("full1/accounts/" + a) == dump("data/accounts/" + a) for a in ["bob", "eve", "big"]),
          "a backup after the kills equals the source: %r" % r.stderr)
    return report()


raise SystemExit(1 if main() else 0)

# gentestdata.test: see there.
import os, shutil, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest, gendata
from terntest import check

W = os.getcwd()
OUT = os.path.join(W, "out")


def gen(*args):
    return subprocess.run(["tern-gentestdata"] + list(args), capture_output=True)


# usage and refusals
for args in ([], ["-seed"], ["-seed", "x", OUT], ["-seed", "18446744073709551616", OUT], [OUT, OUT], ["-q", OUT]):
    r = gen(*args)
    check(r.returncode == 100 and not os.path.exists(OUT), "usage %s: %d %s" % (args, r.returncode, r.stderr))
r = gen("-seed", "42", OUT)
check(r.returncode == 0 and r.stdout == b"" and r.stderr == b"", "seed 42: %d %s" % (r.returncode, r.stderr))
a, alinks = gendata.tree(OUT)
r = gen(OUT, "-seed", "42")
check(r.returncode == 100 and b"exists" in r.stderr, "existing destdir refused: %d %s" % (r.returncode, r.stderr))
check(gendata.tree(OUT) == (a, alinks), "a refused run changes nothing")
os.rename(OUT, W + "/a")

# the same seed, the same bytes, names, sizes, modes, links and times
r = gen(OUT, "-seed", "42")
check(r.returncode == 0, "seed 42 again: %d %s" % (r.returncode, r.stderr))
b, blinks = gendata.tree(OUT)
diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
check(not diff and alinks == blinks, "same seed, same tree: differ %s" % diff[:5])
check(len(a) > 150 and len(alinks) == 1, "tree of %d entries, hard links %s" % (len(a), alinks))
check(any(p.endswith("/mail/1/cur/1") and p.startswith("data/accounts/alice") for p in alinks[0]), "the COPY is a hard link")
os.rename(OUT, W + "/b")

# another seed: other words, dates and ids, the same accounts and mailboxes
r = gen(OUT, "-seed", "43")
c, clinks = gendata.tree(OUT)
notq = lambda t: sorted(k for k in t if not k.startswith("data/queue/"))
check(r.returncode == 0 and notq(a) == notq(c), "seed 43: same names outside the queue")
same = [k for k in a if a[k][0] == 0o100000 and k in c and a[k][5] == c[k][5]]
check(a["data/accounts/alice/mail/1/cur/1"][5] != c["data/accounts/alice/mail/1/cur/1"][5]
      and sorted(os.listdir(OUT + "/data/queue/mess")) != sorted(os.listdir(W + "/a/data/queue/mess")),
      "seed 43: other messages and queue ids")
check(a["data/accounts/alice/mail/1/cur/1"][4] != c["data/accounts/alice/mail/1/cur/1"][4], "seed 43: other times")
check(a["data/accounts/alice/junk/words"][5] != c["data/accounts/alice/junk/words"][5], "seed 43: another junk filter (key)")
shutil.rmtree(OUT)

# the default seed is 1
r = gen(OUT)
d, _ = gendata.tree(OUT)
shutil.rmtree(OUT)
r1 = gen(OUT, "-seed", "1")
check(r.returncode == 0 and r1.returncode == 0 and d == gendata.tree(OUT)[0], "default seed is 1")
shutil.rmtree(OUT)

# the configuration and the data pass their checks
a = W + "/a"
r = subprocess.run(["tern-conf", "-c", a + "/conf", "check"], capture_output=True)
check(r.returncode == 0 and r.stdout == b"", "tern conf check: %d %s %s" % (r.returncode, r.stdout, r.stderr))
# moved: config.cdb names the old datadir until compiled again (the man page)
r = subprocess.run(["tern-conf", "-c", a + "/conf", "compile"], capture_output=True)
check(r.returncode == 0, "tern conf compile after the move: %d %s" % (r.returncode, r.stderr))
with open(a + "/data/queue/version", "rb") as f:
    check(f.read() == b"4\n", "queue version 4 (tern-queue.5)")
states = {}
for n in os.listdir(a + "/data/queue/state"):
    with open(a + "/data/queue/state/" + n, "rb") as f:
        states[n] = (f.read(), os.stat(a + "/data/queue/state/" + n).st_mtime)
held = [s for s in states.values() if b"hold yes" in s[0]]
check(len(os.listdir(a + "/data/queue/todo")) == 1 and len(os.listdir(a + "/data/queue/mess")) == 3 and len(states) == 3,
      "queue: one in todo/, three in mess/ with states")
check(len(held) == 1 and held[0][1] == 2147483647, "one held, its state dated 2038-01-19")
check(sum(b"transport smarthost" in s[0] for s in states.values()) == 1, "one with a transport")
check(sum(b" pending 3 " in s[0] and b" delivered 1 " in s[0] for s in states.values()) == 1, "one deferred after 3 attempts")
if os.access(os.path.join(os.environ["TERN_BIN"], "tern-verify"), os.X_OK):
    r = subprocess.run(["tern-verify", "-c", a + "/conf", a + "/data"], capture_output=True)
    check(r.returncode == 0, "tern verify: %d %s %s" % (r.returncode, r.stdout, r.stderr[-500:]))
else:
    print("note: no tern-verify in TERN_BIN: its check is skipped")

gendata.queue(a + "/conf", check)

# the junk filters, trained from the flags
gendata.junk(a + "/data", check)

# served: tern-imap on the output, every account, mailbox and message
gendata.serve(a + "/conf", a + "/data", check)
sys.exit(1 if terntest.report() else 0)

# cli.py: run by cli.test.  Exact counts through tern-junk's output.
import os, re, shutil, subprocess, time
from common import *

setup()
A = ["-c", "c", "-a", "bob"]
OPEN = ["-o", "min-ham=0 min-spam=0"]
VERDICT = re.compile(r"^(junk|ham) [01]\.\d\d$")

# usage and accounts
for argv, what in (([], "no command"), (["frobnicate", "-d", "x"], "unknown command"),
                   (["train", "-d", "x"], "train without -junk or -ham"), (["classify"], "no account"),
                   (["classify", "-a", "bob", "-d", "x"], "both -a and -d"), (["stats", "-d", "x", "-v"], "stats -v"),
                   (["import", "-d", "x"], "import without a path"), (["train", "-d", "x", "-junk", "-ham"], "both sides"),
                   (["classify", "-d", "x", "-o", "bogus=1"], "bad -o")):
    rc, out, err = run(["tern-junk"] + argv)
    check(rc == 100 and err.count("\n") == 1 and err.startswith("tern-junk: "), "usage: %s: %d %r" % (what, rc, err))
rc, out, err = run(["tern-junk", "-h"])
check(rc == 0 and out.startswith("usage: tern-junk "), "-h prints the usage")
rc, out, err = run(["tern-junk", "classify", "-c", "c", "-a", "nosuch"], message("ham", 1))
check(rc == 100 and "no such account: nosuch" in err, "unknown account: 100: %r" % err)
rc, out, err = run(["tern-junk", "classify", "-c", "c", "-a", "eve"], message("ham", 1))
check(rc == 100 and "eve has no junk filter" in err, "account without a filter: 100: %r" % err)
rc, out, err = run(["tern-junk", "classify", "-a", "bob"], message("ham", 1))
check(rc == 111, "no configuration at /etc/tern: 111 (%d %r)" % (rc, err))

# an empty filter: classify works, not significant until min-ham/min-spam
rc, out, err = run(["tern-junk", "classify"] + A, message("spam", 1))
check(rc == 0 and re.match(r"^ham [01]\.\d\d untrained\n$", out), "empty filter: ham, untrained: %r %r" % (out, err))
check(stats(A) .get("ham") == 0 and stats(A).get("spam") == 0 and stats(A).get("words") == 0, "empty filter: stats 0 0 0")

# train and untrain one message: counts exact, never below zero
m = message("spam", 7)
rc, out, err = run(["tern-junk", "train"] + A + ["-junk"], m)
s1 = stats(A)
check(rc == 0 and out == "" and s1.get("spam") == 1 and s1.get("ham") == 0 and s1.get("words", 0) > 5, "train -junk: %r %s" % (err, s1))
rc, _, err = run(["tern-junk", "train"] + A + ["-junk"], m)
s2 = stats(A)
check(rc == 0 and s2.get("spam") == 2 and s2.get("words") == s1.get("words"), "the same message again: spam 2, same words: %s" % s2)
check(set(s2) == {"ham", "spam", "words", "slots", "bytes"} and s2["slots"] >= s2["words"] and s2["bytes"] > 0, "stats keys: %s" % s2)
for i in range(3):
    rc, _, err = run(["tern-junk", "untrain"] + A + ["-junk"], m)
    check(rc == 0, "untrain %d: %r" % (i, err))
s3 = stats(A)
check(s3.get("spam") == 0 and s3.get("ham") == 0 and s3.get("words") == 0, "untrained 3 times after 2: all 0: %s" % s3)
rc, _, _ = run(["tern-junk", "train"] + A + ["-ham"], message("ham", 3))
check(rc == 0 and stats(A).get("ham") == 1, "train -ham: ham 1")
rc, _, _ = run(["tern-junk", "untrain"] + A + ["-ham"], message("ham", 3))
check(rc == 0 and stats(A).get("ham") == 0, "untrain -ham: ham 0")

# import: a directory, a maildir, an mbox file
os.makedirs("dir/sub")
for i in range(3):
    open("dir/m%d" % i, "w").write(message("spam", 100 + i))
open("dir/.hidden", "w").write(message("ham", 1))
open("dir/sub/m", "w").write(message("ham", 2))
for sub in ("cur", "new", "tmp"):
    os.makedirs("md/" + sub)
open("md/cur/1", "w").write(message("ham", 200))
open("md/cur/2", "w").write(message("ham", 201))
open("md/new/3", "w").write(message("ham", 202))
open("md/tmp/4", "w").write(message("ham", 203))
mbox = "".join("From sender@example.org Mon Jan  1 00:00:00 2024\n" + message("ham", 300 + i).replace("\n\n", "\n\n>From the start\n", 1) + "\n" for i in range(4))
open("box.mbox", "w").write(mbox)
rc, out, err = run(["tern-junk", "import"] + A + ["-junk", "dir", "-ham", "md", "-ham", "box.mbox"])
check(rc == 0 and out == "imported 10 ham 7 spam 3 skipped 0\n" and err == "", "import: %d %r %r" % (rc, out, err))
s = stats(A)
check(s.get("ham") == 7 and s.get("spam") == 3, "after import: ham 7 spam 3: %s" % s)
rc, out, err = run(["tern-junk", "import"] + A + ["-ham", "md", "-junk", "nosuch"])
check(rc == 100 and "nosuch" in err and stats(A).get("ham") == 7, "import of a missing path: 100, nothing trained: %r" % err)
# the mbox's messages are those of the directory form: untrain them one by one
for i in range(4):
    rc, _, _ = run(["tern-junk", "untrain"] + A + ["-ham"], message("ham", 300 + i).replace("\n\n", "\n\n>From the start\n", 1).replace(">From", "From"))
check(stats(A).get("ham") == 3, "the 4 mbox messages untrained one by one: ham 3")
w3 = stats(A).get("words")
for i in range(3):
    run(["tern-junk", "untrain"] + A + ["-ham"], message("ham", 200 + i))
    run(["tern-junk", "untrain"] + A + ["-junk"], message("spam", 100 + i))
s = stats(A)
check(s.get("ham") == 0 and s.get("spam") == 0 and s.get("words") == 0 and w3 > 0, "import undone message by message: all 0: %s" % s)

# classify after training: both combinings, -b, -v
for i in range(20):
    open("dir/s%02d" % i, "w").write(message("spam", 400 + i))
    open("md/new/h%02d" % i, "w").write(message("ham", 500 + i))
rc, out, err = run(["tern-junk", "import"] + A + ["-junk", "dir", "-ham", "md"])
check(rc == 0 and out == "imported 46 ham 23 spam 23 skipped 0\n", "second import: %r %r" % (out, err))
for comb in ("ref", "chi"):
    o = ["-o", "combine=%s min-ham=0 min-spam=0" % comb]
    rc, out, err = run(["tern-junk", "classify"] + A + o, message("spam", 999))
    check(rc == 0 and VERDICT.match(out.strip()) and out.startswith("junk ") and float(out.split()[1]) > 0.95, "%s: spam is junk: %r %r" % (comb, out, err))
    rc, out, err = run(["tern-junk", "classify"] + A + o, message("ham", 998))
    check(rc == 0 and out.startswith("ham ") and float(out.split()[1]) < 0.05, "%s: ham is ham: %r %r" % (comb, out, err))
rc, out, err = run(["tern-junk", "classify"] + A + ["-o", "min-ham=24 min-spam=0"], message("spam", 999))
check(rc == 0 and out.startswith("ham ") and out.endswith(" untrained\n"), "min-ham 24 > 23 trained: untrained: %r" % out)
rc, out, err = run(["tern-junk", "classify", "-v"] + A + OPEN, message("spam", 999))
lines = out.splitlines()
wl = [l for l in lines[1:-1] if re.match(r"^  [01]\.\d{3} \d+ \d+ \S.*$", l)]
check(rc == 0 and VERDICT.match(lines[0]) and len(wl) == len(lines) - 2 and len(wl) >= 1, "-v: a line per word: %r" % out[:300])
check(re.match(r"^  words \d+ known [1-9]\d*$", lines[-1] if lines else ""), "-v: last line words/known: %r" % lines[-1:])
check([float(l.split()[0]) for l in wl] == sorted([float(l.split()[0]) for l in wl], reverse=True), "-v: most spammy first")
names = ["dir/s00", "md/new/h00", "nosuch", "dir/s01"]
rc, out, err = run(["tern-junk", "classify", "-b"] + A + OPEN, "\n".join(names) + "\n")
ol = out.splitlines()
check(rc == 111 and len(ol) == 4 and ol[0].startswith("dir/s00 junk ") and ol[1].startswith("md/new/h00 ham ")
      and ol[2] == "nosuch error" and ol[3].startswith("dir/s01 junk "), "-b: a line per name, an error line, 111: %d %r" % (rc, out))
rc, out, err = run(["tern-junk", "train", "-b"] + A + ["-junk"], "dir/s00\ndir/s01\n")
check(rc == 0 and stats(A).get("spam") == 25, "train -b: 2 more spam")
rc, out, err = run(["tern", "junk", "stats"] + A)
check(rc == 0 and "spam 25\n" in out, "tern junk dispatches to tern-junk")

# train -b commits every 1000 files: kill -9 after the first commit
# loses only the batch in progress, and the database opens after it
os.makedirs("many")
for i in range(1500):
    open("many/%04d" % i, "w").write(message("ham", 2000 + i))
p = subprocess.Popen(["tern-junk", "train", "-b", "-d", "killed", "-ham"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
p.stdin.write("".join("many/%04d\n" % i for i in range(1200)).encode())
p.stdin.flush()
deadline = time.time() + 60
while time.time() < deadline and stats(["-d", "killed"]).get("ham") != 1000:
    time.sleep(0.05)
p.kill()
p.wait()
check(stats(["-d", "killed"]).get("ham") == 1000, "kill -9 after the first batch: ham 1000: %s" % stats(["-d", "killed"]))
rc, _, err = run(["tern-junk", "train", "-d", "killed", "-ham"], message("ham", 1))
check(rc == 0 and stats(["-d", "killed"]).get("ham") == 1001, "trains again after the kill: %r" % err)

# -d: a bare account directory, no configuration
rc, out, err = run(["tern-junk", "train", "-d", "bare", "-junk"], message("spam", 1))
check(rc == 0 and stats(["-d", "bare"]).get("spam") == 1 and os.path.isdir("bare/junk"), "-d: bare directory trained: %r" % err)

# progress on a terminal only (stderr a pty here; quiet above, stderr a pipe)
rc, tty = onterminal(["tern-junk", "import"] + A + ["-ham", "md"])
check(rc == 0 and b"\rimport: 23 messages (23 ham, 0 spam)" in tty, "progress on a terminal: %r" % tty[-200:])

# -o with -a changes only what it names: ann's twograms=yes stays
run(["tern-conf", "-c", "c", "add-account", "ann", "ann@example.com"])
p = "c/accounts/ann"
t = open(p).read()
open(p, "w").write(t.replace("onegrams=yes", "onegrams=yes twograms=yes"))
rc, _, err = run(["tern-conf", "-c", "c", "compile"])
check(rc == 0 and "onegrams=yes" in t, "ann with twograms=yes: %r" % err)
AN = ["-c", "c", "-a", "ann"]
for i in range(3):
    run(["tern-junk", "train"] + AN + ["-junk"], message("spam", 700 + i))
rc, out, err = run(["tern-junk", "classify", "-v"] + AN + OPEN, message("spam", 700))
two = [l for l in out.splitlines()[1:-1] if len(l.split(" ")) > 6]
check(rc == 0 and not out.endswith("untrained\n") and len(two) > 0, "-o min-ham=0 keeps ann's twograms=yes: %r" % out[:300])

# a damaged database: 111, one line naming the file
with open(BOB + "/junk/words", "r+b") as f:
    f.write(b"\xff" * 64)
for cmd in (["classify"], ["train", "-junk"], ["stats"]):
    rc, out, err = run(["tern-junk"] + cmd + A, message("spam", 1))
    check(rc == 111 and err.count("\n") == 1 and BOB + "/junk/words" in err and out == "",
          "damaged database: %s: 111, one line naming the file: %d %r" % (cmd[0], rc, err))
exit(report())

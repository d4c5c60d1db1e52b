# junkbench.py (run by junk.bench): bob has the junk filter and automatic
# flags, eve the same flags without a filter; each gets the same
# BENCH_JUNK spam messages of the corpus (JUNK_CORPUS, default
# ../shared/corpus) in Inbox.  Timed on each, one session: MOVE 1:* Junk
# (trains each as spam), MOVE 1:* Archive (untrains, trains as ham),
# STORE 1:* +FLAGS ($Junk) (both flags: untrains), STORE 1:* -FLAGS
# ($NotJunk) (trains as spam), EXPUNGE (untrains).  Prints ms per message
# and the filter's extra.
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "imap", "t"))
import common
from common import setup, sh, Raw

N = int(os.environ.get("BENCH_JUNK", "500"))
corpus = os.environ.get("JUNK_CORPUS", os.path.join(os.environ["TERN_SRC"], "..", "shared", "corpus"))
files = sorted(os.listdir(os.path.join(corpus, "spam")))[:N]
setup()
with open("c/accounts/eve") as f:
    t = f.read()
with open("c/accounts/eve", "w") as f:
    f.write("".join(l for l in t.splitlines(True) if not l.startswith("junk-filter")))
sh("tern-conf -c c compile")
for acct in ("bob", "eve"):
    for name in files:
        with open(os.path.join(corpus, "spam", name), "rb") as f:
            common.deliver(acct, "Inbox", f.read())
steps = [("SELECT Inbox", 0), ("MOVE 1:* Junk", 1), ("SELECT Junk", 0), ("MOVE 1:* Archive", 1), ("SELECT Archive", 0),
         ("STORE 1:* +FLAGS.SILENT ($Junk)", 1), ("STORE 1:* -FLAGS.SILENT ($NotJunk)", 1),
         ("STORE 1:* +FLAGS.SILENT (\\Deleted)", 0), ("EXPUNGE", 1)]
times = {}
for acct in ("bob", "eve"):
    c = Raw()
    c.cmd("LOGIN %s %s-password" % (acct, acct))
    for cmd, timed in steps:
        t0 = time.monotonic()
        out, tagged = c.cmd(cmd)
        if b" OK " not in tagged:
            sys.exit("junkbench: %s %s: %r" % (acct, cmd, tagged))
        if timed:
            times[(acct, cmd)] = time.monotonic() - t0
    c.cmd("LOGOUT")
r = sh("%s/t/junkstate data/accounts/bob" % common.BIN)
print("%d corpus spam messages; bob's filter after the run: %s" % (len(files), r.stdout.decode().strip()))
print("%-36s %12s %12s %12s" % ("command", "filter ms/msg", "none ms/msg", "extra ms/msg"))
for cmd, timed in steps:
    if timed:
        a, b = times[("bob", cmd)] * 1000 / len(files), times[("eve", cmd)] * 1000 / len(files)
        print("%-36s %12.3f %12.3f %12.3f" % (cmd, a, b, a - b))

# bench.py: see backup.bench.
import os, shutil, subprocess, time

BIN = os.environ["TERN_BIN"]
N = int(os.environ.get("TERN_BACKUP_BENCH_N", "100000"))
os.environ["PATH"] = BIN + ":" + os.environ["PATH"]


def sh(cmd):
    r = subprocess.run(cmd, shell=True, capture_output=True)
    assert r.returncode == 0, (cmd, r.stderr)


def timed(cmd, out):
    best = None
    for i in range(3):
        shutil.rmtree(out, ignore_errors=True)
        if os.path.exists(out):
            os.unlink(out)
        t0 = time.monotonic()
        r = subprocess.run(cmd.replace("OUT", out), shell=True, capture_output=True)
        t = time.monotonic() - t0
        assert r.returncode == 0, (cmd, r.stderr)
        best = t if best is None or t < best else best
    return best


os.makedirs("data/accounts")
t0 = time.monotonic()
sh("%s/t/imap-gen %s/data/accounts/bob md %d && rm -rf md" % (BIN, os.getcwd(), N))
print("# generated %d messages in %.1f s; filesystem: %s" % (N, time.monotonic() - t0,
      subprocess.run("df -T . | awk 'NR==2 {print $2}'", shell=True, capture_output=True, text=True).stdout.strip()))
sh("tar -cf - data | cat > /dev/null")   # page cache warm
cp = timed("cp -al data OUT", "o.cp")
cps = timed("cp -al data OUT && sync", "o.cps")
tar = timed("tar -cf OUT data", "o.tar")
bk = timed("tern-backup -q data OUT", "o.bk")
print("benchmark: backup of %d messages: tern-backup %.2f s, cp -al %.2f s (with sync %.2f s), tar -cf %.2f s" % (N, bk, cp, cps, tar))
print("benchmark: tern-backup / cp -al = %.2f (goal <= 1.5); / (cp -al + sync) = %.2f; / tar -cf = %.2f" % (bk / cp, bk / cps, bk / tar))


def rss(cmd):
    """seconds, exit code, peak RSS in MiB of one run (/usr/bin/time)"""
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "rss %M"] + cmd, capture_output=True)
    t = time.monotonic() - t0
    kb = [l for l in r.stderr.decode().splitlines() if l.startswith("rss ")]
    return t, r.returncode, int(kb[-1].split()[1]) / 1024 if kb else -1


shutil.rmtree("o.bk")
t, rc, m = rss(["tern-backup", "-q", "data", "o.bk"])
print("benchmark: tern-backup once more: %.2f s, exit %d, peak RSS %.1f MiB" % (t, rc, m))
if os.path.exists(BIN + "/tern-verify"):
    t, rc, m = rss(["tern-verify", "o.bk"])
    print("benchmark: tern-verify of the backup: %.2f s, exit %d, peak RSS %.1f MiB" % (t, rc, m))

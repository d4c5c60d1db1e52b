# upgrade.py: the upgrade test of one store format version, and the
# making of its directory (tests/upgrade.sh, tests/upgrade/README).
#   python3 upgrade.py make VDIR   tern-gentestdata -seed 1 into VDIR as files
#   python3 upgrade.py test VDIR   restore VDIR in the current directory and
#                                   check that today's tern serves it
# VDIR/tree lists the whole tree gentestdata made (what git cannot keep:
# empty directories, FIFOs, hard links, modes, times) and a checksum of each
# file; VDIR/conf and VDIR/data hold its files, config.cdb left out (it
# holds the absolute datadir of the run and is compiled again).
import os, shutil, stat, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gendata, terntest
from terntest import check

TYPES = {stat.S_IFDIR: "d", stat.S_IFREG: "f", stat.S_IFIFO: "p"}
SKIP = "conf/config.cdb"


def listing(top):
    t, links = gendata.tree(top, dirsize=False)
    out = []
    for p in sorted(t):
        if p == SKIP:
            continue
        typ, mode, nlink, size, mtime, h = t[p]
        out.append("%s %04o %d %d %s %s\n" % (TYPES[typ], mode, mtime // 10**9, size, h or "-", p))
    for g in links:
        out.append("link %s\n" % " ".join(g))
    return "".join(out)


def make(vdir):
    tmp = vdir + ".tmp"
    r = subprocess.run(["tern-gentestdata", tmp, "-seed", "1"])
    if r.returncode:
        sys.exit(r.returncode)
    os.makedirs(vdir)
    with open(os.path.join(vdir, "tree"), "w") as f:
        f.write(listing(tmp))
    for p, dirs, files in os.walk(tmp):
        for n in files:
            src = os.path.join(p, n)
            rel = os.path.relpath(src, tmp)
            if rel != SKIP and stat.S_ISREG(os.lstat(src).st_mode):
                os.makedirs(os.path.dirname(os.path.join(vdir, rel)), exist_ok=True)
                shutil.copyfile(src, os.path.join(vdir, rel))
    shutil.rmtree(tmp)


def restore(vdir, out):
    """out: the tree as gentestdata made it, from vdir's files and its list."""
    lines = open(os.path.join(vdir, "tree")).read().splitlines()
    times = []
    for l in lines:
        w = l.split(" ")
        if w[0] == "link":
            for p in w[2:]:
                os.unlink(os.path.join(out, p))
                os.link(os.path.join(out, w[1]), os.path.join(out, p))
            continue
        typ, mode, mtime, p = w[0], int(w[1], 8), int(w[2]), os.path.join(out, w[5])
        if typ == "d":
            os.makedirs(p, exist_ok=True)
        elif typ == "p":
            os.mkfifo(p)
        else:
            shutil.copyfile(os.path.join(vdir, w[5]), p)
        os.chmod(p, mode)
        times.append((p, mtime))
    os.chmod(out, 0o755)
    for p, mtime in reversed(times):   # contents before their directory
        os.utime(p, (mtime, mtime))
    return "".join(l + "\n" for l in lines)


def test(vdir):
    v = os.path.basename(os.path.abspath(vdir))
    out = os.path.join(os.getcwd(), "v" + v)
    os.mkdir(out)
    want = restore(vdir, out)
    got = listing(out)
    check(got == want, "v%s: the restored tree is the listed one: %s" % (v, [l for l in got.splitlines() if l + "\n" not in want][:3]))
    r = subprocess.run(["tern-conf", "-c", out + "/conf", "compile"], capture_output=True)
    check(r.returncode == 0 and r.stdout == b"", "v%s: tern conf compile: %d %s %s" % (v, r.returncode, r.stdout, r.stderr))
    if os.access(os.path.join(os.environ["TERN_BIN"], "tern-verify"), os.X_OK):
        r = subprocess.run(["tern-verify", "-c", out + "/conf", out + "/data"], capture_output=True)
        check(r.returncode == 0, "v%s: tern verify: %d %s %s" % (v, r.returncode, r.stdout[-500:], r.stderr[-500:]))
    else:
        print("note: v%s: no tern-verify in TERN_BIN: its check is skipped" % v)
    gendata.queue(out + "/conf", check, "v%s: " % v)
    if os.path.exists(os.path.join(vdir, "data/accounts/alice/junk")):
        gendata.junk(out + "/data", check, "v%s: " % v)
    gendata.serve(out + "/conf", out + "/data", check, "v%s: " % v)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "test"):
        sys.exit("usage: upgrade.py make|test VDIR")
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        test(sys.argv[2])
        sys.exit(1 if terntest.report() else 0)

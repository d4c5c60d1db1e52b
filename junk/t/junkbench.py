# junkbench.py: run by junk.bench (make bench).  The corpus
# ($TERN_JUNK_CORPUS, else ../shared/corpus beside the source) is split
# into 5 folds by sorted name index mod 5 in each of ham/ and spam/; for
# each fold tern and bogofilter train on the other four and classify it,
# in one process each.  Prints a table; not pass/fail.
import os, resource, shutil, subprocess, sys, time

SRC = os.environ["TERN_SRC"]
BIN = os.environ.get("TERN_BIN", os.path.join(SRC, "bin"))
CORPUS = os.environ.get("TERN_JUNK_CORPUS", os.path.join(SRC, "..", "shared", "corpus"))
K = 5
BASE = "min-ham=0 min-spam=0"
REF = ("threshold=0.95 onegrams=yes twograms=no threegrams=no max-power=0.01 top-words=10 "
       "ignore-words=0.1 rare-words=2 ")
TWO = "onegrams=yes twograms=yes "
# (row, words trained (a separate database per fold for each), options)
SETTINGS = [
    ("tern default", "", BASE),
    ("tern REF", "", "combine=ref " + REF + BASE),
    ("tern CHI", "", "combine=chi " + BASE),
    ("tern REF t=0.5", "", "combine=ref threshold=0.5 " + BASE),
    ("tern CHI t=0.5", "", "combine=chi threshold=0.5 " + BASE),
    ("tern CHI t=0.8", "", "combine=chi threshold=0.8 " + BASE),
    ("tern CHI t=0.3", "", "combine=chi threshold=0.3 " + BASE),
    ("tern REF 1+2grams", TWO, "combine=ref " + TWO + BASE),
    ("tern CHI 1+2grams", TWO, "combine=chi " + TWO + BASE),
    ("tern CHI 1+2g t=0.5", TWO, "combine=chi threshold=0.5 " + TWO + BASE),
]


def run(argv, names=None, out=True):
    """Runs argv with names on stdin: (stdout, wall seconds, cpu seconds)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(argv, input="".join(n + "\n" for n in names or []).encode(),
                       stdout=subprocess.PIPE if out else subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if p.returncode not in (0, 1, 2) or (argv[0].endswith("tern-junk") and p.returncode):
        sys.exit("junkbench: %s exited %d: %s" % (" ".join(argv[:3]), p.returncode, p.stderr.decode()[-300:]))
    return (p.stdout.decode(errors="replace") if out else ""), wall, cpu


def links(d, names):
    os.makedirs(d)
    for n in names:
        os.symlink(n, os.path.join(d, os.path.basename(n)))


class Acc:
    def __init__(self):
        self.spam = self.caught = self.ham = self.fp = self.unsure_s = self.unsure_h = 0


def score(acc, v, hams, spams, junk, unsure=None):
    for n in spams:
        acc.spam += 1
        acc.caught += v[n][0] == junk
        if unsure is not None:
            acc.unsure_s += v[n][0] == unsure
    for n in hams:
        acc.ham += 1
        acc.fp += v[n][0] == junk
        if unsure is not None:
            acc.unsure_h += v[n][0] == unsure


def main():
    if not os.path.isdir(os.path.join(CORPUS, "ham")) or not shutil.which("bogofilter"):
        print("junkbench: skipped (no corpus at %s, or no bogofilter)" % CORPUS)
        return
    tmp = os.getcwd()
    ham = sorted(os.path.join(CORPUS, "ham", n) for n in os.listdir(os.path.join(CORPUS, "ham")))
    spam = sorted(os.path.join(CORPUS, "spam", n) for n in os.listdir(os.path.join(CORPUS, "spam")))
    print("# corpus: %d ham, %d spam; %d folds (sorted index mod %d)" % (len(ham), len(spam), K, K))
    acc = {name: Acc() for name in ["bogofilter -o 0.5,0.5", "bogofilter default"] + [s[0] for s in SETTINGS]}
    t = {"tern train": [0, 0.0, 0.0], "bogo train": [0, 0.0, 0.0], "tern classify": [0, 0.0, 0.0], "bogo classify": [0, 0.0, 0.0]}
    for k in range(K):
        th = [n for i, n in enumerate(ham) if i % K == k]
        ts = [n for i, n in enumerate(spam) if i % K == k]
        rh = [n for i, n in enumerate(ham) if i % K != k]
        rs = [n for i, n in enumerate(spam) if i % K != k]
        test = th + ts
        # bogofilter
        bd = os.path.join(tmp, "bogo%d" % k)
        os.makedirs(bd)
        _, w1, c1 = run(["bogofilter", "-d", bd, "-s", "-b"], rs, out=False)
        _, w2, c2 = run(["bogofilter", "-d", bd, "-n", "-b"], rh, out=False)
        t["bogo train"][0] += len(rs) + len(rh); t["bogo train"][1] += w1 + w2; t["bogo train"][2] += c1 + c2
        o, w, c = run(["bogofilter", "-d", bd, "-t", "-v", "-b", "-o", "0.5,0.5"], test)
        t["bogo classify"][0] += len(test); t["bogo classify"][1] += w; t["bogo classify"][2] += c
        score(acc["bogofilter -o 0.5,0.5"], parse_bogo(o), th, ts, "S")
        o, _, _ = run(["bogofilter", "-d", bd, "-t", "-v", "-b"], test)
        score(acc["bogofilter default"], parse_bogo(o), th, ts, "S", "U")
        # tern: import from directories of symlinks, then classify with each setting
        fd = os.path.join(tmp, "fold%d" % k)
        links(os.path.join(fd, "spam"), rs)
        links(os.path.join(fd, "ham"), rh)
        ads = {}
        for words in sorted(set(x[1] for x in SETTINGS)):
            ad = ads[words] = os.path.join(tmp, "acct%d%s" % (k, "-2" if words else ""))
            os.makedirs(ad)
            _, w, c = run([os.path.join(BIN, "tern-junk"), "import", "-d", ad, "-o", words + BASE,
                           "-junk", os.path.join(fd, "spam"), "-ham", os.path.join(fd, "ham")], out=False)
            if not words:
                t["tern train"][0] += len(rs) + len(rh); t["tern train"][1] += w; t["tern train"][2] += c
        for name, words, opts in SETTINGS:
            o, w, c = run([os.path.join(BIN, "tern-junk"), "classify", "-d", ads[words], "-o", opts, "-b"], test)
            if name == "tern default":
                t["tern classify"][0] += len(test); t["tern classify"][1] += w; t["tern classify"][2] += c
            score(acc[name], parse_tern(o), th, ts, "junk")
        for ad in ads.values():
            shutil.rmtree(ad)
        shutil.rmtree(bd); shutil.rmtree(fd)
    print("%-22s %14s %16s %8s" % ("filter", "spam caught", "ham marked spam", "unsure"))
    for name, a in acc.items():
        uns = ("%d+%d" % (a.unsure_s, a.unsure_h)) if name == "bogofilter default" else "-"
        print("%-22s %5d/%d %5.1f%% %5d/%d %5.2f%% %8s" % (name, a.caught, a.spam, 100.0 * a.caught / a.spam,
              a.fp, a.ham, 100.0 * a.fp / a.ham, uns))
    print("# bogofilter default: unsure = spam+ham counted U (neither caught nor marked)")
    print("# tern REF: the reference's settings (%s); CHI: Robinson's chi-square; all with %s" % (REF.strip(), BASE))
    print("%-16s %9s %10s %10s %12s" % ("speed", "messages", "wall s", "cpu s", "msg/s (cpu)"))
    for name, (n, w, c) in t.items():
        print("%-16s %9d %10.2f %10.2f %12.0f" % (name, n, w, c, n / c if c else 0))
    tc = t["tern classify"][0] / max(t["tern classify"][2], 1e-9)
    bc = t["bogo classify"][0] / max(t["bogo classify"][2], 1e-9)
    tt = t["tern train"][0] / max(t["tern train"][2], 1e-9)
    bt = t["bogo train"][0] / max(t["bogo train"][2], 1e-9)
    print("ratio tern/bogofilter: classify %.1fx (goal >= 5), train %.1fx (goal >= 1)" % (tc / bc, tt / bt))
    rss(tmp, ham, spam)


def parse_bogo(text):
    v = {}
    for line in text.splitlines():
        f = line.rsplit(" ", 2)
        if len(f) == 3:
            v[f[0]] = (f[1], float(f[2]))
    return v


def parse_tern(text):
    v = {}
    for line in text.splitlines():
        f = line.rsplit(" ", 3)
        if len(f) == 4 and f[3] == "untrained":
            v[f[0]] = (f[1], float(f[2]))
            continue
        f = line.rsplit(" ", 2)
        if len(f) == 3:
            v[f[0]] = (f[1], float(f[2]))
    return v


def rss(tmp, ham, spam):
    """Max RSS of one classification process over every message, with a
    filter trained on the whole corpus."""
    ad, bd = os.path.join(tmp, "acctall"), os.path.join(tmp, "bogoall")
    os.makedirs(ad); os.makedirs(bd)
    links(os.path.join(tmp, "all", "spam"), spam)
    links(os.path.join(tmp, "all", "ham"), ham)
    run([os.path.join(BIN, "tern-junk"), "import", "-d", ad, "-o", BASE, "-junk", os.path.join(tmp, "all", "spam"),
         "-ham", os.path.join(tmp, "all", "ham")], out=False)
    run(["bogofilter", "-d", bd, "-s", "-b"], spam, out=False)
    run(["bogofilter", "-d", bd, "-n", "-b"], ham, out=False)
    one = ham[:1]
    res = {}
    for name, argv in (("tern", [os.path.join(BIN, "tern-junk"), "classify", "-d", ad, "-o", BASE, "-b"]),
                       ("bogofilter", ["bogofilter", "-d", bd, "-t", "-b"])):
        for what, names in (("1 message", one), ("all messages", ham + spam)):
            p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, input="".join(n + "\n" for n in names).encode(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            res[(name, what)] = p.stderr.decode().strip().splitlines()[-1]
    st = subprocess.run([os.path.join(BIN, "tern-junk"), "stats", "-d", ad], stdout=subprocess.PIPE).stdout.decode()
    print("max RSS (KB), filter trained on all %d messages: tern %s (1 message) %s (all), bogofilter %s (1) %s (all)"
          % (len(ham) + len(spam), res[("tern", "1 message")], res[("tern", "all messages")],
             res[("bogofilter", "1 message")], res[("bogofilter", "all messages")]))
    print("# tern stats: " + " ".join(st.split()))
    du = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(bd) for f in fs)
    print("# bogofilter database bytes: %d" % du)


if __name__ == "__main__":
    main()

# junkfix.py: what the junk delivery tests share (queue/t/junk.test,
# smtp-in/t/junk.test): a configuration, an account's filter trained on
# the corpus (../shared/corpus, or $TERN_CORPUS; never copied into the
# repository) with bin/t/junk-train, messages the filter is sure about,
# and the account store read back (mailboxes, index flags).
import os, signal, struct, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
from terntest import check, report

W = os.getcwd()
DATA = W + "/data"
CORPUS = os.environ.get("TERN_CORPUS") or os.path.join(os.environ["TERN_SRC"], "..", "shared", "corpus")
TRAIN = os.path.join(os.environ["TERN_BIN"], "t", "junk-train")
NHAM, NSPAM = 60, 40
F_SEEN, F_JUNK, F_NOTJUNK = 0x1, 0x40, 0x80


def sh(*a, inp=None):
    return subprocess.run(list(a), capture_output=True, input=inp)


def acct(name):
    return DATA + "/accounts/" + name


def setup(accounts):
    """accounts: {name: extra config lines}; junk-filter "off" removes the filter"""
    sh("tern-conf", "-c", "c", "init", "mail.example.org", DATA)
    sh("tern-conf", "-c", "c", "add-domain", "example.org")
    for name, extra in accounts.items():
        sh("tern-conf", "-c", "c", "add-account", name, name + "@example.org")
        p = "c/accounts/" + name
        lines = open(p).read().splitlines()
        if "nofilter" in extra:
            lines = [l for l in lines if not l.startswith("junk-filter")]
        lines += [l for l in extra if l != "nofilter"]
        open(p, "w").write("\n".join(lines) + "\n")
    r = sh("tern-conf", "-c", "c", "compile")
    check(r.returncode == 0, "compile: %r" % r.stderr)


def corpus():
    """(ham files, spam files), sorted"""
    ham = sorted(os.path.join(CORPUS, "ham", n) for n in os.listdir(os.path.join(CORPUS, "ham")))
    spam = sorted(os.path.join(CORPUS, "spam", n) for n in os.listdir(os.path.join(CORPUS, "spam")))
    return ham, spam


def smtpable(path):
    """fits in SMTP DATA as CRLF lines (no NUL, no CR, lines <= 998)"""
    b = open(path, "rb").read()
    return b"\0" not in b and b"\r" not in b and max(len(l) for l in b.split(b"\n")) <= 998


def smtpdata(path):
    """the file as DATA: CRLF, dot-stuffed, ended by CRLF.CRLF"""
    lines = open(path, "rb").read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines) + b".\r\n"


def train(name, ok=lambda f: True):
    """NHAM ham and NSPAM spam into name's filter: (a sure spam, a sure ham)
    among them (and ok), by the filter's own verdict"""
    ham, spam = corpus()
    ham, spam = ham[:NHAM], spam[:NSPAM]
    r1 = sh(TRAIN, acct(name), "-ham", *ham)
    r2 = sh(TRAIN, acct(name), "-junk", *spam)
    check(r1.returncode == 0 and r2.returncode == 0, "junk-train: %r %r" % (r1.stderr, r2.stderr))
    check(stats(name) == (NHAM, NSPAM), "trained %d ham and %d spam: %r" % (NHAM, NSPAM, stats(name)))
    return (pick(name, [f for f in spam if ok(f)], lambda p, j, s: j and s and p >= 0.99),
            pick(name, [f for f in ham if ok(f)], lambda p, j, s: s and not j and p <= 0.05))


def pick(name, files, good):
    r = sh(TRAIN, acct(name), "-classify", *files)
    for f, line in zip(files, r.stdout.decode().splitlines()):
        p, j, s = line.split()
        if good(float(p), int(j), int(s)):
            return f
    check(False, "a message the filter is sure about among %d: %r" % (len(files), r.stdout[:200]))
    return files[0]


def stats(name):
    r = sh(TRAIN, acct(name), "-stats")
    return tuple(int(x) for x in r.stdout.split()) if r.returncode == 0 else None


def mailboxes(name):
    """{name: (id, specialuse)}"""
    out = {}
    try:
        lines = open(acct(name) + "/mailboxes").read().splitlines()[1:]
    except OSError:
        return out
    for l in lines:
        i, _, _, su, n = l.split(" ", 4)
        out[n] = (int(i), su)
    return out


def records(name, mbox):
    """[(uid, flags)] of a mailbox's index"""
    m = mailboxes(name).get(mbox)
    if not m:
        return []
    b = open("%s/mail/%d/index" % (acct(name), m[0]), "rb").read()
    return [struct.unpack_from("<II", b, o) for o in range(64, len(b) - 63, 64)]


def stop(p):
    """a runner we started: TERM, by its pid"""
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()


def waitfor(f, secs=60):
    end = time.time() + secs
    while time.time() < end:
        v = f()
        if v:
            return v
        time.sleep(0.05)
    return f()

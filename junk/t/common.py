# common.py: what the junk tests share: a config with accounts bob (junk
# filter) and eve (none), messages from two vocabularies, running tern-junk,
# tern-retrain and bin/t/junk-store.
import os, random, re, subprocess, sys

sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check, report

D = os.getcwd()
BIN = os.environ["TERN_BIN"]
BOB = os.path.join(D, "data", "accounts", "bob")

SPAMWORDS = "viagra cheap pills casino winner lottery prize unsubscribe offer million".split()
HAMWORDS = "meeting agenda project report schedule review budget minutes draft colleague".split()


def run(argv, inp=b"", env=None):
    """(exit code, stdout text, stderr text); env: variables added"""
    if isinstance(inp, str):
        inp = inp.encode()
    p = subprocess.run(argv, input=inp, capture_output=True, env=dict(os.environ, **env) if env else None)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def onterminal(argv):
    """argv run with its stderr a terminal (a pty): (exit code, what the
    terminal got)"""
    import pty
    mfd, sfd = pty.openpty()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=sfd)
    os.close(sfd)
    tty = b""
    while True:
        try:
            b = os.read(mfd, 4096)
        except OSError:
            break
        if not b:
            break
        tty += b
    os.close(mfd)
    return p.returncode, tty


def setup():
    for c in (["tern-conf", "-c", "c", "init", "mail.example.com", D + "/data"],
              ["tern-conf", "-c", "c", "add-domain", "example.com"],
              ["tern-conf", "-c", "c", "add-account", "bob", "bob@example.com"],
              ["tern-conf", "-c", "c", "add-account", "eve", "eve@example.com"]):
        rc, _, err = run(c)
        assert rc == 0, err
    # eve has no junk filter
    p = os.path.join(D, "c", "accounts", "eve")
    lines = [l for l in open(p).read().split("\n") if not l.startswith("junk-filter")]
    open(p, "w").write("\n".join(lines))
    rc, _, err = run(["tern-conf", "-c", "c", "compile"])
    assert rc == 0, err


def message(kind, n, rnd=None):
    """A message of the spam or ham vocabulary, number n."""
    rnd = rnd or random.Random(n * 2 + (kind == "spam"))
    words = SPAMWORDS if kind == "spam" else HAMWORDS
    body = " ".join(rnd.choice(words) for _ in range(30))
    return ("From: sender%d@example.org\nTo: bob@example.com\nSubject: %s %s\n"
            "Message-ID: <%s%d@example.org>\n\n%s\n" % (n, words[n % 10], words[(n + 3) % 10], kind, n, body))


def stats(args):
    rc, out, err = run(["tern-junk", "stats"] + args)
    if rc:
        return {"rc": rc, "err": err}
    return {k: int(v) for k, v in (l.split(" ") for l in out.splitlines())}


def store(*args, inp=b""):
    return run([os.path.join(BIN, "t", "junk-store"), BOB] + list(args), inp)


def states():
    """[(mailbox, uid, flags, train)] for every live message of bob."""
    rc, out, err = store("states")
    assert rc == 0, err
    return [tuple(l.split(" ")) for l in out.splitlines()]


WANT = {"junk": "spam", "notjunk": "ham", "both": "none", "none": "none"}


def states_match():
    s = states()
    bad = [x for x in s if WANT[x[2]] != x[3]]
    return len(s) > 0 and not bad, bad


RETRAIN = re.compile(r"^retrain (\S+) messages=(\d+) ham=(\d+) spam=(\d+) unparsable=(\d+) seconds=\d+\.\d$")

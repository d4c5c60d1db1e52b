# junk/t/hostile.test: a 100 MB message (on a pipe: read to its end, only
# max-bytes of it kept), broken base64 and quoted-printable, unknown
# charsets, 1,000 nested multiparts, a word of 1 MB, NUL bytes: each
# through tern-junk classify and train and tern-queue-local -j, with its
# CPU time and peak RSS (wait4) under bounds and one clean result.
import os, random, re, subprocess, threading
from common import *

MiB = 1 << 20
CPUMAX = 20.0           # seconds of CPU per run (a 100 MB read is about 0.1 s)
RSSMAX = 48 * 1024      # KiB per run: well under the 100 MB message.  The
# peak RSS that wait4 gives includes this python's (about 15 MB: Linux keeps
# the high-water mark across fork and exec); make check-asan's programs get 4x.
ASAN = b"__asan_init" in open(os.path.join(BIN, "tern-junk"), "rb").read()
RSSMAX *= 4 if ASAN else 1
A = ["-c", "c", "-a", "bob"]


def lines(n, seed):
    rnd = random.Random(seed)
    w = SPAMWORDS + HAMWORDS
    return ("\n".join(" ".join(rnd.choice(w) for _ in range(12)) for _ in range(n)) + "\n").encode()


def big():
    yield b"From: a@example.org\nSubject: big one\nContent-Type: text/plain\n\n"
    block = lines(1000, 1)
    for _ in range(100 * MiB // len(block) + 1):
        yield block


def rnd(n, seed, mask=0):
    r = random.Random(seed)
    return bytes(r.getrandbits(8) | mask for _ in range(n))


def nested(n):
    s = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(n))
    s += b"Content-Type: text/plain\n\ndeepword viagra\n"
    return s + b"".join(b"--b%d--\n" % i for i in reversed(range(n)))


def charsets():
    s = b"Content-Type: multipart/mixed; boundary=b\n\n"
    for i, cs in enumerate([b"x-bogus", b"UTF-16", b"UTF-7", b"ISO-2022-JP", b"../../etc/passwd", b"IBM037", b""] * 20):
        s += b'--b\nContent-Type: text/plain; charset="' + cs + b'"\n\n' + rnd(3000, i) + b"\n"
    return s + b"--b--\n"


CASES = [
    ("a 100 MB message", big),
    ("broken base64", lambda: [b"Content-Transfer-Encoding: base64\n\n" + rnd(MiB, 2)]),
    ("broken quoted-printable", lambda: [b"Content-Transfer-Encoding: quoted-printable\n\n" + b"=\r=Z==4x=\n=" * 100000]),
    ("unknown charsets", lambda: [charsets()]),
    ("1,000 nested multiparts", lambda: [nested(1000)]),
    ("a word of 1 MB", lambda: [b"Subject: x\n\nhead " + b"a" * MiB + b" tail\n"]),
    ("NUL bytes", lambda: [b"Subject: x\n\n" + b"abc\0de\0f" * (MiB // 8)]),
]


def measure(argv, chunks):
    """argv with the chunks on a pipe: (exit code, stdout, stderr, CPU s, peak RSS KiB)"""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = {}
    ts = [threading.Thread(target=lambda n=n, f=f: got.__setitem__(n, f.read())) for n, f in (("out", p.stdout), ("err", p.stderr))]
    for t in ts:
        t.start()
    try:
        for c in chunks:
            p.stdin.write(c)
        p.stdin.close()
    except BrokenPipeError:
        pass
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    for t in ts:
        t.join()
    return p.returncode, got["out"].decode(errors="replace"), got["err"].decode(errors="replace"), ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def bounded(what, r):
    print("# %s: %.2f s CPU, %d KiB RSS" % (what, r[3], r[4]))
    check(r[3] < CPUMAX and r[4] < RSSMAX, "%s: %.2f s CPU, %d KiB RSS (bounds %.0f s, %d KiB)" % (what, r[3], r[4], CPUMAX, RSSMAX))


setup()
for i in range(12):
    for kind, flag in (("spam", "-junk"), ("ham", "-ham")):
        rc, _, err = run(["tern-junk", "train"] + A + [flag], message(kind, i))
        assert rc == 0, err
VERDICT = re.compile(r"^(junk|ham) [01]\.\d\d")
for what, gen in CASES:
    r = measure(["tern-junk", "classify"] + A, gen())
    check(r[0] == 0 and VERDICT.match(r[1]) and len(r[1].splitlines()) == 1 and not r[2], "classify %s: one verdict: %r %r" % (what, r[1], r[2][-300:]))
    bounded("classify " + what, r)
# the measure sees memory: keeping the whole 100 MB breaks the bound
if not ASAN:
    r = measure(["tern-junk", "classify"] + A + ["-o", "max-bytes=1073741824"], big())
    print("# classify the 100 MB message with max-bytes 1 GiB: %.2f s CPU, %d KiB RSS" % (r[3], r[4]))
    check(r[0] == 0 and r[4] > RSSMAX, "with max-bytes 1 GiB the 100 MB message is held: %d KiB > %d" % (r[4], RSSMAX))
# training: a clean commit each, the counts one more each time
for n, (what, gen) in enumerate(CASES):
    r = measure(["tern-junk", "train"] + A + ["-junk"], gen())
    check(r[0] == 0 and not r[2] and stats(A).get("spam") == 13 + n, "train %s: trained: %r %r" % (what, r[2][-300:], stats(A)))
    bounded("train " + what, r)
# delivery: tern-queue-local -j classifies at most max-bytes of the file
os.makedirs("msgs", exist_ok=True)
for n, (what, gen) in enumerate(CASES):
    path = "msgs/%d" % n
    with open(path, "wb") as f:
        for c in gen():
            f.write(c)
    with open(path, "rb") as f:
        p = subprocess.Popen(["tern-queue-local", "-j", "-c", "c", "bob"], stdin=f, stderr=subprocess.PIPE)
        err = p.stderr.read().decode(errors="replace")
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    check(p.returncode == 0 and re.search(r"^tern-queue-local: info: junk account=bob junk=\S+", err, re.M),
          "deliver %s: delivered, the verdict logged: %r" % (what, err[-300:]))
    bounded("deliver " + what, (0, "", "", ru.ru_utime + ru.ru_stime, ru.ru_maxrss))
    os.unlink(path)
report()

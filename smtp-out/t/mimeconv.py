# mimeconv.py: tern-smtp-out's conversions (bin/t/smtp-mime: 1 lines over
# 998 bytes, 2 also the 8BITMIME downgrade) on 400 random messages (top
# level or multipart; leaves unlabelled, 7bit, 8bit, binary,
# quoted-printable or base64; lines of 0 to 2,500 bytes, 8-bit bytes,
# blanks at line ends, "=" and dots): no line over 998 bytes, no 8-bit
# byte after a downgrade, and every leaf the same once decoded (python's
# email package).  Each property over all messages is one check.
import base64, email, email.policy, os, quopri, random, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check

H = os.path.join(os.environ["TERN_BIN"], "t", "smtp-mime")
random.seed(14)


def rline():
    k = random.choice([0, 1, 5, 60, 75, 76, 77, 998, 999, 1000, 2500])
    alpha = random.choice([b"ab =.\t", b"ab\xc3\xa9 ", bytes(range(256)).replace(b"\r", b"").replace(b"\n", b""), b"x"])
    l = bytes(random.choice(alpha) for _ in range(k))
    return l + (random.choice([b" ", b"\t", b"  \t"]) if random.random() < 0.2 else b"")


def body():
    return b"\r\n".join(rline() for _ in range(random.randint(0, 6))) + random.choice([b"", b"\r\n"])


def leaf():
    cte, b = random.choice([None, "8bit", "7bit", "binary", "qp", "b64"]), body()
    h = b"Content-Type: text/plain; charset=utf-8\r\n" if random.random() < .7 else b""
    if cte == "qp":
        b = quopri.encodestring(b.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")
        h += b"Content-Transfer-Encoding: quoted-printable\r\n"
    elif cte == "b64":
        e, w = base64.b64encode(b), random.choice([76, 2000])
        b = b"\r\n".join(e[i:i + w] for i in range(0, len(e), w)) + b"\r\n"
        h += b"Content-Transfer-Encoding: base64\r\n"
    elif cte: h += b"Content-Transfer-Encoding: " + cte.encode() + b"\r\n"
    return h + b"\r\n" + b


def message():
    if random.random() < 0.5: return b"Subject: t\r\n" + leaf()
    parts = [leaf() for _ in range(random.randint(1, 4))]
    return (b"MIME-Version: 1.0\r\nSubject: m\r\nContent-Type: multipart/mixed; boundary=\"=_b\"\r\n\r\npre\r\n" +
            b"".join(b"--=_b\r\n" + p + b"\r\n" for p in parts) + b"--=_b--\r\nepi\r\n")


def leaves(b):
    m = email.message_from_bytes(b, policy=email.policy.compat32)
    return [(p.get_payload(decode=True) or b"").replace(b"\r\n", b"\n") for p in m.walk() if not p.is_multipart()]


stats = {"long": [], "8bit": [], "diff": [], "failed": [], "changed1": 0, "changed2": 0, "scan": []}
for i in range(400):
    m = message()
    open("m", "wb").write(m)
    p = subprocess.run([H, "0", "m"], capture_output=True)
    if p.returncode or p.stdout != m: stats["scan"].append(i)
    for mode in (1, 2):
        p = subprocess.run([H, str(mode), "m"], capture_output=True)
        if p.returncode: stats["failed"].append((i, mode, p.stderr)) ; continue
        out = p.stdout
        stats["changed%d" % mode] += out != m
        if any(len(l) > 998 for l in out.split(b"\r\n")): stats["long"].append((i, mode))
        if mode == 2 and any(c > 127 for c in out): stats["8bit"].append(i)
        if leaves(out) != leaves(m): stats["diff"].append((i, mode))
check(not stats["failed"], "every message converted: %r" % stats["failed"][:5])
check(not stats["long"], "no line over 998 bytes: %r" % stats["long"][:5])
check(not stats["8bit"], "no 8-bit byte after a downgrade: %r" % stats["8bit"][:5])
check(not stats["diff"], "every leaf the same once decoded: %r" % stats["diff"][:5])
check(not stats["scan"], "the scan leaves the message as it is: %r" % stats["scan"][:5])
check(stats["changed1"] > 50 and stats["changed2"] > stats["changed1"], "conversions were made: %r" % stats)
print("400 random messages: %d converted for long lines, %d for the downgrade" % (stats["changed1"], stats["changed2"]))
terntest.report()

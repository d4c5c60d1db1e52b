# threadbig.py: THREAD REFERENCES with bounded resources: one message
# with 3000 References ids (more ids than messages: the id table grows
# with the ids), a 1000-message In-Reply-To chain (no walk to the root per
# link), and a comb (each message of a 500-long spine has a leaf too: the
# answer nests 500 deep, written without recursion); each answer checked
# against the shape, within a deadline.  Prints "N passed, N failed".
import os, signal, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common, terntest
from common import check, setup, Raw


def thread(c, cmd="THREAD REFERENCES UTF-8 ALL"):
    t0 = time.time()
    out, tagged = c.cmd(cmd)
    lines = [l for l in out if l.startswith(b"* THREAD")]
    return tagged, (lines[0][9:].rstrip() if lines else None), time.time() - t0


def box(c, name, msgs):
    """the messages into a new mailbox, 8 a MULTIAPPEND, and select it"""
    c.cmd("CREATE " + name)
    ok = True
    for k in range(0, len(msgs), 8):
        c.n += 1
        tag = b"t%d" % c.n
        c.send(tag + b" APPEND " + name.encode() + b"".join(b" {%d+}\r\n" % len(m) + m for m in msgs[k:k + 8]) + b"\r\n")
        ok = ok and b" OK" in c.until(tag)[1]
    check(ok, "MULTIAPPEND to " + name)
    c.cmd("SELECT " + name)


def hung(sig, frame):
    # a hang fails the test, not the run: the looping server goes too
    c.proc.kill()
    check(False, "THREAD did not answer in time")
    terntest.report()
    os._exit(1)


setup()
c = Raw()
signal.signal(signal.SIGALRM, hung)
signal.alarm(int(os.environ.get("THREADBIG_ALARM", "240")))
c.cmd("LOGIN bob bob-password")

refs = b" ".join(b"<r%d@x>" % k for k in range(3000))
box(c, "many", [b"Message-ID: <a@x>\r\nReferences: " + refs + b"\r\nSubject: s\r\n\r\nx\r\n",
                b"Message-ID: <b@x>\r\nReferences: <r2999@x>\r\nSubject: t\r\n\r\nx\r\n"])
tagged, got, dt = thread(c)
check(b" OK" in tagged and got == b"((1)(2))", "3000 references: %r %r" % (tagged, got))

N = 1000
box(c, "chain", [b"Message-ID: <c%d@x>\r\n%sSubject: chain\r\nDate: Mon, 1 Jan 2024 00:%02d:%02d +0000\r\n\r\nx\r\n"
                 % (k, b"In-Reply-To: <c%d@x>\r\n" % (k - 1) if k else b"", k // 60 % 60, k % 60) for k in range(N)])
tagged, got, dt = thread(c)
check(b" OK" in tagged and got == b"(" + b" ".join(b"%d" % k for k in range(1, N + 1)) + b")",
      "1000-message chain: %r %r..." % (tagged, (got or b"")[:60]))

S = 400
msgs = []
for k in range(S):
    parent = b"In-Reply-To: <s%d@x>\r\n" % (k - 1) if k else b""
    msgs.append(b"Message-ID: <s%d@x>\r\n%sSubject: comb\r\n\r\nx\r\n" % (k, parent))
    if k:
        msgs.append(b"Message-ID: <l%d@x>\r\nIn-Reply-To: <s%d@x>\r\nSubject: comb\r\n\r\nx\r\n" % (k, k - 1))
box(c, "comb", msgs)
tagged, got, dt = thread(c)
# spine message k (k >= 1) is number 2k and its leaf 2k+1, both children
# of spine message k-1 (s0 is 1); built from the inside out
inner = b"(%d)(%d)" % (2 * (S - 1), 2 * (S - 1) + 1)
for k in range(S - 2, 0, -1):
    inner = b"(%d %s)(%d)" % (2 * k, inner, 2 * k + 1)
want = b"(1 " + inner + b")"
check(b" OK" in tagged and got == want, "comb 400 deep: %r %r..." % (tagged, (got or b"")[:80]))
check(got is not None and got.count(b"(") == got.count(b")") == 1 + 2 * (S - 1), "comb: parentheses")
c.cmd("LOGOUT")
sys.exit(1 if terntest.report() else 0)

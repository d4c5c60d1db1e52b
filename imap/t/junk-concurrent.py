# junk-concurrent.py: two tern-imap sessions of bob train at once (the junk
# lock serialises them): APPENDs into Junk side by side, then flag changes
# crossing on the same messages, then both expunging the same messages,
# then MOVEs racing STOREs.
# The counts must equal what the messages' states say, and the states
# what their flags ask.  Prints "N passed, N failed".
import os, sys, threading
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, Raw
from junkcommon import jmsg, state, counts, word

N = 12
setup()
a, b = Raw(), Raw()
for c in (a, b):
    check(b" OK " in c.cmd("LOGIN bob bob-password")[1], "login")
tagged = {}


def both(fa, fb):
    ta, tb = threading.Thread(target=fa), threading.Thread(target=fb)
    ta.start(), tb.start()
    ta.join(120), tb.join(120)
    check(not ta.is_alive() and not tb.is_alive(), "both sessions done")


def appends(c, base):
    def f():
        for i in range(base, base + N):
            m = jmsg(i)
            out, t = c.cmd(b"APPEND Junk {%d+}\r\n" % len(m) + m)
            tagged.setdefault(base, []).append(t)
    return f


both(appends(a, 0), appends(b, 100))
check(all(b" OK " in t for k in tagged for t in tagged[k]) and sum(len(v) for v in tagged.values()) == 2 * N, "all APPENDs OK")
h, s, w, got = state("bob", "Junk")
check((h, s) == (0, 2 * N), "nspam=%d after %d APPENDs in two sessions: %r" % (2 * N, 2 * N, (h, s)))
check(sorted(got.values()) == ["J spam"] * (2 * N), "every message trained as spam: %r" % got)


def stores(c, order, item):
    def f():
        c.cmd("SELECT Junk")
        for k in order:
            c.cmd("STORE %d %s" % (k, item))
    return f


both(stores(a, range(1, 2 * N + 1), "+FLAGS ($NotJunk)"), stores(b, range(2 * N, 0, -1), "-FLAGS ($Junk)"))
h, s, w, got = state("bob", "Junk")
check((h, s) == (2 * N, 0), "after crossing STOREs: nham=%d nspam=0: %r" % (2 * N, (h, s)))
check(sorted(got.values()) == ["N ham"] * (2 * N), "every message ham: %r" % got)
ws = [word(i) for i in list(range(N)) + list(range(100, 100 + N))]
c = counts("bob", *ws)
check(c == {w: (1, 0) for w in ws}, "each message's own word: ham 1, spam 0: %r" % c)
a.cmd("STORE 1:* +FLAGS.SILENT (\\Deleted)")
b.cmd("NOOP")


def expunge(c):
    def f():
        tagged[c] = c.cmd("EXPUNGE")[1]
    return f


both(expunge(a), expunge(b))
check(b" OK " in tagged[a] and b" OK " in tagged[b], "both EXPUNGEs OK: %r %r" % (tagged[a], tagged[b]))
h, s, w, got = state("bob", "Junk")
check((h, s, w, got) == (0, 0, 0, {}), "both expunged the same messages: each untrained once: %r" % ((h, s, w, got),))


# MOVEs racing STOREs on the same messages: whichever comes first, each
# ends in Junk as $Junk, trained as spam once, its ham training (if B's
# STORE came first) taken back
def moves(c):
    def f():
        c.cmd("SELECT Inbox")
        for k in range(1, 2 * N + 1):
            c.cmd("UID MOVE %d Junk" % (first + k - 1))
    return f


def notjunk(c):
    def f():
        c.cmd("SELECT Inbox")
        for k in range(2 * N, 0, -1):
            out, t = c.cmd("UID STORE %d +FLAGS ($NotJunk)" % (first + k - 1))
            applied.append(any(b"$NotJunk" in l for l in out))
    return f


first, applied = None, []
for i in range(200, 200 + 2 * N):
    m = jmsg(i)
    out, t = a.cmd(b"APPEND Inbox {%d+}\r\n" % len(m) + m)
    if first is None:
        first = int(t.split(b"APPENDUID ")[1].split()[1].rstrip(b"]"))
both(moves(a), notjunk(b))
print("info: %d of %d STOREs came before their MOVE" % (sum(applied), len(applied)))
h, s, w, got = state("bob", "Inbox", "Junk")
check((h, s) == (0, 2 * N), "after MOVEs racing STOREs: nham=0 nspam=%d: %r" % (2 * N, (h, s)))
check(sorted(got.values()) == ["J spam"] * (2 * N) and all(k[0] == "Junk" for k in got), "every message in Junk, spam: %r" % got)
ws = [word(i) for i in range(200, 200 + 2 * N)]
c = counts("bob", *ws)
check(c == {w: (0, 1) for w in ws}, "each message's own word: ham 0, spam 1: %r" % c)
for c in (a, b):
    c.cmd("LOGOUT")
    c.proc.wait(10)
common.terntest.report()

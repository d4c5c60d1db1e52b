# terntest.py: what every python test of tern shares: check() counts,
# report() prints the "N passed, N failed" line that tests/run reads,
# freeport() finds a free port on 127.0.0.1.
# Import with: sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import socket

npass = nfail = 0


def check(cond, what):
    global npass, nfail
    if cond:
        npass += 1
    else:
        nfail += 1
        print("FAIL " + what)


def report():
    """Print the closing line; return the number of failures."""
    print("%d passed, %d failed" % (npass, nfail))
    return nfail


def freeport():
    """A TCP port of 127.0.0.1 free a moment ago (callers retry if taken)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

# terntest.py: what every python test of tern shares: check() counts,
# report() prints the "N passed, N failed" line that tests/run reads.
# Import with: sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
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

# bkcommon.py: what the tern-backup tests share: a configuration with
# accounts, store delivery and dumps (bin/t/deliver, bin/t/bkstore), an
# IMAP session over a socketpair (imap/t/common.py's Raw), a checksum of a whole tree.
import hashlib, os, stat, subprocess, sys

D = os.getcwd()
BIN = os.environ["TERN_BIN"]
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "imap", "t"))
import terntest
from terntest import check, report
from common import Raw


def sh(cmd, inp=None):
    return subprocess.run(cmd, shell=True, capture_output=True, input=inp)


def setup(accounts=("bob", "eve")):
    cmds = ["tern-conf -c c init mail.example.com %s/data" % D, "tern-conf -c c add-domain example.com"]
    cmds += ["tern-conf -c c add-account %s %s@example.com" % (a, a) for a in accounts]
    for c in cmds:
        r = sh(c)
        assert r.returncode == 0, (c, r.stderr)
    for a in accounts:
        r = sh("tern-passwd -c c %s" % a, (a + "-password\n").encode())
        assert r.returncode == 0, r.stderr


def deliver(acct, box, msg, count=1, data="data"):
    r = sh("%s/t/deliver %s/accounts/%s %s %s" % (BIN, data, acct, box, count if count > 1 else ""), msg)
    assert r.returncode == 0, r.stderr
    return int(r.stdout)


def dump(acctdir):
    r = sh("%s/t/bkstore dump %s" % (BIN, acctdir))
    return r.stdout


def storecheck(acctdir):
    """tern_store_check's problems: (0 or 1, lines); ACCT/credentials (made by
    tern-passwd) is not a problem, though h-verify's check (merged) says
    'unknown file': their known gap, filtered here"""
    r = sh("%s/t/bkstore check %s" % (BIN, acctdir))
    lines = [l for l in r.stdout.splitlines() if not l.endswith(b"/credentials: unknown file")]
    return (1 if lines or r.returncode not in (0, 1) else 0), b"\n".join(lines)


def msg(i, box="x"):
    return (b"From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: hello %d\r\n"
            b"Message-ID: <m%d.%s@x>\r\n\r\nbody text %d\r\n" % (i, i, box.encode(), i))


def tree(top):
    """{relative path: (type, mode, size, mtime, inode, sha256)} of a tree, FIFOs not opened"""
    out = {}
    for dirpath, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            h = ""
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    h = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(p, top)] = (stat.S_IFMT(st.st_mode), st.st_mode & 0o7777, st.st_size if h else 0,
                                            st.st_mtime_ns if h else 0, st.st_ino, h)
    return out


def lastline(path):
    try:
        with open(path, "rb") as f:
            return f.read().rstrip(b"\n").split(b"\n")[-1]
    except FileNotFoundError:
        return None


class Imap(Raw):
    """imap/t/common.py's raw client (tern-imap over a socketpair, -c c;
    cmd() returns (untagged lines, tagged line)), quiet, with close()"""

    def __init__(self):
        Raw.__init__(self, stderr=subprocess.DEVNULL)

    def close(self):
        try:
            self.cmd("LOGOUT")
        except OSError:
            pass
        self.sock.close()
        self.proc.wait(30)


def populate():
    """bob: Inbox (flags, keywords, an expunge), Archive (a COPY); eve: Inbox,
    Work/Reports; a held queued message: its id"""
    setup()
    for i in range(1, 6):
        deliver("bob", "Inbox", msg(i))
    for i in range(6, 9):
        deliver("bob", "Archive", msg(i))
    deliver("eve", "Inbox", msg(20))
    deliver("eve", "Work/Reports", msg(21))
    """bob: Inbox (flags, keywords, an expunge), Archive (a COPY); eve: Inbox,
    Work/Reports; a held queued message: its id"""
    bk = BIN + "/t/bkstore"
    for c in ["flags data/accounts/bob Inbox 2 5 projectx $label1", "flags data/accounts/bob Inbox 3 40",
              "expunge data/accounts/bob Inbox 4", "flags data/accounts/eve Inbox 1 1 todo"]:
        r = sh(bk + " " + c)
        assert r.returncode == 0, (c, r.stderr)
    s = Imap()
    r = s.cmd("LOGIN bob bob-password")
    assert r[1].startswith(b"t1 OK"), r
    s.cmd("SELECT Inbox")
    r = s.cmd("UID COPY 1 Archive")
    assert b"OK" in r[1], r
    s.close()
    r = sh("echo hello | tern-queue-inject -c c -f a@example.com x@example.org y@example.org")
    qid = r.stderr.split(b"id=")[1].split()[0].decode()
    r = sh("tern-queue -c c hold " + qid)
    assert os.path.exists("data/queue/state/" + qid), r
    return qid

# junk.py: the junk database in a backup is one state, and agrees with the
# training states of the copied messages: while a trainer marks messages
# $Junk one after the other (one process) (each a commit: journal, states in the index, words),
# backups are taken; in each, the database's spam total equals the number
# of records trained as spam, the words file is whole (it opens, its
# header is checked), and at the end a quiet backup's words file equals
# the source's byte for byte.
import fcntl, os, re, subprocess, threading, time
from bkcommon import *


def trained(acctdir):
    n = 0
    for l in dump(acctdir).decode().splitlines():
        m = re.match(r"  uid \d+ flags ([0-9a-f]+) ", l)
        if m and (int(m.group(1), 16) >> 16) & 3 == 2 and not int(m.group(1), 16) & 0x8000:
            n += 1
    return n


def stats(acctdir):
    r = sh("%s/t/bkstore junkstats %s" % (BIN, acctdir))
    m = re.match(rb"junk nham (\d+) nspam (\d+) words (\d+)", r.stdout)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if r.returncode == 0 and m else None


def main():
    setup(["bob"])
    N = 120
    for i in range(1, N + 1):
        deliver("bob", "Inbox", b"Subject: offer %d\r\nMessage-ID: <j%d@x>\r\n\r\ncheap pills number%d win money\r\n" % (i, i, i))
    done = threading.Event()
    errs = []

    backups = [0]

    def trainer():
        # ten at a time, and a backup ends between two tens: the training
        # spans many backups however fast either side is (make check-asan)
        for c in range(0, N, 10):
            seen, end = backups[0], time.monotonic() + 60
            while c and backups[0] == seen and time.monotonic() < end:
                time.sleep(0.01)
            r = sh("%s/t/bkstore spam data/accounts/bob Inbox %s" % (BIN, " ".join(str(i) for i in range(c + 1, c + 11))))
            if r.returncode:
                errs.append(r.stderr)
        done.set()

    t = threading.Thread(target=trainer)
    t.start()
    k = 0
    bad = []
    while not done.is_set() and k < 400:
        r = subprocess.run(["tern-backup", "data", "b%d" % k], capture_output=True)
        st, n = stats("b%d/accounts/bob" % k), trained("b%d/accounts/bob" % k)
        if r.returncode or lastline("b%d/version" % k) != b"complete" or st is None or st[1] != n or st[0] != 0:
            bad.append((k, r.returncode, r.stderr, st, n))
        k += 1
        backups[0] = k
    check(not bad, "every backup during the training is complete and its spam total equals the messages trained as spam: %r" % bad[:3])
    t.join(300)
    print("%d backups during %d trainings" % (k, N))
    check(not errs, "the trainer ran without errors: %r" % errs[:3])
    check(k >= 3 and 0 < stats("b0/accounts/bob")[1] + 1, "at least 3 backups were taken while it trained: %d" % k)
    r = subprocess.run(["tern-backup", "data", "last"], capture_output=True)
    st = stats("data/accounts/bob")
    check(r.returncode == 0 and st == stats("last/accounts/bob") and st[1] == N == trained("last/accounts/bob"),
          "after training, the backup's totals are the source's: %r" % (st,))
    check(open("last/accounts/bob/junk/words", "rb").read() == open("data/accounts/bob/junk/words", "rb").read()
          and sorted(os.listdir("last/accounts/bob/junk")) == ["lock", "words"], "words copied byte for byte, with lock")
    check(os.stat("last/accounts/bob/junk/words").st_ino != os.stat("data/accounts/bob/junk/words").st_ino, "a copy, not a link")
    lines = open("data/accounts/bob/mailboxes").read().splitlines()[1:]
    prev, last = lines[-2].split()[0], lines[-1].split()[0]
    fd = os.open("data/accounts/bob/mail/%s/index" % last, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    p = subprocess.Popen(["tern-backup", "data", "held"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not os.path.exists("held/accounts/bob/mail/%s/index" % prev) and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.02)
    busy = False
    with open("data/accounts/bob/junk/lock") as j:
        try:
            fcntl.flock(j, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            busy = True
    check(p.poll() is None and busy, "the backup waits on the last mailbox's lock, holding the junk lock")
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    check(p.wait(60) == 0 and lastline("held/version") == b"complete", "then it ends, complete")
    return report()


raise SystemExit(1 if main() else 0)

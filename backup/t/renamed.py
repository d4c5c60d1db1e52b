# renamed.py: tern-backup's scan of pool/ and tmp/ (tern-backup(8); the
# check is tern_qleft_check's, tern_queue.h) once it holds a file's flock
# looks again at its name: a file renamed away between the open and the
# lock (its writer committed, and the message was delivered since) is no
# leftover.  tern-backup is held by strace at the entry of that flock; the
# whole file tmp/tR is moved out of the queue and, as the name's reuse
# makes it visible, another file is put under the name.  Before the check
# the backup read the moved file, took its id and copied what the name
# held then, the other file, as todo/ID; now it copies nothing of it.
# strace is stopped by its pid (-I1, SIGTERM: it detaches, the backup
# goes on).
import os, re, signal, subprocess, sys
from bkcommon import *
from terntest import waitfor
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "verify", "t"))
import qseal

Q = "data/queue"


def held(pid):
    """pid stopped (by strace) at the entry of a flock on queue/tmp/tR"""
    try:
        sc = open("/proc/%d/syscall" % pid).read().split()
        st = re.search(r"State:\s+(\S)", open("/proc/%d/status" % pid).read()).group(1)
        if st != "t" or not sc or sc[0] != "73": return False   # flock, x86_64
        return os.readlink("/proc/%d/fd/%d" % (pid, int(sc[1], 16))).endswith("/queue/tmp/tR")
    except (OSError, AttributeError, IndexError, ValueError):
        return False


def gone(pid):
    try: return re.search(r"State:\s+([ZX])", open("/proc/%d/status" % pid).read()) is not None
    except OSError: return True


def main():
    setup()
    for s in ("pool", "tmp", "todo", "mess", "state"):
        os.makedirs(Q + "/" + s, exist_ok=True)
    qid = qseal.make(Q + "/tmp/tR", "bob@example.com", "renamed away")
    # held at its first flock's entry for 100 s at most, a shell between
    # strace and the backup to keep its exit status
    st = subprocess.Popen(["strace", "-f", "-qq", "-I1", "-o", "/dev/null", "-e", "trace=flock",
                           "-e", "inject=flock:delay_enter=100000000:when=1",
                           "sh", "-c", "tern-backup data bk 2>err & echo $! > pid ; wait $! ; echo $? > rc"])
    check(waitfor(lambda: os.path.exists("pid") and open("pid").read().strip().isdigit(), 60), "the backup started")
    pid = int(open("pid").read())
    ok = waitfor(lambda: held(pid), 90)
    check(ok, "the backup held at the entry of its flock on queue/tmp/tR")
    os.rename(Q + "/tmp/tR", "delivered")                   # committed, delivered since
    qseal.make(Q + "/tmp/tR", "eve@example.com", "another file")  # the name made again
    os.kill(st.pid, signal.SIGTERM)
    st.wait(timeout=60)
    check(waitfor(lambda: gone(pid) and os.path.exists("rc"), 120), "the backup ran to its end once strace let it go")
    rc = open("rc").read().strip() if os.path.exists("rc") else None
    err = open("err", "rb").read() if os.path.exists("err") else b""
    check(rc == "0" and lastline("bk/version") == b"complete" and err == b"",
          "backup: exit 0, complete, no error (%r, %r)" % (rc, err))
    todo = sorted(os.listdir("bk/queue/todo")) if os.path.isdir("bk/queue/todo") else None
    check(todo == [], "the file renamed away is no leftover: nothing in the backup's todo/ (%r; its id %s)" % (todo, qid))
    check(not os.path.exists("bk/queue/todo/" + qid) or b"another file" not in open("bk/queue/todo/" + qid, "rb").read(),
          "no other file's bytes under its id")
    check(os.listdir("bk/queue/tmp") == [], "the backup's tmp/ empty")


main()
report()

# benchkit.py: what the benches of tern-imap against a private Dovecot
# share (bench.py for imap.bench, subsbench.py for subs.bench): the
# environment, run(), the accounts with the same generated messages in
# tern's store and in a Maildir, and the two servers.
import os, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terntest import freeport, waitport
from dovepeer import Dovecot

N = int(os.environ.get("BENCH_MSGS", "100000"))
D = os.getcwd()
BIN = os.environ["TERN_BIN"]
os.chmod(D, 0o755)   # Dovecot's mail processes run as nobody
procs = []           # tern-listen, then Dovecot (servers()); stop() ends them


def run(cmd, inp=None):
    """cmd through the shell; the bench ends if it fails"""
    r = subprocess.run(cmd, shell=True, capture_output=True, input=inp)
    if r.returncode:
        sys.exit("bench: %s failed: %s" % (cmd, r.stderr.decode()))


def accounts(sizes):
    """tern's configuration with one account a (user, messages) of sizes,
    password USER-password, and that many generated messages both in its
    store and in home/USER/Maildir; the seconds the generating took"""
    run("tern-conf -c c init mail.example.com %s/data" % D)
    run("tern-conf -c c add-domain example.com")
    for user, _ in sizes:
        run("tern-conf -c c add-account %s %s@example.com" % (user, user))
    for user, _ in sizes:
        run("tern-passwd -c c %s" % user, b"%s-password\n" % user.encode())
    t0 = time.perf_counter()
    for user, n in sizes:
        run("%s/t/imap-gen data/accounts/%s home/%s/Maildir %d" % (BIN, user, user, n))
    return time.perf_counter() - t0


def servers(name, users, extra="", listen=()):
    """tern-imap under tern-listen (with the options listen) and a private
    Dovecot (dovepeer.Dovecot's name, users and extra), procs[0] and
    procs[1]; their ports (tern, dovecot), or the bench ends"""
    tport = freeport()
    procs.append(subprocess.Popen(["tern-listen"] + list(listen) + ["127.0.0.1", str(tport), "tern-imap", "-c", D + "/c"],
                                  stderr=open("tern.log", "w")))
    dv = Dovecot(D, users, name, extra)
    procs.append(dv.proc)
    if not waitport(tport):
        sys.exit("bench: a server did not start")
    return tport, dv.port


def stop():
    for p in procs:
        p.kill()
        p.wait()

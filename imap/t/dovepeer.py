# dovepeer.py: a private Dovecot IMAP on a free port of 127.0.0.1 for the
# tests that compare tern-imap's answers with Dovecot's (envelope, sort):
# Dovecot() is it running with user bob, stop() kills it by its PID; the
# benches start it on their own directory, users and configuration.
# tern's side gets the same messages by APPEND through tern-imap.
import os, shutil, socket, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
from terntest import dovecot_conf, freeport, waitport
from common import Raw


class Dovecot:
    def __init__(self, d=None, users=(("bob", "bob-password"),), name=None, extra=""):
        """Dovecot serving d/home/USER/Maildir of users [(user, password)]
        on a free port; without d, in a new directory of its own (the
        test's lies under tests/run's mode-0700 one, where Dovecot's mail
        processes, user nobody, cannot reach), removed by stop()"""
        self.own = d is None
        d = self.d = tempfile.mkdtemp(prefix="tern-dovecot.") if d is None else d
        os.makedirs(d + "/run", exist_ok=True)
        for u, _ in users:
            os.makedirs(d + "/home/" + u, exist_ok=True)
        os.chmod(d, 0o755)
        subprocess.run(["chown", "-R", "nobody:nogroup", d + "/home"])
        with open(d + "/users", "w") as f:
            f.write("".join("%s:{PLAIN}%s\n" % x for x in users))
        self.port = freeport()
        with open(d + "/dovecot.conf", "w") as f:
            f.write(dovecot_conf(d, name or "tern-test-%d" % os.getpid(), "imap", """ssl = no
service imap-login {
  inet_listener imap {
    port = %d
  }
  inet_listener imaps {
    port = 0
  }
}
""" % self.port + extra))
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", d + "/dovecot.conf"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not waitport(self.port, 60):
            self.stop()
            raise RuntimeError("dovecot did not start")

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        if self.own:
            shutil.rmtree(self.d, ignore_errors=True)


class Net(Raw):
    """common.Raw's client on a TCP port of 127.0.0.1 instead of a tern-imap child"""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.f = self.sock.makefile("rb")
        self.n = 0
        self.greeting = self.line()


def logins(dv):
    """a tern-imap client and a client of Dovecot dv, both logged in as bob"""
    t = Raw()
    t.cmd("LOGIN bob bob-password")
    d = Net(dv.port)
    d.cmd("LOGIN bob bob-password")
    return t, d

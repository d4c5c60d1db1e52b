# slow.py: clients that stay too long.  Before login a short idle timeout
# and a login deadline that bytes do not reset; a command line or literal
# has its own deadline; a client that leaves during IDLE is an info line,
# not a fatal one.  Short values come from the environment.  Prints
# "N passed, N failed".
import os, socket, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, D

n = 0


def start(**env):
    """tern-imap on a socketpair with env: (socket, process, stderr path)"""
    global n
    n += 1
    a, b = socket.socketpair()
    e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "127.0.0.1"}
    e.update(env)
    err = "slow%d.err" % n
    p = subprocess.Popen(["tern-imap", "-c", D + "/c"], stdin=b, stdout=b, stderr=open(err, "wb"), env=e)
    b.close()
    a.settimeout(60)
    f = a.makefile("rb")
    check(f.readline().startswith(b"* OK"), "greeting %d" % n)
    return a, f, p, err


def closed_within(s, f, secs, trickle=None):
    """reads (sending trickle() every second if given) until EOF; the
    seconds it took, or None if the connection was still open after secs"""
    t0 = time.monotonic()
    s.settimeout(1)
    while time.monotonic() - t0 < secs:
        try:
            if not s.recv(4096):
                return time.monotonic() - t0
        except socket.timeout:
            pass
        except OSError:
            return time.monotonic() - t0
        if trickle:
            try:
                s.sendall(trickle())
            except OSError:
                return time.monotonic() - t0
    return None


def ends(p, err):
    try:
        rc = p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    return rc, open(err, "rb").read()


setup()
fast = {"TERN_IMAP_PRELOGIN_TIMEOUT": "2", "TERN_IMAP_LOGIN_TIMEOUT": "4", "TERN_IMAP_COMMAND_TIMEOUT": "3"}
# silent before login: closed after the short pre-login timeout, not 30 minutes
s, f, p, err = start(**fast)
t = closed_within(s, f, 25)
check(t is not None and t >= 1.5, "silent client closed after about 2 s: %r" % t)
rc, log = ends(p, err)
check(rc == 111 and b"timeout" in log, "exit 111, timeout logged: %r %r" % (rc, log))
# whole commands every second before login: the login deadline ends it
# (the idle timeout is set longer, so that only the deadline can)
s, f, p, err = start(TERN_IMAP_PRELOGIN_TIMEOUT="20", TERN_IMAP_LOGIN_TIMEOUT="4")
t = closed_within(s, f, 25, lambda: b"a CAPABILITY\r\n")
check(t is not None and t >= 3, "chatty client without login closed after about 4 s: %r" % t)
rc, log = ends(p, err)
check(b"login" in log, "the login deadline is logged: %r" % log)
# one byte a second of a command line: the command deadline ends it
s, f, p, err = start(TERN_IMAP_PRELOGIN_TIMEOUT="100", TERN_IMAP_LOGIN_TIMEOUT="100", TERN_IMAP_COMMAND_TIMEOUT="3")
t = closed_within(s, f, 25, lambda: b"x")
check(t is not None and t >= 2, "trickled command line closed after about 3 s: %r" % t)
rc, log = ends(p, err)
check(b"command" in log, "the command deadline is logged: %r" % log)
# after login: the pre-login limits no longer apply; a trickled literal has a deadline
s, f, p, err = start(**fast)
s.sendall(b"a LOGIN bob bob-password\r\n")
check(f.readline().startswith(b"a OK"), "login")
s.settimeout(60)
time.sleep(5)   # longer than the pre-login timeout and the login deadline
s.sendall(b"b NOOP\r\n")
check(f.readline().startswith(b"b OK"), "logged-in session still served after 5 s of silence")
s.sendall(b"c APPEND Inbox {12}\r\n")
check(f.readline().startswith(b"+"), "APPEND literal go-ahead")
t = closed_within(s, f, 25, lambda: b"y")
check(t is not None and t >= 2, "trickled literal closed after about 3 s: %r" % t)
ends(p, err)
# a client that leaves during IDLE: info, exit 0
s, f, p, err = start()
s.sendall(b"a LOGIN bob bob-password\r\nb SELECT Inbox\r\nc IDLE\r\n")
while True:
    l = f.readline()
    if not l or l.startswith(b"+ "):
        break
check(l.startswith(b"+ "), "idling")
f.close()
s.close()
rc, log = ends(p, err)
check(rc == 0 and b"fatal" not in log and b"info: " in log and b"IDLE" in log, "left during IDLE: exit 0, info: %r %r" % (rc, log))
common.terntest.report()

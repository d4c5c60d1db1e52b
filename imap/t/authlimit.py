# authlimit.py: failed logins: three in one session end it (BYE); ten from
# one IP (any sessions) block that IP, thirty for one user block that user,
# even with the right password, while others still log in.  The counts are
# tern_authlimit's, shared with tern-smtp-in: a failure waits as many
# seconds as the larger count (at most 5), and files written for the other
# program count.
import base64, os, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, Raw


def session(ip, user, pw, n):
    c = Raw({"TCPREMOTEIP": ip, "SSL_PROTOCOL": "TLSv1.2"})
    r = [c.cmd("LOGIN %s %s" % (user, pw))[1] for _ in range(n)]
    c.f.close()
    c.sock.close()
    c.proc.wait(10)
    return r, c.proc.returncode


def many(jobs):
    ts = [threading.Thread(target=session, args=j) for j in jobs]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


setup()
c = Raw({"TCPREMOTEIP": "192.0.2.1", "SSL_PROTOCOL": "TLSv1.2"})
for i in range(3):
    out, tagged = c.cmd("LOGIN bob wrong%d" % i)
    check(b"NO [AUTHENTICATIONFAILED]" in tagged, "wrong password %d: NO" % i)
bye = c.line()
check(bye == b"* BYE too many failed logins\r\n", "the third failure ends the session: %r" % bye)
c.proc.wait(10)
check(c.proc.returncode == 100, "exit 100 after three failures")
many([("192.0.2.9", "bob", "wrong", 3)] * 4)
r, _ = session("192.0.2.9", "bob", "bob-password", 1)
check(b"NO [UNAVAILABLE]" in r[0], "the IP with 12 failures is blocked, right password or not: %r" % r)
def plain(ip, user, pw):
    c = Raw({"TCPREMOTEIP": ip, "SSL_PROTOCOL": "TLSv1.2"})
    t = c.cmd(b"AUTHENTICATE PLAIN " + base64.b64encode(b"\0" + user.encode() + b"\0" + pw.encode()))[1]
    c.f.close()
    c.sock.close()
    c.proc.wait(10)
    return t.split(b" ", 1)[1]


right, wrong = plain("192.0.2.9", "bob", "bob-password"), plain("192.0.2.9", "bob", "wrong")
check(right == wrong and b"NO [UNAVAILABLE]" in right,
      "AUTHENTICATE from the blocked IP: the same answer, right password or not (no oracle): %r %r" % (right, wrong))
r, _ = session("192.0.2.10", "bob", "bob-password", 1)
check(b" OK " in r[0], "another IP still logs in: %r" % r)
many([("198.51.100.%d" % k, "eve", "wrong", 3) for k in range(10)])
r, _ = session("203.0.113.1", "EVE", "eve-password", 1)
check(b"NO [UNAVAILABLE]" in r[0], "the user with 30 failures is blocked (any case): %r" % r)
r, _ = session("203.0.113.1", "bob", "bob-password", 1)
check(b" OK " in r[0], "another user from that IP still logs in: %r" % r)
ts = []
for i in range(5):
    t0 = time.time()
    session("203.0.113.50", "zed", "wrong", 1)
    ts.append(time.time() - t0)
check(ts[0] < 2.5 and ts[2] > 2.5 and ts[3] > 3.5 and ts[4] < 8, "delays grow, 1 to 5 s: %r" % ts)
with open(os.path.join(common.D, "data", "authfail", "ip-" + "192.0.2.77".encode().hex()), "w") as f:
    f.write("10 %d\n" % int(time.time()))
r, _ = session("192.0.2.77", "bob", "bob-password", 1)
check(b"NO [UNAVAILABLE]" in r[0], "10 failures counted by tern-smtp-in block the IP: %r" % r)
common.terntest.report()

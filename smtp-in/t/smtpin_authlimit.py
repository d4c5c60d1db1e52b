# tern-smtp-in -s -S (the session believes TLS is on; a socketpair stands
# for it): wrong passwords in many connections, one each.  Ten failures
# from one address block it and thirty for one user block that user, the
# right password too, with a logged refusal; other addresses and users go
# on; the delay of a failure grows with the failures counted (bounded);
# failures seen by tern-imap count too (the same DATADIR/authfail/ files);
# an unusable authfail directory lets logins go on.
import base64, os, shutil, threading, time
from smtpin import *

setup(pw="correct horse")
sh("tern-passwd -c c alice", "alice horse\n")


def plain(user, pw):
    return "AUTH PLAIN " + base64.b64encode(("\0%s\0%s" % (user, pw)).encode()).decode()


def attempt(ip, user, pw):
    """one connection, one AUTH; (reply, seconds)"""
    s = Session(["-s", "-S"], extra={"TCPREMOTEIP": ip})
    s.cmd("EHLO client.example.org")
    t0 = time.time()
    r = s.cmd(plain(user, pw), timeout=30)
    t = time.time() - t0
    s.cmd("QUIT")
    s.end()
    return r, t


def many(jobs):
    out = [None] * len(jobs)

    def run(i, j):
        out[i] = attempt(*j)
    ts = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


# one address, a wrong password in each of 12 connections
rs = many([("192.0.2.9", "bob", "wrong")] * 12)
n535 = sum(1 for r, t in rs if ok(r, "535", "5.7.8"))
check(n535 >= 10 and all(ok(r, "535", "5.7.8") or ok(r, "454", "4.7.0") for r, t in rs),
      "12 wrong passwords at once: 535 (454 once 10 are counted): %r" % [r for r, t in rs])
r, t = attempt("192.0.2.9", "bob", "correct horse")
check(ok(r, "454", "4.7.0"), "the address with 12 failures is refused, right password too: %r" % r)
r2, t = attempt("192.0.2.9", "bob", "wrong")
check(r2 == r, "a wrong password gets the same answer: %r" % r2)
check(any("auth-blocked" in l and "ip=192.0.2.9" in l and "user=bob" in l for l in log().splitlines()),
      "the refusal is logged with ip and user")
r, t = attempt("192.0.2.10", "bob", "correct horse")
check(ok(r, "235"), "another address still logs in: %r" % r)

# refusals count in the session: the third ends it
s = Session(["-s", "-S"], extra={"TCPREMOTEIP": "192.0.2.9"})
s.cmd("EHLO client.example.org")
rs = [code(s.cmd(plain("bob", "correct horse"), timeout=30)) for _ in range(3)]
check(rs == [["454", "4.7.0"], ["454", "4.7.0"], ["421", "4.7.0"]] and s.closed(), "blocked three times: 421: %r" % rs)
s.end()

# one user, 30 failures from 10 addresses
many([("198.51.100.%d" % k, "Alice" if k % 2 else "alice", "wrong") for k in range(10)] * 3)
r, t = attempt("203.0.113.1", "alice", "alice horse")
check(ok(r, "454", "4.7.0"), "the user with 30 failures is refused: %r" % r)
r, t = attempt("203.0.113.1", "bob", "correct horse")
check(ok(r, "235"), "another user from that address still logs in: %r" % r)

# the delay grows with the failures counted for the address, up to 5 s
ts = [attempt("203.0.113.50", "carol", "wrong")[1] for _ in range(6)]
check(ts[0] < 2.5 and ts[2] > 2.5 and ts[4] > 4.5 and ts[5] < 8, "delays 1, 2, 3, 4, 5, 5 s: %r" % ts)

# tern-imap's failures count: its files, the same keys
os.makedirs("data/authfail", exist_ok=True)
with open("data/authfail/ip-" + "192.0.2.77".encode().hex(), "w") as f:
    f.write("10 %d\n" % int(time.time()))
r, t = attempt("192.0.2.77", "bob", "correct horse")
check(ok(r, "454", "4.7.0"), "10 failures written by another program block the address: %r" % r)
with open("data/authfail/ip-" + "192.0.2.78".encode().hex(), "w") as f:
    f.write("10 %d\n" % int(time.time() - 901))
r, t = attempt("192.0.2.78", "bob", "correct horse")
check(ok(r, "235"), "after the 15-minute window the address logs in again: %r" % r)

# no authfail directory possible: the limit is off, logins go on
shutil.rmtree("data/authfail")
open("data/authfail", "w").close()
r, t = attempt("192.0.2.9", "bob", "correct horse")
check(ok(r, "235"), "unusable authfail/: the right password is accepted: %r" % r)
check("op=authlimit path=DATADIR/authfail error=\"Not a directory\"" in log(), "unusable authfail/: logged")
done()

# subsbench.py (run by subs.bench): issue 18's costs against Dovecot, on
# an Inbox of BENCH_MSGS (100,000) generated messages, the same bytes in
# tern's store and in a Maildir a private Dovecot serves: STATUS INBOX
# (SIZE) (tern: the index header's usage total; Dovecot: its index's
# vsize), STATUS (MESSAGES SIZE) on an Inbox of 1,000 for the flat-cost
# ratio, and LIST (SUBSCRIBED) "" * and LSUB "" * with 200 subscribed
# mailboxes.  Warm (one untimed pass), best of 5 in one session.  Not
# pass/fail: prints the figures and tern/dovecot ratios.
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchkit import N, accounts, servers, stop
from dovepeer import Net


class Client(Net):
    """dovepeer.Net's client: cmd() gives the untagged lines, and ends the
    bench at a reply other than OK"""

    def cmd(self, text):
        out, tagged = Net.cmd(self, text)
        if tagged.split(b" ")[1:2] != [b"OK"]:
            sys.exit("bench: %s: %r" % (text, tagged or "connection closed"))
        return out


def best(c, text, rounds=5):
    t = 1e9
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = c.cmd(text)
        t = min(t, time.perf_counter() - t0)
    return t, r


t = accounts((("bob", N), ("small", 1000)))
print("generated %d (and 1,000) messages into the store and a Maildir in %.1f s" % (N, t))
try:
    # Dovecot on D (home/USER/Maildir, made nobody's)
    tport, dport = servers("tern-subs-bench", (("bob", "bob-password"), ("small", "small-password")))
    res = {}
    for name, port, sep in (("dovecot", dport, "."), ("tern", tport, "/")):
        c = Client(port)
        c.cmd("LOGIN bob bob-password")
        for i in range(200):
            c.cmd("CREATE Box%d" % i)
            c.cmd("SUBSCRIBE Box%d" % i)
        c.cmd("SELECT INBOX")   # warm: Dovecot indexes the Maildir
        c.cmd("FETCH 1:* (RFC822.SIZE)")
        c.cmd("UNSELECT")
        c.cmd("STATUS INBOX (MESSAGES SIZE)")
        c.cmd('LIST (SUBSCRIBED) "" *')
        s = Client(port)
        s.cmd("LOGIN small small-password")
        s.cmd("SELECT INBOX")
        s.cmd("FETCH 1:* (RFC822.SIZE)")
        s.cmd("UNSELECT")
        s.cmd("STATUS INBOX (MESSAGES SIZE)")
        t, r = best(c, "STATUS INBOX (SIZE)")
        res[name, "size"] = t
        res[name, "size-out"] = r
        res[name, "both"] = best(c, "STATUS INBOX (MESSAGES SIZE)")[0]
        res[name, "small"] = best(s, "STATUS INBOX (MESSAGES SIZE)")[0]
        t, r = best(c, 'LIST (SUBSCRIBED) "" *')
        res[name, "list"], res[name, "list-n"] = t, len(r)
        t, r = best(c, 'LSUB "" *')
        res[name, "lsub"], res[name, "lsub-n"] = t, len(r)
        res[name, "plain"] = best(c, 'LIST "" *')[0]
        for x in (c, s):
            x.cmd("LOGOUT")
    print("STATUS answers: tern %r, dovecot %r" % (res["tern", "size-out"], res["dovecot", "size-out"]))
    print("LIST (SUBSCRIBED) lines: tern %d, dovecot %d; LSUB: tern %d, dovecot %d"
          % (res["tern", "list-n"], res["dovecot", "list-n"], res["tern", "lsub-n"], res["dovecot", "lsub-n"]))
    print("milliseconds, warm, best of 5 (goal: flat in the mailbox's size; tern/dovecot <= 0.50)")
    print("%-52s %8s %8s %7s" % ("", "tern", "dovecot", "ratio"))
    for key, label in (("size", "STATUS INBOX (SIZE), %d messages" % N),
                       ("both", "STATUS INBOX (MESSAGES SIZE), %d messages" % N),
                       ("small", "STATUS INBOX (MESSAGES SIZE), 1,000 messages"),
                       ("list", 'LIST (SUBSCRIBED) "" *, 200 subscribed (tern: 206)'),
                       ("lsub", 'LSUB "" *, 200 subscribed (tern: 206)'),
                       ("plain", 'LIST "" * (no subscriptions read), the same')):
        print("%-52s %8.3f %8.3f %7.2f" % (label, 1000 * res["tern", key], 1000 * res["dovecot", key], res["tern", key] / res["dovecot", key]))
    print("flat: tern's STATUS (MESSAGES SIZE) at %d over at 1,000 messages: %.2f (dovecot %.2f)"
          % (N, res["tern", "both"] / res["tern", "small"], res["dovecot", "both"] / res["dovecot", "small"]))
finally:
    stop()

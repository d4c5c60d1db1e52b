# tern-smtp-in against trickling clients, with short deadlines (-t 3 and
# the TERN_SMTPIN_* knobs): each stage ends with 421 4.4.2 although a byte
# arrives every 0.3 s, well inside the 3 s silence limit; the end is logged
# with the stage.  A client that is slow but above the minimum rate gets its
# message through although it takes longer than -t.
import time
from smtpin import *

setup()
LIMIT = 20   # how long a trickler goes on before the check gives up


def trickle(s, data, every=0.3):
    """Send data one byte at a time; (the 421 reply or None, seconds)."""
    t0 = time.time()
    i = 0
    while time.time() - t0 < LIMIT:
        try:
            s.send(data[i % len(data)])
        except OSError:
            break
        i += 1
        try:
            r = s.reply(timeout=every)
            if r is not None and not r.startswith("2"):
                return r, time.time() - t0
            if s.buf == b"" and select.select([s.c], [], [], 0)[0] and not s.c.recv(1, socket.MSG_PEEK):
                break
        except ConnectionResetError:  # closed with our bytes unread, and no reply left to read
            return None, time.time() - t0
    try:
        return s.reply(timeout=1), time.time() - t0
    except ConnectionResetError:
        return None, time.time() - t0


def case(name, knobs, pre, data, reason, lo=1.5, raw=""):
    clearq()
    e = {"TERN_SMTPIN_HELO_TIMEOUT": "100", "TERN_SMTPIN_SESSION_TIMEOUT": "100"}
    e.update(knobs)
    s = Session(["-t", "3"], extra=e)
    for c in pre:
        r = s.cmd(c)
        check(r is not None and r[0] in "23", "%s: %s: %r" % (name, c.split(" ")[0], r))
    if raw:
        s.send(raw)
    r, t = trickle(s, data)
    check(ok(r, "421", "4.4.2") and lo < t < LIMIT, "%s: 421 4.4.2 after %.1f s: %r" % (name, t, r))
    check(s.closed(), "%s: closed" % name)
    check(s.end() == 111, "%s: exit 111" % name)
    check(queued() == [], "%s: nothing queued" % name)
    check(("reason=\"%s timeout\"" % reason) in log().splitlines()[-1], "%s: logged: %r" % (name, log().splitlines()[-1]))


TX = ["EHLO client.example.org", "MAIL FROM:<a@remote.example>", "RCPT TO:<bob@example.com>"]
# NOOPs before EHLO: every line is whole, the greeting-to-EHLO deadline ends it
case("before EHLO", {"TERN_SMTPIN_HELO_TIMEOUT": "4"}, [], "NOOP\r\n", "helo")
# one command line that never ends
case("a command line", {}, ["EHLO client.example.org"], "NOOP xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "command")
# after EHLO, whole NOOPs: the session's limit
case("the session", {"TERN_SMTPIN_SESSION_TIMEOUT": "5"}, ["EHLO client.example.org"], "NOOP\r\n", "session")
# message data under the minimum rate (1000 bytes/s; about 3 bytes/s come)
case("DATA", {"TERN_SMTPIN_MIN_RATE": "1000"}, TX + ["DATA"], "Subject: x\r\n\r\nbody\r\n", "data")
case("BDAT", {"TERN_SMTPIN_MIN_RATE": "1000"}, TX, "y", "data", raw="BDAT 10000 LAST\r\n")

# above the minimum rate: 40 pieces of 400 bytes every 0.1 s and more
# (4 s or longer in all, over -t 3) go through: at 200 bytes/s the
# deadline grows by 2 s per piece and never passes now + 3 s
for verb in ("DATA", "BDAT"):
    clearq()
    s = Session(["-t", "3"], extra={"TERN_SMTPIN_MIN_RATE": "200"})
    for c in TX:
        s.cmd(c)
    t0 = time.time()
    piece = ("z" * 98 + "\r\n") * 4
    if verb == "DATA":
        check(ok(s.cmd("DATA"), "354"), "steady DATA: 354")
        s.send("Subject: x\r\n\r\n")
        for i in range(40):
            s.send(piece)
            time.sleep(0.1)
        s.send(".\r\n")
    else:
        s.send("BDAT %d LAST\r\n" % (40 * len(piece)))
        for i in range(40):
            s.send(piece)
            time.sleep(0.1)
    r = s.reply(20)
    check(ok(r, "250") and time.time() - t0 > 3.5, "steady %s: %r after %.1f s" % (verb, r, time.time() - t0))
    check(len(queued()) == 1, "steady %s: queued" % verb)
    s.end()

# a line written in two pieces 1.5 s apart is one command; the deadlines
# do not end a normal session: two messages, QUIT
s = Session(["-t", "3"], extra={"TERN_SMTPIN_HELO_TIMEOUT": "0", "TERN_SMTPIN_SESSION_TIMEOUT": "0"})
s.send("EHLO client")
time.sleep(1.5)
check(ok(s.cmd(".example.org"), "250"), "a line in two pieces (helo and session limits 0: none)")
s.end()
done()

# tern-smtp-in on hostile input: long lines, bare CR/LF (SMTP smuggling),
# NUL, too many recipients, SIZE, commands out of order, pipelined garbage,
# stalled clients, invalid UTF-8.  Each gets its code, nothing bad is queued.
import time
from smtpin import *

setup()


def tx(s, rcpt="bob@example.com"):
    check(ok(s.cmd("MAIL FROM:<a@remote.example>"), "250"), "MAIL")
    check(ok(s.cmd("RCPT TO:<%s>" % rcpt), "250"), "RCPT")


def data_case(name, body, c, e, nq=0):
    clearq()
    s = mx_session()
    tx(s)
    check(ok(s.cmd("DATA"), "354"), name + ": DATA")
    s.send(body)
    r = s.reply()
    check(ok(r, c, e), name + ": %r" % r)
    check(len(queued()) == nq, name + ": %d queued" % nq)
    check(ok(s.cmd("NOOP"), "250"), name + ": session goes on")
    s.end()


# command line over 1000 bytes: 500 5.5.2, the rest of the line is skipped
s = mx_session()
r = s.cmd("NOOP " + "x" * 2000)
check(ok(r, "500", "5.5.2"), "long command: %r" % r)
check(ok(s.cmd("NOOP"), "250"), "long command: next command works")
check(ok(s.cmd("NOOP " + "x" * 993), "250"), "998 bytes and CRLF: fine")
check(ok(s.cmd("NOOP " + "x" * 994), "500", "5.5.2"), "999 bytes and CRLF: too long")
s.end()

data_case("long text line", "Subject: x\r\n\r\n" + "y" * 1200 + "\r\n.\r\n", "554", "5.6.0")
data_case("998-byte line ok", "Subject: x\r\n\r\n" + "y" * 999 + "\r\n.\r\n", "554", "5.6.0")
clearq()
s = mx_session()
tx(s)
s.cmd("DATA")
s.send("Subject: x\r\n\r\n" + "y" * 998 + "\r\n.\r\n")
check(ok(s.reply(), "250"), "a 998-byte text line is accepted")
s.end()

data_case("bare LF", "Subject: x\r\n\r\na\nb\r\n.\r\n", "554", "5.6.0")
data_case("bare CR", "Subject: x\r\n\r\na\rb\r\n.\r\n", "554", "5.6.0")
data_case("NUL", "Subject: x\r\n\r\na\0b\r\n.\r\n", "554", "5.6.0")
data_case("8-bit body without BODY=8BITMIME", "Subject: x\r\n\r\ncaf\xe9 \u00e9t\u00e9\r\n.\r\n", "250", "2.0.0", 1)

# SMTP smuggling: "\n.\n", "\r\n.\n", "\n.\r\n" never end the data; the
# smuggled transaction is part of the (refused) message
for end in ("\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r\n"):
    clearq()
    s = mx_session()
    tx(s)
    s.cmd("DATA")
    s.send("Subject: x\r\n\r\nhello" + end + "MAIL FROM:<evil@remote.example>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nsmuggled\r\n")
    r = s.reply(timeout=1)
    check(r is None, "smuggling %r: no reply before CRLF.CRLF: %r" % (end, r))
    s.send(".\r\n")
    r = s.reply()
    check(ok(r, "554", "5.6.0"), "smuggling %r: refused: %r" % (end, r))
    r = s.reply(timeout=0.5)
    check(r is None, "smuggling %r: no extra replies: %r" % (end, r))
    check(queued() == [], "smuggling %r: nothing queued" % end)
    s.end()

# BDAT: the same rules across chunks; a chunk before MAIL is read and dropped
clearq()
s = mx_session()
tx(s)
s.send(bdat("Subject: x\r\n\r\na\r") + bdat("b\r\n", True))
r1, r2 = s.reply(), s.reply()
check(ok(r1, "250") and ok(r2, "554", "5.6.0"), "BDAT bare CR across chunks: %r %r" % (r1, r2))
check(queued() == [], "BDAT bare CR: nothing queued")
s.send(bdat("MAIL FROM:<x@y.example>\r\n", True))
r = s.reply()
check(ok(r, "503", "5.5.1"), "BDAT after a failed one: %r" % r)
check(ok(s.cmd("NOOP"), "250"), "the refused chunk was skipped whole")
tx(s)
s.send(bdat("a\0b\r\n", True))
check(ok(s.reply(), "554", "5.6.0"), "BDAT NUL")
r = s.cmd("BDAT x")
check(ok(r, "501", "5.5.4"), "BDAT bad size: %r" % r)
s.end()

# BDAT 0 LAST as the only chunk (or after empty chunks): no empty message
for pre in ("", bdat("")):
    clearq()
    s = mx_session()
    tx(s)
    s.send(pre + bdat("", True))
    if pre:
        s.reply()
    r = s.reply()
    check(ok(r, "554", "5.6.0"), "BDAT 0 LAST, %d chunks before: %r" % (len(pre) > 0, r))
    check(queued() == [], "BDAT 0 LAST: nothing queued")
    check("cmd=BDAT" in log().splitlines()[-1], "BDAT 0 LAST: the refusal is logged")
    check(ok(s.cmd("NOOP"), "250"), "BDAT 0 LAST: session goes on")
    s.end()

# too many recipients
s = mx_session()
s.cmd("MAIL FROM:<a@remote.example>")
s.send("".join("RCPT TO:<bob+%d@example.com>\r\n" % i for i in range(101)))
rs = [s.reply() for _ in range(101)]
check(all(ok(r, "250") for r in rs[:100]), "100 recipients accepted")
check(ok(rs[100], "452", "4.5.3"), "the 101st: %r" % rs[100])
s.end()

# SIZE: announced too big, and actually too big (max-message-size 20000)
s = mx_session()
r = s.cmd("MAIL FROM:<a@remote.example> SIZE=%d" % (MAXSIZE + 1))
check(ok(r, "552", "5.3.4"), "SIZE= too big: %r" % r)
check(ok(s.cmd("MAIL FROM:<a@remote.example> SIZE=99999999999999999999999"), "552", "5.3.4"), "SIZE= overflow")
check(ok(s.cmd("MAIL FROM:<a@remote.example> SIZE=12x"), "501", "5.5.4"), "SIZE= not a number")
check(ok(s.cmd("MAIL FROM:<a@remote.example> FOO=bar"), "555", "5.5.4"), "unknown parameter")
check(ok(s.cmd("MAIL FROM:<a@remote.example> BODY=BINARYMIME"), "501", "5.5.4"), "BODY=BINARYMIME")
s.end()
data_case("message over the limit", "Subject: x\r\n\r\n" + ("z" * 78 + "\r\n") * 300 + ".\r\n", "552", "5.3.4")
clearq()
s = mx_session()
tx(s)
s.send(bdat("x" * 500 + "\r\n") * 50 + bdat("", True))
rs = [code(s.reply()) for _ in range(51)]
check(rs.count(["552", "5.3.4"]) == 1 and rs.index(["552", "5.3.4"]) == 39 and rs[:39] == [["250", "2.0.0"]] * 39
      and rs[40:] == [["503", "5.5.1"]] * 11, "BDAT over the limit: 552 at the 40th chunk, then 503: %r" % rs)
check(queued() == [], "BDAT over the limit: nothing queued")
s.end()

# commands out of order
s = Session()
check(ok(s.cmd("MAIL FROM:<a@remote.example>"), "503", "5.5.1"), "MAIL before EHLO")
s.cmd("EHLO x.example")
check(ok(s.cmd("RCPT TO:<bob@example.com>"), "503", "5.5.1"), "RCPT before MAIL")
check(ok(s.cmd("DATA"), "503", "5.5.1"), "DATA before MAIL")
s.cmd("MAIL FROM:<a@remote.example>")
check(ok(s.cmd("MAIL FROM:<a@remote.example>"), "503", "5.5.1"), "nested MAIL")
check(ok(s.cmd("DATA"), "554", "5.5.1"), "DATA with no recipient")
check(ok(s.cmd("STARTTLS"), "454", "4.7.0"), "STARTTLS without the helper")
check(ok(s.cmd("AUTH PLAIN"), "502", "5.5.1"), "AUTH on the MX")
s.end()

# pipelined garbage: each line answered, then 421 after 20
s = Session()
s.send("".join("GARBAGE %d \x01\xff\r\n" % i for i in range(30)))
rs = [s.reply() for _ in range(21)]
check(all(ok(r, "500", "5.5.1") for r in rs[:19]), "garbage: 500 each")
check(ok(rs[20], "421", "4.7.0"), "garbage: 421 at the 20th error: %r" % rs[19:])
check(s.closed(), "garbage: connection closed")
s.end()

# stalled clients: -t 2
for what, pre in (("command", ""), ("data", "MAIL FROM:<a@remote.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\npartial")):
    clearq()
    s = Session(["-t", "2"])
    s.cmd("EHLO x.example")
    t0 = time.time()
    s.send(pre)
    rs = []
    while True:
        r = s.reply(timeout=6)
        if r is None or r.startswith("421"):
            break
        rs.append(r)
    check(ok(r, "421", "4.4.2") and 1.5 < time.time() - t0 < 5, "stalled in %s: %r after %.1fs" % (what, r, time.time() - t0))
    check(s.closed(), "stalled in %s: closed" % what)
    check(s.end() == 111, "stalled in %s: exit 111" % what)
    check(queued() == [], "stalled in %s: nothing queued" % what)

# invalid UTF-8 and non-ASCII where it is not allowed
s = mx_session()
r = s.cmd("MAIL FROM:<j\u00f8rn@remote.example>")
check(ok(r, "553", "5.6.7"), "UTF-8 sender without SMTPUTF8: %r" % r)
s.send(b"MAIL FROM:<j\xff\xfern@remote.example> SMTPUTF8\r\n")
check(ok(s.reply(), "501", "5.1.7"), "invalid UTF-8 sender")
check(ok(s.cmd("MAIL FROM:<a@remote.example>"), "250"), "MAIL")
check(ok(s.cmd("RCPT TO:<b\u00f8b@example.com>"), "553", "5.6.7"), "UTF-8 recipient without SMTPUTF8")
check(ok(s.cmd("RCPT TO:<bob@example.com> NOTIFY=NEVER"), "555", "5.5.4"), "RCPT parameter")
check(ok(s.cmd("RCPT TO:bob@example.com"), "501", "5.1.3"), "RCPT without brackets")
s.send(b"RCPT TO:<bob@exa\0mple.com>\r\n")
check(ok(s.reply(), "501", "5.5.2"), "NUL in a command")
check(ok(s.cmd("EHLO caf\u00e9.example"), "501", "5.5.4"), "non-ASCII EHLO")
check(ok(s.cmd("EHLO a (b)"), "501", "5.5.4"), "EHLO with junk that would go into Received:")
s.end()
clearq()
s = mx_session()
check(ok(s.cmd("MAIL FROM:<j\u00f8rn@remote.example> SMTPUTF8"), "250"), "UTF-8 sender with SMTPUTF8")
check(ok(s.cmd("RCPT TO:<bob@example.com>"), "250"), "RCPT")
s.cmd("DATA")
s.send("Subject: x\r\n\r\nhi\r\n.\r\n")
check(ok(s.reply(), "250"), "SMTPUTF8 message")
q = queued()
check(len(q) == 1 and "-U" in q[0][0] and "j\u00f8rn@remote.example" in q[0][0], "inject -U: %r" % q)
check(len(q) == 1 and b" with UTF8SMTP id " in q[0][1], "UTF8SMTP in Received:")
s.end()
done()

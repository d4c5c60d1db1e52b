# tern-smtp-in basics: greeting, EHLO, a full transaction, the Received:
# field and what inject gets, PIPELINING, BDAT, the small commands.
import re, subprocess
from smtpin import *

setup()
r = subprocess.run(["tern-smtp-in", "-h"], capture_output=True, text=True)
check(r.returncode == 0 and r.stdout.startswith("usage: tern-smtp-in"), "-h: %r" % (r,))
r = subprocess.run(["tern-smtp-in", "-x"], capture_output=True, text=True)
check(r.returncode == 100, "bad option exits 100: %r" % (r,))

s = Session()
check(s.greeting == "220 mail.example.com ESMTP", "greeting %r" % s.greeting)
r = s.cmd("EHLO client.example.org")
exts = r.split("|")
check(exts[0] == "250-mail.example.com", "EHLO first line %r" % r)
for e in ("PIPELINING", "8BITMIME", "SMTPUTF8", "SIZE %d" % MAXSIZE, "ENHANCEDSTATUSCODES", "CHUNKING"):
    check(any(x[4:] == e for x in exts), "EHLO lists %s: %r" % (e, r))
check(not any("STARTTLS" in x or "AUTH" in x for x in exts), "no STARTTLS/AUTH without TLS helper, MX: %r" % r)
check(ok(s.cmd("NOOP"), "250", "2.0.0"), "NOOP")
check(ok(s.cmd("VRFY bob"), "252", "2.5.0"), "VRFY 252")
check(ok(s.cmd("HELP"), "214"), "HELP")
check(ok(s.cmd("EXPN list"), "502", "5.5.1"), "EXPN 502")
check(ok(s.cmd("RSET"), "250", "2.0.0"), "RSET")
check(ok(s.cmd("MAIL FROM:<sender@remote.example> BODY=8BITMIME SIZE=300"), "250", "2.1.0"), "MAIL")
check(ok(s.cmd("RCPT TO:<bob@example.com>"), "250", "2.1.5"), "RCPT bob")
check(ok(s.cmd("RCPT TO:<Alice@EXAMPLE.com>"), "250", "2.1.5"), "RCPT alice any case")
check(ok(s.cmd("DATA"), "354"), "DATA 354")
s.send("Subject: test\r\n\r\nline one\r\n..leading dot\r\n.\r\n")
r = s.reply()
check(ok(r, "250", "2.0.0") and re.search(r"id=fake\d+", r), "queued with id: %r" % r)
q = queued()
check(len(q) == 1, "one message queued: %d" % len(q))
args, msg = q[0]
check(args == ["-c", "c", "-y", "3", "-i", "192.0.2.7", "-H", "client.example.org", "-8", "-f",
               "sender@remote.example", "--", "bob@example.com", "Alice@example.com"], "inject argv %r" % args)
head, _, body = msg.partition(b"\r\nSubject: test\r\n")
check(re.match(rb"Received: from client\.example\.org \(\[192\.0\.2\.7\]\)\r\n\tby mail\.example\.com \(tern\) "
               rb"with ESMTP id [0-9a-f]+\.[0-9a-f]+\.[0-9a-f]+\.1;\r\n\t\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$", head),
      "Received: field %r" % head)
check(body == b"\r\nline one\r\n.leading dot\r\n", "body unstuffed, CRLF kept: %r" % body)
check(ok(s.cmd("QUIT"), "221", "2.0.0"), "QUIT")
check(s.closed(), "closed after QUIT")
check(s.end() == 0, "exit 0 after QUIT")
check(re.search(r"info: accept session=\S+ id=fake\d+ from=<sender@remote.example> nrcpt=2 size=41", log()),
      "accept logged: " + log())

# PIPELINING: everything in one write, replies in order
clearq()
s = Session()
s.send("EHLO a.example\r\nMAIL FROM:<>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<bob@example.com>\r\n"
       "RCPT TO:<x@elsewhere.example>\r\nDATA\r\n")
rs = [s.reply() for _ in range(6)]
check([code(r)[0] if r else None for r in rs] == ["250", "250", "550", "250", "550", "354"], "pipelined replies %r" % rs)
s.send("Subject: p\r\n\r\nx\r\n.\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n")
rs = [s.reply() for _ in range(4)]
check([code(r)[0] if r else None for r in rs] == ["250", "250", "250", "354"], "pipelined after data %r" % rs)
s.send("two\r\n.\r\nQUIT\r\n")
check(ok(s.reply(), "250", "2.0.0"), "second message")
check(ok(s.reply(), "221"), "QUIT pipelined")
s.end()
q = queued()
check(len(q) == 2 and q[0][0][-3:] == ["", "--", "bob@example.com"], "null sender, one rcpt: %r" % (q[:1],))

# BDAT: chunks, BDAT LAST, BDAT 0 LAST, mixed with pipelining
clearq()
s = mx_session()
s.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.com>\r\n" + bdat("Subject: b\r\n") + bdat("\r\nhel") + bdat("lo\r\n.dot\r\n", True))
rs = [s.reply() for _ in range(5)]
check([code(r)[0] if r else None for r in rs] == ["250"] * 5, "BDAT replies %r" % rs)
check(rs[2] == "250 2.0.0 12 octets received", "chunk reply %r" % rs[2])
check(ok(rs[4], "250", "2.0.0") and "id=" in rs[4], "BDAT LAST queued %r" % rs[4])
q = queued()
check(len(q) == 1 and q[0][1].endswith(b"\r\nSubject: b\r\n\r\nhello\r\n.dot\r\n"), "BDAT message, no unstuffing: %r" % q)
s.send("MAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.com>\r\nBDAT 5\r\nno-crBDAT 0 LAST\r\n")
rs = [s.reply() for _ in range(4)]
check([code(r)[0] if r else None for r in rs] == ["250"] * 4, "BDAT 0 LAST %r" % rs)
q = queued()
check(len(q) == 2 and q[1][1].endswith(b"+0000\r\nno-cr\r\n"),
      "a final CRLF is added: %r" % (q[1][1][-20:] if len(q) > 1 else q))
check(ok(s.cmd("DATA"), "503", "5.5.1"), "DATA without MAIL")
s.end()
done()

# smtpout-pipe.py: PIPELINING used only when offered (a scripted server
# records the commands each read brought: the round trips), per-recipient
# results unchanged by it; the message streamed from a file at an offset
# (re-read per session), from a pipe, dot-stuffed across buffer ends.
import os, socket, subprocess, threading, time
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

SMTP = ["smtp", "127.0.0.1", "2525", "relay", "starttls=none", "--"]


class Fake:
    """One session: reads (lists of command lines per recv), the data."""
    def __init__(self, pipelining, rcpt=None, mail=b"250 ok", data=b"354 go", close_after=None):
        self.pipelining, self.rcpt, self.mail, self.datarep = pipelining, rcpt or {}, mail, data
        self.close_after = close_after
        self.reads, self.data, self.nrcpt = [], None, 0
        scripted(self)

    def run(self):
        c, _ = self.ls.accept()
        c.sendall(b"220 fake\r\n")
        buf, indata = b"", False
        while True:
            got = c.recv(65536)
            if not got: break
            cmds = []
            buf += got
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if indata:
                    if line == b".\r":
                        indata = False
                        cmds.append(b".")
                        c.sendall(b"250 2.0.0 taken\r\n")
                    else: self.data.append(line + b"\n")
                    continue
                cmds.append(line.rstrip(b"\r"))
                if self.reply(c, line.rstrip(b"\r").upper()) == "data": indata, self.data = True, []
                if line.upper().startswith(b"QUIT"): c.close(); self.reads.append(cmds); return
                if self.close_after and line.upper().startswith(self.close_after): c.close(); self.reads.append(cmds); return
            if cmds: self.reads.append(cmds)
        c.close()

    def reply(self, c, cmd):
        if cmd.startswith(b"EHLO"):
            c.sendall(b"250-fake\r\n" + (b"250-PIPELINING\r\n" if self.pipelining else b"") + b"250 8BITMIME\r\n")
        elif cmd.startswith(b"MAIL"): c.sendall(self.mail + b"\r\n")
        elif cmd.startswith(b"RCPT"):
            self.nrcpt += 1
            r = self.rcpt.get(cmd.split(b"<")[1].split(b">")[0].lower(), b"250 2.1.5 ok")
            c.sendall(r + b"\r\n")
        elif cmd == b"DATA":
            c.sendall(self.datarep + b"\r\n")
            return "data" if self.datarep.startswith(b"354") else None
        elif cmd == b"QUIT": c.sendall(b"221 bye\r\n")
        else: c.sendall(b"500 what\r\n")

    def done(self):
        self.t.join(10)
        self.ls.close()


def kinds(reads):
    return [[l.split(b" ")[0].split(b":")[0] for l in r] for r in reads]


# not offered: one command per read, 7 round trips
f = Fake(False, {b"y@d.test": b"550 5.1.1 no such user"})
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@d.test", "y@d.test", "z@d.test"])
f.done()
check(lines(out) == [("ok", "x@d.test", "250"), ("perm", "y@d.test", "550"), ("ok", "z@d.test", "250"), ("msg", "ok", "250")],
      "no pipelining: " + out + err)
check(all(len(r) == 1 for r in f.reads) and len(f.reads) == 8, "one command per read: %r" % kinds(f.reads))
print("round trips without PIPELINING (EHLO to QUIT, 3 rcpts): %d" % len(f.reads))

# offered: MAIL, RCPT, RCPT, RCPT, DATA in one read
f = Fake(True, {b"y@d.test": b"550 5.1.1 no such user", b"z@d.test": b"451 4.3.0 later"})
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@d.test", "y@d.test", "z@d.test"])
f.done()
check(lines(out) == [("ok", "x@d.test", "250"), ("perm", "y@d.test", "550"), ("temp", "z@d.test", "451"), ("msg", "ok", "250")],
      "pipelining: " + out + err)
check(kinds(f.reads)[:2] == [[b"EHLO"], [b"MAIL", b"RCPT", b"RCPT", b"RCPT", b"DATA"]] and len(f.reads) == 4,
      "pipelined group: %r" % kinds(f.reads))
check(f.data == [b"Subject: t\r\n", b"\r\n", b"hello\r\n"], "pipelined data: %r" % f.data)
print("round trips with PIPELINING (EHLO to QUIT, 3 rcpts): %d" % len(f.reads))

# offered, every recipient refused: DATA gets 554, nothing sent
f = Fake(True, {b"x@d.test": b"550 5.1.1 no", b"y@d.test": b"450 4.2.1 busy"}, data=b"554 5.5.1 no valid recipients")
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@d.test", "y@d.test"])
f.done()
check(lines(out) == [("perm", "x@d.test", "550"), ("temp", "y@d.test", "450"), ("msg", "temp", "550")] and f.data is None,
      "all refused, pipelined: " + out)
# ... and a server that says 354 anyway gets the lone dot (RFC 2920 3.1)
f = Fake(True, {b"x@d.test": b"550 5.1.1 no"})
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@d.test"])
f.done()
check(lines(out) == [("perm", "x@d.test", "550"), ("msg", "perm", "550")] and f.data == [], "354 without recipients: %r %s" % (f.data, out))
# MAIL refused: its reply for every recipient
f = Fake(True, mail=b"553 5.1.8 bad sender", data=b"503 5.5.1 no mail")
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@d.test", "y@d.test"])
f.done()
check(lines(out) == [("perm", "x@d.test", "553"), ("perm", "y@d.test", "553"), ("msg", "perm", "553")] and "bad sender" in out,
      "mail refused, pipelined: " + out)
# connection lost after the first RCPT: temporary for all
f = Fake(True, close_after=b"RCPT")
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@d.test", "y@d.test"])
f.done()
check([l[0] for l in lines(out)] == ["temp", "temp", "msg"] and lines(out)[-1][1] == "temp" and "4.4.2" in out, "lost, pipelined: " + out)
# more than 100 recipients: groups of at most 100 commands
rc250 = ["r%d@d.test" % i for i in range(150)]
f = Fake(True)
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + rc250)
f.done()
k = kinds(f.reads)
check(lines(out)[-1][:2] == ("msg", "ok") and sum(l[0] == "ok" for l in lines(out)) == 150 and f.nrcpt == 150,
      "150 recipients: " + out[-200:])
check(len(k[1]) == 100 and k[1][0] == b"MAIL" and k[2][-1] == b"DATA" and len(k[2]) == 52 and k[3] == [b"."], "groups: %r" % [len(r) for r in k])

# the message from a file at an offset: what precedes is not sent, nor
# scanned for 8-bit bytes
msg = b"Subject: off\r\n\r\n" + b"".join(b".%d\r\n" % i + b"x" * (i % 97) + b"\r\n" for i in range(6000)) + b"last"
f = Fake(True)
out, rc, err = smtpout_at(["-f", "a@b.test"] + SMTP + ["x@d.test"], b"envelope \xff\r\n", msg)
f.done()
want = [l + b"\n" for l in msg.replace(b"\r\n.", b"\r\n..").split(b"\n")]
want[-1] = b"last\r\n"
check(out.endswith("msg ok 250 2.0.0 taken\n") and b"BODY=8BITMIME" not in f.reads[1][0], "offset: %r" % out)
check(f.data == want, "offset: the message, dot-stuffed (%d lines, %d expected)" % (len(f.data or []), len(want)))
# the same from a pipe (spooled to a temporary file)
f = Fake(False)
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@d.test"], msg + b"\r\n\xc3\xa9\r\n")
f.done()
check(f.data == want[:-1] + [b"last\r\n", b"\xc3\xa9\r\n"] and b"BODY=8BITMIME" in f.reads[1][0], "pipe: %d lines" % len(f.data or []))
# an empty message: only the dot
f = Fake(True)
out, rc, err = smtpout(["-f", "a@b.test"] + SMTP + ["x@d.test"], b"")
f.done()
check(lines(out)[-1][:2] == ("msg", "ok") and f.data == [], "empty message: %r" % f.data)
finish()

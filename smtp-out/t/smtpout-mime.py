# smtpout-mime.py: lines over 998 bytes (a leaf part re-encoded, a header
# folded or the message refused), the RFC 6152 downgrade of 8-bit mail to
# quoted-printable for a server without 8BITMIME (per leaf part, nested
# messages too; 8-bit headers still refused), and SMTPUTF8 only when an
# address or a header needs it.  Decoded contents are compared with
# python's email package.
import email, email.policy, os, socket, threading
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

SMTP = ["smtp", "127.0.0.1", "2525", "relay", "starttls=none", "--"]


class Fake:
    """One session offering ext (EHLO keywords); mail: the MAIL line, data:
    the message as received (dot-unstuffed), None if DATA never came."""
    def __init__(self, ext):
        self.ext, self.mail, self.data, self.accepted = ext, None, None, False
        scripted(self)

    def run(self):
        c, _ = self.ls.accept()
        self.accepted = True
        f = c.makefile("rwb", buffering=0)
        f.write(b"220 fake\r\n")
        while True:
            l = f.readline()
            if not l: break
            cmd = l.rstrip(b"\r\n")
            u = cmd.upper()
            if u.startswith(b"EHLO"): f.write(b"".join(b"250-" + e + b"\r\n" for e in [b"fake"] + self.ext) + b"250 HELP\r\n")
            elif u.startswith(b"MAIL"): self.mail = cmd ; f.write(b"250 ok\r\n")
            elif u == b"DATA":
                f.write(b"354 go\r\n")
                d = []
                while True:
                    l = f.readline()
                    if l in (b".\r\n", b""): break
                    d.append(l[1:] if l.startswith(b".") else l)
                self.data = b"".join(d)
                f.write(b"250 2.0.0 taken\r\n")
            elif u == b"QUIT": f.write(b"221 bye\r\n") ; break
            else: f.write(b"250 ok\r\n")
        c.close()

    def done(self):
        """after tern-smtp-out exited: a session it had is over, or it never
        connected and a connection of ours ends the wait for one"""
        if not self.accepted: socket.create_connection(("127.0.0.1", 2525)).close()
        self.t.join(30)
        self.ls.close()


def send(msg, ext, args=()):
    f = Fake(ext)
    out, rc, err = smtpout(list(args) + ["-f", "a@b.test"] + SMTP + ["x@d.test"], msg)
    f.done()
    return f, out, err


def maxline(b):
    return max(len(l) for l in b.split(b"\r\n"))


def leaves(b):
    """[(content type, decoded bytes)] of the leaf parts of message b"""
    m = email.message_from_bytes(b, policy=email.policy.compat32)
    return [(p.get_content_type(), p.get_payload(decode=True)) for p in m.walk() if not p.is_multipart() and p.get_content_type() != "message/rfc822"]


def ok(out):
    return out.endswith("msg ok 250 2.0.0 taken\n")


E8 = [b"8BITMIME", b"PIPELINING"]
long1 = b"x" * 600 + b" =" + b"y" * 1500 + b" \t"
# --- lines over 998 bytes (the message came in through tern-queue-inject)
m = b"Subject: long\r\n\r\nshort\r\n" + long1 + b"\r\nend\r\n"
f, out, err = send(m, E8)
check(ok(out) and f.data is not None and maxline(f.data) <= 998, "long body line: sent with lines of at most 998: %s %s" % (out, err))
check(f.data and b"Content-Transfer-Encoding: quoted-printable\r\n" in f.data and b"MIME-Version: 1.0\r\n" in f.data,
      "long body line: the body re-encoded quoted-printable")
check(f.data and leaves(f.data) == leaves(m), "long body line: the same text once decoded")
check(f.data and b"BODY=8BITMIME" not in f.mail, "long body line, 7-bit: no BODY=8BITMIME: %r" % f.mail)
# the same from a queue file: the message after an envelope (an offset)
f = Fake(E8)
out, rc, err = smtpout_at(["-f", "a@b.test"] + SMTP + ["x@d.test"], b"envelope \xff", m)
f.done()
check(ok(out) and f.data and maxline(f.data) <= 998 and leaves(f.data) == leaves(m) and f.data.startswith(b"Subject: long\r\n"),
      "long body line in a file at an offset: %r %r" % (out, (f.data or b"")[:40]))
mp = (b"MIME-Version: 1.0\r\nSubject: mp\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npre\r\n"
      b"--b1\r\nContent-Type: text/plain\r\n\r\nshort one\r\n"
      b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + long1 + b"\r\nh\xc3\xa9\r\n"
      b"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b"QUJD" * 400 + b"\r\n"
      b"--b1--\r\nepilogue\r\n")
f, out, err = send(mp, E8)
check(ok(out) and f.data and maxline(f.data) <= 998, "multipart, long lines in two parts: %s %s" % (out, err))
check(f.data and leaves(f.data) == leaves(mp), "multipart: the same parts once decoded")
check(f.data and b"--b1\r\nContent-Type: text/plain\r\n\r\nshort one\r\n--b1\r\n" in f.data and b"pre\r\n--b1" in f.data
      and b"--b1--\r\nepilogue\r\n" in f.data, "multipart: the short part, preamble and epilogue unchanged")
check(f.data and b"BODY=8BITMIME" not in f.mail and b"h=C3=A9" in f.data, "multipart: the long 8-bit part quoted-printable, the message now 7-bit: %r" % f.mail)
# a header over 998 bytes: folded at a space; without one, refused
hl = b"Subject: " + b" ".join([b"word%d" % i for i in range(300)])
m = hl + b"\r\nX-Other: o\r\n\r\nbody\r\n"
f, out, err = send(m, E8)
check(ok(out) and f.data and maxline(f.data) <= 998, "long header: folded: %s %s" % (out, err))
check(f.data and f.data.split(b"\r\nX-Other")[0].replace(b"\r\n", b"") == hl and f.data.endswith(b"X-Other: o\r\n\r\nbody\r\n"),
      "long header: the same once unfolded")
f, out, err = send(b"X-Big: " + b"z" * 1200 + b"\r\n\r\nbody\r\n", E8)
check("msg perm 554 5.6.0" in out and "998" in out and f.mail is None, "unfoldable header: refused at once, nothing sent: %s" % out)

# --- 8-bit mail to a server without 8BITMIME (RFC 6152 downgrade)
m = "Subject: t\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nh\u00e9 =\r\nline \r\n.dot\r\n".encode()
f, out, err = send(m, [b"PIPELINING"])
check(ok(out) and f.data and all(c < 128 for c in f.data), "no 8BITMIME: converted and sent: %s %s" % (out, err))
check(f.data and b"BODY=8BITMIME" not in f.mail and b"Content-Transfer-Encoding: quoted-printable\r\n" in f.data, "no 8BITMIME: quoted-printable, no BODY=: %r" % f.mail)
check(f.data and leaves(f.data) == leaves(m), "no 8BITMIME: the same text once decoded: %r" % f.data)
check(f.data and b"\r\nline=20\r\n" in f.data and b"h=C3=A9 =3D\r\n" in f.data, "no 8BITMIME: a blank at a line end and = encoded: %r" % f.data)
mp8 = (b"MIME-Version: 1.0\r\nSubject: mp\r\nContent-Type: multipart/mixed; boundary=b2\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
       b"--b2\r\nContent-Type: text/plain\r\n\r\nascii only\r\n"
       b"--b2\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncaf\xe9\r\n"
       b"--b2\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: text/plain; charset=utf-8\r\n"
       b"Content-Transfer-Encoding: 8bit\r\n\r\ninner \xc3\xa9\r\n"
       b"--b2--\r\n")
f, out, err = send(mp8, [])
check(ok(out) and f.data and all(c < 128 for c in f.data), "no 8BITMIME, multipart and a nested message: %s %s" % (out, err))
check(f.data and leaves(f.data) == leaves(mp8), "no 8BITMIME, multipart: the same parts once decoded")
check(f.data and b"--b2\r\nContent-Type: text/plain\r\n\r\nascii only\r\n--b2" in f.data, "no 8BITMIME: the 7-bit part unchanged")
check(f.data and f.data.split(b"\r\n\r\n")[0].endswith(b"\r\nContent-Transfer-Encoding: 7bit") and b": 8bit" not in f.data.split(b"\r\n\r\n")[0],
      "no 8BITMIME: the multipart labelled 8bit is now 7bit: %r" % (f.data or b"").split(b"\r\n\r\n")[0])
f, out, err = send("Subject: caf\u00e9\r\n\r\nbody\r\n".encode(), [])
check("msg perm 554 5.6.3" in out and f.mail is None, "no 8BITMIME, 8-bit header: refused as before: " + out)
f, out, err = send(b"Subject: t\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n\xff\r\n", [])
check("msg perm 554 5.6.3" in out and f.mail is None, "no 8BITMIME, an encoding tern cannot change: refused as before: " + out)
f, out, err = send(m, E8)
check(ok(out) and f.data == m and b"BODY=8BITMIME" in f.mail, "8BITMIME offered: sent as it is")

# --- SMTPUTF8 only when needed
f, out, err = send(b"Subject: ascii\r\n\r\nbody\r\n", E8, ["-u"])
check(ok(out) and f.mail and b"SMTPUTF8" not in f.mail, "flagged SMTPUTF8, all ASCII, not offered: sent without it: %s %r" % (out, f.mail))
f, out, err = send("Subject: ascii\r\n\r\nh\u00e9\r\n".encode(), E8, ["-u"])
check(ok(out) and b"SMTPUTF8" not in f.mail and b"BODY=8BITMIME" in f.mail, "flagged, 8-bit body only: 8BITMIME, no SMTPUTF8: %r" % f.mail)
f, out, err = send("Subject: caf\u00e9\r\n\r\nbody\r\n".encode(), E8, ["-u"])
check("msg perm 553 5.6.7" in out and f.mail is None, "flagged, UTF-8 header, not offered: refused as before: " + out)
f, out, err = send(("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                    "Content-Disposition: attachment; filename=\"caf\u00e9.txt\"\r\n\r\nx\r\n--b--\r\n").encode(), E8, ["-u"])
check("msg perm 553 5.6.7" in out and f.mail is None, "flagged, UTF-8 in a part's header: refused as before: " + out)
f, out, err = send("Subject: caf\u00e9\r\n\r\nbody\r\n".encode(), E8 + [b"SMTPUTF8"], ["-u"])
check(ok(out) and b" SMTPUTF8" in f.mail, "flagged, UTF-8 header, offered: SMTPUTF8: %r" % f.mail)
f = Fake(E8)
out, rc, err = smtpout(["-f", "\u00e9@b.test"] + SMTP + ["x@d.test"])
f.done()
check("msg perm 553 5.6.7" in out, "a UTF-8 sender still needs SMTPUTF8: " + out)
finish()

# binary.py: BINARY (RFC 3516): parts decoded from quoted-printable and
# base64, literal8 when the result holds NUL, BINARY.SIZE, partial
# fetches, NO [UNKNOWN-CTE], BAD for sections BINARY does not take, \Seen
# set without PEEK, APPEND of a literal8.  Prints "N passed, N failed".
import base64, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, Raw

BLOB = bytes(range(256)) * 3
QPTEXT = "caf\u00e9 = 1\r\nline two, long enough to be broken here".encode()  # the CRLF before a boundary is the boundary's
MULTI = (b"From: a@x\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
         b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
         b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: Quoted-Printable\r\n\r\n"
         b"caf=C3=A9 =3D 1\r\nline two, long enough to be broken=\r\n here\r\n"
         b"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
         + base64.encodebytes(BLOB).replace(b"\n", b"\r\n") +
         b"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
         b"begin 644 x\r\nend\r\n"
         b"--b--\r\n")
SINGLE = b"From: a@x\r\nSubject: one\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=\r\n"


def literal(l, prefix):
    """the literal's bytes in a FETCH line l after prefix, and its marker"""
    i = l.index(prefix) + len(prefix)
    j = l.index(b"}\r\n", i)
    n = int(l[l.index(b"{", i) + 1:j])
    return l[j + 3:j + 3 + n], l[i:l.index(b"{", i) + 1]


setup()
deliver("bob", "Inbox", MULTI)
deliver("bob", "Inbox", SINGLE)
c = Raw()
c.cmd("LOGIN bob bob-password")
out, tagged = c.cmd("CAPABILITY")
check(b" BINARY" in out[0], "BINARY advertised: %r" % out)
c.cmd("SELECT Inbox")

out, tagged = c.cmd("FETCH 1 (BINARY.PEEK[1])")
body, mark = literal(out[0], b"BINARY[1] ")
check(b"OK FETCH" in tagged and body == QPTEXT and mark == b"{", "quoted-printable part decoded: %r %r" % (out, tagged))
out, tagged = c.cmd("FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])")
body, mark = literal(out[0], b"BINARY[2] ")
check(body == BLOB and mark == b"~{", "base64 part decoded, as a literal8 (it holds NUL): %r" % mark)
check(b"BINARY.SIZE[2] %d" % len(BLOB) in out[0], "BINARY.SIZE: %r" % out[0][-40:])
out, tagged = c.cmd("FETCH 1 (BINARY.PEEK[2]<254.4>)")
body, mark = literal(out[0], b"BINARY[2]<254> ")
check(body == b"\xfe\xff\x00\x01" and mark == b"~{", "partial: %r" % out)
out, tagged = c.cmd("FETCH 1 (BINARY.PEEK[3])")
check(b"NO [UNKNOWN-CTE]" in tagged and not out, "unknown encoding: NO [UNKNOWN-CTE]: %r %r" % (out, tagged))
out, tagged = c.cmd("FETCH 1:2 (BINARY.PEEK[3])")
check(b"NO [UNKNOWN-CTE]" in tagged, "the same within a range: %r" % tagged)
out, tagged = c.cmd("FETCH 2 (BINARY.PEEK[1] BINARY.SIZE[1])")
body, mark = literal(out[0], b"BINARY[1] ")
check(body == b"hello world" and b"BINARY.SIZE[1] 11" in out[0], "single-part message: its body decoded: %r" % out)
out, tagged = c.cmd("FETCH 2 (BINARY.PEEK[])")
body, mark = literal(out[0], b"BINARY[] ")
check(body == SINGLE, "BINARY[]: the whole message as stored")
for bad in ["BINARY.PEEK[1.MIME]", "BINARY.PEEK[HEADER]", "BINARY.PEEK[1.TEXT]", "BINARY.SIZE[1]<0.5>", "BINARY.FOO[1]"]:
    out, tagged = c.cmd("FETCH 1 (%s)" % bad)
    check(b" BAD " in tagged, "%s: BAD: %r" % (bad, tagged))
out, tagged = c.cmd("FETCH 2 (FLAGS)")
check(b"\\Seen" not in out[0], "PEEK left \\Seen alone: %r" % out)
out, tagged = c.cmd("FETCH 2 (BINARY[1])")
check(b"\\Seen" in out[0], "BINARY without PEEK sets \\Seen: %r" % out)

raw = b"Subject: nul\r\n\r\na\x00b\r\n"
c.n += 1
c.send(b"t%d APPEND Inbox ~{%d+}\r\n" % (c.n, len(raw)) + raw + b"\r\n")
out, tagged = c.until(b"t%d" % c.n)
check(b"OK [APPENDUID" in tagged, "APPEND of a literal8: %r" % tagged)
c.cmd("NOOP")
out, tagged = c.cmd("FETCH 3 (BINARY.PEEK[])")
body, mark = literal(out[0], b"BINARY[] ")
check(body == raw and mark == b"~{", "its bytes, NUL included: %r" % out)
common.terntest.report()

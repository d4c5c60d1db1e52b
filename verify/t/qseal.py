# qseal.py: message files of queue version 4 made by hand, as tern-queue(5)
# "Message files" says: the sealed first line "tern-queue 3 SIZE SUM ID"
# (SIZE 16 hex digits, SUM the CRC-32 of every byte after the line, 8
# hex digits), the envelope, a blank line, the message; or format 2, as
# queue version 3 wrote it (SHA-256, 64 digits).  Shared by the tests of
# tern-verify (verify/t) and tern-backup (backup/t).
import hashlib, os, time, zlib


def body(rcpt, subject, sender="a@example.org"):
    """the bytes after the first line: the envelope and a message"""
    return (b"time %d\nfrom <%s>\nrcpt <%s>\n\nSubject: %s\r\n\r\nbody of %s\r\n"
            % (int(time.time()), sender.encode(), rcpt.encode(), subject.encode(), subject.encode()))


def sealed(rest, qid, fmt=3):
    """the whole file: the seal's line (format 3, or 2), then rest"""
    total = b"%08x" % zlib.crc32(rest) if fmt == 3 else hashlib.sha256(rest).hexdigest().encode()
    return (b"tern-queue %d %016x %s %s\n" % (fmt, len(rest), total, qid.encode())) + rest


def make(path, rcpt, subject, torn=False, qid=None, fmt=3):
    """a whole (or torn: its last 7 bytes missing) message file at path,
    named, as a real one, from the time and its inode (or qid), sealed in
    format fmt; its id"""
    with open(path, "wb") as f:
        ino = os.fstat(f.fileno()).st_ino
        t = time.time()
        qid = qid or "%08x%05x.%x" % (int(t), int((t % 1) * 1e6), ino)
        data = sealed(body(rcpt, subject), qid, fmt)
        f.write(data[:-7] if torn else data)
    return qid


def unsealed(path, rcpt, subject):
    """a file of a killed writer: the seal's line still unsealed (x's)"""
    rest = body(rcpt, subject)
    with open(path, "wb") as f:
        f.write(b"tern-queue 3 %s %s 6701ab3c0f1a2.1\n" % (b"x" * 16, b"x" * 8) + rest)

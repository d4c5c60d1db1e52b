# qseal.py: message files of queue version 3 made by hand, as tern-queue(5)
# "Message files" says: the sealed first line "tern-queue 2 SIZE HASH ID"
# (SIZE 16 hex digits, HASH the SHA-256 of every byte after the line, 64
# hex digits), the envelope, a blank line, the message.  Shared by the
# tests of tern-verify (verify/t) and tern-backup (backup/t).
import hashlib, os, time


def body(rcpt, subject, sender="a@example.org"):
    """the bytes after the first line: the envelope and a message"""
    return (b"time %d\nfrom <%s>\nrcpt <%s>\n\nSubject: %s\r\n\r\nbody of %s\r\n"
            % (int(time.time()), sender.encode(), rcpt.encode(), subject.encode(), subject.encode()))


def sealed(rest, qid):
    """the whole file: the seal's line, then rest"""
    return (b"tern-queue 2 %016x %s %s\n" % (len(rest), hashlib.sha256(rest).hexdigest().encode(), qid.encode())) + rest


def make(path, rcpt, subject, torn=False, qid=None):
    """a whole (or torn: its last 7 bytes missing) message file at path,
    named, as a real one, from the time and its inode (or qid); its id"""
    with open(path, "wb") as f:
        ino = os.fstat(f.fileno()).st_ino
        t = time.time()
        qid = qid or "%08x%05x.%x" % (int(t), int((t % 1) * 1e6), ino)
        data = sealed(body(rcpt, subject), qid)
        f.write(data[:-7] if torn else data)
    return qid


def unsealed(path, rcpt, subject):
    """a file of a killed writer: the seal's line still all zeros"""
    rest = body(rcpt, subject)
    with open(path, "wb") as f:
        f.write(b"tern-queue 2 %s %s 6701ab3c0f1a2.1\n" % (b"0" * 16, b"0" * 64) + rest)

# sortkeys.py: the sort-key file (tern-store.5 sortkeys) damaged, torn or
# huge (a sparse 512 MB file with a good head) is refused, never trusted:
# SORT answers as before, tern-imap's peak RSS stays bounded, and the file
# is written again as it was; a first SORT by string keys reads only the
# columns it needs (damaged strings do not matter to it); the first SORT
# and THREAD of a session answer from the file's ranks as from keys
# computed afresh; SEARCH, SORT and THREAD ... ALL leave out a message
# expunged after a lazy SELECT.  Prints "N passed, N failed".
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, Raw

PATH = "data/accounts/bob/mail/1/sortkeys"
WORDS = ["zebra", "apple", "Mango", "kiwi", "re: apple", "Fwd: kiwi", "banana", "cherry"]


def hwm(pid):
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmHWM:"):
            return int(l.split()[1])
    return -1


def sort():
    """SORT (SUBJECT) and (REVERSE FROM DATE) in a new session, then THREAD
    (it reads every section of the file), and the session's peak RSS in KiB"""
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("SELECT INBOX")
    r = c.cmd("SORT (SUBJECT) UTF-8 ALL")[0] + c.cmd("SORT (REVERSE FROM DATE) UTF-8 ALL")[0]
    c.cmd("THREAD REFERENCES UTF-8 ALL")
    k = hwm(c.proc.pid)
    c.cmd("LOGOUT")
    c.proc.wait(30)
    return r, k


def main():
    setup()
    for i in range(40):
        m = (b"From: User%d <u%d@example.org>\r\nTo: bob@example.com\r\nSubject: %s %d\r\n"
             b"Date: Mon, 1 Jan 2024 00:%02d:00 +0000\r\nMessage-ID: <m%d@x>\r\n\r\nbody %d\r\n"
             % (i % 7, i % 7, WORDS[i % len(WORDS)].encode(), i % 5, 59 - i, i, i))
        deliver("bob", "Inbox", m)
    want, base = sort()
    check(len(want) == 2 and want[0].startswith(b"* SORT ") and os.path.exists(PATH), "the file is written: %r" % (want,))
    good = open(PATH, "rb").read()
    check(good.startswith(b"tern-sortkeys "), "its head: %r" % good[:16])

    def case(what, damage):
        damage()
        r, k = sort()
        check(r == want, "%s: SORT answers as before: %r" % (what, r))
        check(0 < k < 65536, "%s: peak RSS %d KiB, under 64 MiB" % (what, k))
        check(open(PATH, "rb").read() == good, "%s: written again as it was" % what)

    def flip():
        b = bytearray(good)
        b[len(b) // 2] ^= 0x20
        open(PATH, "wb").write(b)

    def huge():
        with open(PATH, "wb") as f:
            f.write(good[:-8])
            f.truncate(512 << 20)

    case("one byte changed", flip)
    case("torn in the middle", lambda: open(PATH, "wb").write(good[:len(good) // 2]))
    case("a huge sparse file with a good head", huge)
    case("empty", lambda: open(PATH, "wb").close())
    case("another version", lambda: open(PATH, "wb").write(b"tern-sortkeys 9\n" + good[16:]))
    inplace(want[0], good)
    merged()
    threadranks()
    pending()
    sys.exit(1 if common.terntest.report() else 0)


def inplace(want, good):
    """the first SORT by string keys in a session reads the file's UIDs and
    those keys' rank columns in place, not its strings: a byte changed in
    the strings (the last section) leaves the answer right and the file as
    it is, and so does SORT (REVERSE DATE); THREAD needs the strings, finds
    the damage and writes the file again"""
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("SELECT INBOX")
    wantdate = c.cmd("SORT (REVERSE DATE) UTF-8 ALL")[0][0]
    c.cmd("LOGOUT")
    c.proc.wait(30)
    slen = int.from_bytes(good[24:28], "little")
    b = bytearray(good)
    k = next(i for i in range(len(b) - 8 - slen // 2, len(b) - 8) if b[i])
    b[k] ^= 0x20
    open(PATH, "wb").write(b)
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("SELECT INBOX")
    r = c.cmd("SORT (SUBJECT) UTF-8 ALL")[0]
    check(r == [want], "damaged strings: the first SORT (SUBJECT) answers as before: %r" % (r,))
    check(open(PATH, "rb").read() == b, "damaged strings: the file is left as it is (no key was made)")
    r = c.cmd("SORT (REVERSE DATE) UTF-8 ALL")[0]
    check(r == [wantdate] and open(PATH, "rb").read() == b,
          "and SORT (REVERSE DATE) (the dates column) too: %r" % (r,))
    r = c.cmd("THREAD REFERENCES UTF-8 ALL")[0]
    check(len(r) == 1 and r[0].startswith(b"* THREAD ") and open(PATH, "rb").read() == good,
          "then THREAD needs the strings, finds the damage and writes the file again as it was: %r" % (r,))
    c.cmd("LOGOUT")
    c.proc.wait(30)


def sorts():
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("SELECT INBOX")
    r = [c.cmd("SORT (%s) UTF-8 ALL" % k)[0] for k in
         ("SUBJECT", "FROM", "REVERSE SUBJECT DATE", "TO", "DISPLAYFROM", "CC", "SUBJECT REVERSE ARRIVAL")]
    c.cmd("LOGOUT")
    c.proc.wait(30)
    return r


def merged():
    """the file's ranks and keys not in it, merged, sort as keys computed afresh"""
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("SELECT INBOX")
    c.cmd("STORE 3,9,17 +FLAGS.SILENT (\\Deleted)")
    c.cmd("EXPUNGE")
    c.cmd("LOGOUT")
    c.proc.wait(30)
    sorts()   # the file as it is: 37 messages
    for i, w in enumerate(["apple", "zz", "kiwi", "Apple", ""]):
        deliver("bob", "Inbox", b"From: User%d <u%d@example.org>\r\nSubject: %s %d\r\n\r\nx\r\n" % (i, i + 3, w.encode(), i % 5))
    before = open(PATH, "rb").read()
    a = sorts()
    check(open(PATH, "rb").read() == before, "5 new of 42: the file is left as it is (the merge is what is tested)")
    os.unlink(PATH)
    b = sorts()
    check(a == b and len(b[0][0].split()) == 44, "file ranks with 5 keys merged in sort as all computed: %r %r" % (a, b))
    c = sorts()
    check(c == b, "and as the file written then: %r" % (c,))



def threads():
    """THREAD REFERENCES and ORDEREDSUBJECT, and SORT (SUBJECT) and
    (REVERSE FROM), each the first of a new session"""
    out = []
    for cmd in ("THREAD REFERENCES UTF-8 ALL", "THREAD ORDEREDSUBJECT UTF-8 ALL", "SORT (SUBJECT) UTF-8 ALL",
                "SORT (REVERSE FROM) UTF-8 ALL", "SORT (REVERSE SUBJECT) UTF-8 UNSEEN"):
        c = Raw()
        c.cmd("LOGIN bob bob-password")
        c.cmd("SELECT INBOX")
        out.append(c.cmd(cmd)[0])
        c.cmd("LOGOUT")
        c.proc.wait(30)
    return out


def threadranks():
    """the first THREAD of a session joins root threads by the file's
    subject ranks, the first SORT by one string key counts ranks: the same
    answers as with keys computed from the messages (no file).  Replies to
    missing messages make dummy roots; Re:/Fwd and blobs share base subjects"""
    subj = ["apple", "Re: apple", "[list] Re: apple", "Fwd: kiwi", "kiwi (fwd)", "KIWI", "", "Re: [x] zebra", "zebra"]
    for i in range(27):
        refs = b"References: <gone%d@x> <m%d@x>\r\n" % (i % 4, i % 6) if i % 3 else b""
        deliver("bob", "Inbox", b"From: R%d <r%d@example.org>\r\nSubject: %s\r\nDate: Tue, 2 Jan 2024 0%d:00:00 +0000\r\n"
                b"Message-ID: <t%d@x>\r\n%s\r\nx\r\n" % (i % 5, i % 3, subj[i % len(subj)].encode(), i % 10, i, refs))
        if i % 4 == 0:
            c = Raw()
            c.cmd("LOGIN bob bob-password")
            c.cmd("SELECT INBOX")
            c.cmd("STORE %d +FLAGS.SILENT (\\Seen)" % (i + 2))
            c.cmd("LOGOUT")
            c.proc.wait(30)
    os.unlink(PATH)
    computed = threads()   # keys computed (the file is written by the first)
    check(os.path.exists(PATH), "the file is written again")
    fromfile = threads()   # every key from the file, with its ranks
    check(fromfile == computed and all(len(x) == 1 for x in computed),
          "THREAD, SORT (SUBJECT), (REVERSE FROM), (REVERSE SUBJECT) UNSEEN: from the file's ranks as from computed keys: %r %r"
          % (fromfile, computed))
    check(computed[0][0].count(b"(") > 10, "THREAD REFERENCES made threads: %r" % computed[0][:1])


def pending():
    """a message another session expunged after SELECT, before the list
    was read (lazy SELECT), is not in SEARCH ALL, SORT ... ALL or THREAD
    ... ALL of the session not yet told (no EXPUNGE during them): its
    sequence number stays taken; the same answers as by 1:*"""
    def expunge2():
        b = Raw()
        b.cmd("LOGIN bob bob-password")
        b.cmd("SELECT INBOX")
        b.cmd("STORE 2 +FLAGS.SILENT (\\Deleted)")
        b.cmd("EXPUNGE")
        b.cmd("LOGOUT")
        b.proc.wait(30)
    for cmd in ("SEARCH", "SORT (SUBJECT) UTF-8", "SORT (REVERSE FROM) UTF-8", "THREAD REFERENCES UTF-8", "UID SEARCH"):
        uids = []
        if cmd.startswith("UID"):   # the UIDs, from another session: this one's list stays unread
            u = Raw()
            u.cmd("LOGIN bob bob-password")
            u.cmd("SELECT INBOX")
            uids = u.cmd("UID FETCH 1:* (UID)")[0]
            u.cmd("LOGOUT")
            u.proc.wait(30)
        a = Raw()
        a.cmd("LOGIN bob bob-password")
        r = a.cmd("SELECT INBOX")[0]
        n = int(next(l.split()[1] for l in r if l.endswith(b" EXISTS\r\n")))
        expunge2()
        r = a.cmd("%s ALL" % cmd)[0]
        a.cmd("LOGOUT")
        a.proc.wait(30)
        got = sorted(int(x) for x in r[0].replace(b"(", b" ").replace(b")", b" ").split()[2:]) if r else []
        want = [i for i in range(1, n + 1) if i != 2]
        if uids:   # the UIDs of those messages
            u = [int(l.split(b"UID ")[1].split(b")")[0]) for l in uids if b" FETCH " in l]
            want = [u[i - 1] for i in want]
        check(got == want, "%s ALL after an expunge the session was not told of: %d of %d messages, without the second: %r"
              % (cmd, len(got), n, r))


main()

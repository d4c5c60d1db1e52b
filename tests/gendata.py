# gendata.py: what the tests of tern-gentestdata and the upgrade tests
# share: the mailboxes and flags tern-gentestdata makes (its man page),
# a dump of a tree for byte-for-byte comparison, and serve(): log in to
# every account through tern-imap, SELECT every mailbox, FETCH every
# message, and check flags, counts and bodies against the data.
import hashlib, imaplib, os, socket, stat, subprocess

S, F, D, A, DR = "\\Seen", "\\Flagged", "\\Deleted", "\\Answered", "\\Draft"
EMPTY = {"Sent": [], "Archive": [], "Trash": [], "Drafts": [], "Junk": []}
# account -> (password, login as, {mailbox: [(uid, {flags})]}, {mailbox: uidnext})
EXPECT = {
    "alice": ("alice-password", "alice@tern.example", dict(EMPTY, **{
        "Inbox": [(1, {S}), (2, {S, F, "project"}), (3, {"$NotJunk"}), (5, {D, S}), (6, {"todo"})],
        "Archive": [(1, {S})], "Sent": [(1, {S})], "Drafts": [(1, {DR, S})],
        "Junk": [(1, {"$Junk", S}), (2, {"$Junk"})], "Lists/tern": [(1, {S}), (2, set())]}), {"Inbox": 7}),
    "bob": ("bob-password", "bob", dict(EMPTY, **{
        "Inbox": [(1, {S, A}), (2, {"$Junk"}), (3, set())]}), {"Inbox": 4}),
    "juergen": ("juergen-password", "j\u00fcrgen@b\u00fccher.example", dict(EMPTY, **{
        "Inbox": [(1, {S}), (2, {"$NotJunk"})], "Junk": [(1, {"$Junk"}), (2, {"$Junk", S})],
        "Archiv/Gr\u00f6\u00dfe": [(1, {S, "reise"})]}), {"Inbox": 3}),
}


def tree(top, dirsize=True):
    """{relative path: (type, mode, nlink, size, mtime_ns, sha256 or target)}
    and the hard-link groups; only atime, ctime and inode numbers are left
    out (no program can set the last two), and with dirsize False the size
    of directories (the file system's: it differs from one to another)."""
    out, inodes = {}, {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            r = os.path.relpath(p, top)
            st = os.lstat(p)
            what = ""
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    what = hashlib.sha256(f.read()).hexdigest()
                inodes.setdefault(st.st_ino, []).append(r)
            elif stat.S_ISLNK(st.st_mode):
                what = os.readlink(p)
            size = st.st_size if dirsize or not stat.S_ISDIR(st.st_mode) else 0
            out[r] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_nlink, size, st.st_mtime_ns, what)
    links = sorted(sorted(v) for v in inodes.values() if len(v) > 1)
    return out, links


class Imap(imaplib.IMAP4):
    """tern-imap for one connection over a socketpair (as imap/t/common.py)."""

    def __init__(self, conf):
        self.conf = conf
        imaplib.IMAP4.__init__(self)

    def open(self, host="", port=0, timeout=None):
        a, b = socket.socketpair()
        e = {"PATH": os.environ["PATH"], "TCPREMOTEIP": "127.0.0.1"}
        self.proc = subprocess.Popen(["tern-imap", "-c", self.conf], stdin=b, stdout=b, stderr=subprocess.DEVNULL, env=e)
        b.close()
        self.sock = a
        self.file = a.makefile("rb")


def boxdirs(acct):
    """{mailbox name: its directory} from ACCT/mailboxes (tern-store(5))."""
    out = {}
    with open(os.path.join(acct, "mailboxes"), "rb") as f:
        for line in f.read().decode().split("\n")[1:]:
            if line:
                i, _, _, _, name = line.split(" ", 4)
                out[name] = os.path.join(acct, "mail", i)
    return out


def flagset(b):
    s = b.decode()
    return set(s[s.index("FLAGS (") + 7:].split(")")[0].split())


def serve(conf, data, check, prefix=""):
    """Check every account of EXPECT through tern-imap on conf."""
    for name, (pw, user, boxes, uidnext) in sorted(EXPECT.items()):
        t = Imap(conf)
        if user.isascii():
            typ, _ = t.login(user, pw)
        else:   # a UTF-8 address: LOGIN takes ASCII only in imaplib
            typ, _ = t.authenticate("PLAIN", lambda c: ("\0%s\0%s" % (user, pw)).encode())
        check(typ == "OK", "%slogin %s as %s" % (prefix, name, user))
        t.enable("UTF8=ACCEPT")
        typ, lst = t.list()
        # a \\Noselect level above a mailbox is no mailbox (RFC 3501 6.3.8)
        names = sorted(l.decode().rsplit(' "/" ', 1)[1].strip('"') for l in lst if b"\\Noselect" not in l)
        # tern-imap lists the store's Inbox as INBOX (RFC 3501 5.1)
        check(names == sorted("INBOX" if b == "Inbox" else b for b in boxes), "%s%s: LIST %s" % (prefix, name, names))
        dirs = boxdirs(os.path.join(data, "accounts", name))
        for box, want in sorted(boxes.items()):
            typ, n = t.select('"%s"' % box)
            check(typ == "OK" and int(n[0]) == len(want), "%s%s/%s: SELECT %s %s, want %d" % (prefix, name, box, typ, n, len(want)))
            if box in uidnext:
                got = t.response("UIDNEXT")[1]
                check(got == [str(uidnext[box]).encode()], "%s%s/%s: UIDNEXT %s" % (prefix, name, box, got))
            if not want:
                continue
            typ, res = t.fetch("1:*", "(UID FLAGS BODY.PEEK[])")
            got, same = [], True
            for item in res:
                if not isinstance(item, tuple):
                    continue
                head = item[0].decode()
                uid = int(head.split("UID ")[1].split()[0])
                got.append((uid, flagset(item[0]) - {"\\Recent"}))   # session state, not stored
                with open(os.path.join(dirs[box], "cur", str(uid)), "rb") as f:
                    same = same and f.read() == item[1]
            check(got == want, "%s%s/%s: FETCH flags %s, want %s" % (prefix, name, box, got, want))
            check(same and len(got) == len(want), "%s%s/%s: FETCH bodies equal the message files" % (prefix, name, box))
        t.logout()
        t.proc.wait()


def junk(data, check, prefix=""):
    """The trained filters (junk/tern-junk.5 header: 1 ham and 2 spam for
    alice and juergen, none for bob) and each message's training state
    (tern-store(5) index flag bits 16-17) as its flags ask."""
    for name, (_, _, boxes, _) in sorted(EXPECT.items()):
        acct = os.path.join(data, "accounts", name)
        words = os.path.join(acct, "junk", "words")
        if name == "bob":
            check(not os.path.exists(words), "%sbob has no junk filter" % prefix)
        else:
            with open(words, "rb") as f:
                h = f.read(64)
            nham, nspam = int.from_bytes(h[20:24], "little"), int.from_bytes(h[24:28], "little")
            check(h[:8] == b"ternjunk" and (nham, nspam) == (1, 2), "%s%s: filter trained %d ham %d spam" % (prefix, name, nham, nspam))
        dirs = boxdirs(acct)
        for box, want in sorted(boxes.items()):
            with open(os.path.join(dirs[box], "index"), "rb") as f:
                idx = f.read()
            got, exp = [], []
            for i in range(64, len(idx), 64):
                uid, flags = int.from_bytes(idx[i:i + 4], "little"), int.from_bytes(idx[i + 4:i + 8], "little")
                if not flags & 0x8000:
                    got.append((uid, (flags >> 16) & 3))
            for uid, fl in want:
                j, nj = "$Junk" in fl, "$NotJunk" in fl
                exp.append((uid, 2 if j and not nj and name != "bob" else 1 if nj and not j and name != "bob" else 0))
            check(got == exp, "%s%s/%s: training states %s, want %s" % (prefix, name, box, got, exp))


def queue(conf, check, prefix=""):
    """tern queue list reads the queue: four messages, one new, one held,
    one with the transport smarthost, one deferred after 3 attempts."""
    r = subprocess.run(["tern-queue", "-c", conf, "list"], capture_output=True)
    out = r.stdout.decode()
    check(r.returncode == 0 and out.endswith("total messages=4 new=1 hold=1 rcpts=5 pending=4 delivered=1 failed=0 "
                                              "bounce=0 delay=0 domains=remote.example:3,friends.example:1\n"),
          "%stern queue list: %d %s %s" % (prefix, r.returncode, out[-200:], r.stderr))
    check(out.count(" transport=smarthost\n") == 1 and out.count(" pending attempts=3 error=\"451 4.4.1 ") == 1
          and out.count(" delivered attempts=1\n") == 1, "%stern queue list: transport, deferral: %s" % (prefix, out))

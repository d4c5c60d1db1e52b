# clients.py: real clients against tern-imap through tern-listen on
# 127.0.0.1: mbsync (pull, flags both ways, push, server expunge), curl,
# fetchmail, offlineimap (all installed by make deps).
import glob, os, shutil, signal, socket, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, MSG, Raw, D
from mua import mbsync_start, sync, files

setup()
lis, port = mbsync_start()


def mbsync():
    for i in range(3):
        deliver("bob", "Inbox", MSG % (i, i, i))
    check(sync() == 0, "first sync")
    check(len(files("INBOX")) == 3, "3 messages pulled: %r" % files("INBOX"))
    check(os.path.isdir("mail/Sent") and os.path.isdir("mail/Junk"), "folders created locally")
    # local: flag one message; server: mark another \Seen
    f = files("INBOX")[0]
    base = f.split("/")[-1].split(":2,")[0]
    os.rename(f, "mail/INBOX/cur/" + base + ":2,F")
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    c.cmd("SELECT Inbox")
    c.cmd("STORE 3 +FLAGS (\\Seen)")
    c.cmd("LOGOUT")
    with open("mail/INBOX/new/%d.local.host" % int(time.time()), "wb") as g:
        g.write(b"From: me@example.com\r\nSubject: pushed\r\n\r\npushed body\r\n")
    check(sync() == 0, "second sync")
    c = Raw()
    c.cmd("LOGIN bob bob-password")
    r = c.cmd("SELECT Inbox")
    check(b"* 4 EXISTS\r\n" in r[0], "local message pushed: %r" % (r,))
    r = c.cmd("SEARCH FLAGGED")
    check(len(r[0][0].split()) == 3, "local flag pushed: %r" % (r,))
    check(any(p.endswith(",S") or ",S" in p.split(":2,")[-1] for p in files("INBOX")), "server \\Seen pulled: %r" % files("INBOX"))
    c.cmd("STORE 2 +FLAGS (\\Deleted)")
    c.cmd("EXPUNGE")
    c.cmd("LOGOUT")
    check(sync() == 0, "third sync")
    check(len(files("INBOX")) == 3, "server expunge pulled: %r" % files("INBOX"))


def curl():
    if True:
        u = "imap://127.0.0.1:%d/INBOX" % port
        r = subprocess.run(["curl", "-s", "-u", "bob:bob-password", u, "-X", "UID SEARCH ALL"], capture_output=True, timeout=30)
        check(r.returncode == 0 and r.stdout.startswith(b"* SEARCH 1 3 4"), "curl UID SEARCH: %r" % (r.stdout,))
        r = subprocess.run(["curl", "-s", "-u", "bob:bob-password", u + ";UID=1"], capture_output=True, timeout=30)
        check(r.returncode == 0 and r.stdout == MSG % (0, 0, 0), "curl fetch by UID: %r" % (r.stdout,))


def fetchmail():
    for i in range(2):
        deliver("bob", "Archive", MSG % (10 + i, 10 + i, 10 + i))
    with open("fetchmailrc", "w") as f:
        f.write('set no bouncemail\npoll 127.0.0.1 port %d protocol IMAP auth password\n'
                '  user "bob" password "bob-password" is root here folder Archive keep fetchall sslproto \'\'\n'
                '  mda "/bin/sh -c \'cat >> %s/fetched\'"\n' % (port, D))
    os.chmod("fetchmailrc", 0o600)
    r = subprocess.run(["fetchmail", "-f", "fetchmailrc", "--pidfile", os.path.abspath("fetchmail.pid"), "--nodetach", "--nosyslog", "-s"], capture_output=True, text=True, timeout=60)
    got = open("fetched", "rb").read() if os.path.exists("fetched") else b""
    check(r.returncode == 0 and got.count(b"Subject: hello 1") == 2, "fetchmail got 2 messages: rc=%d %r %s" % (r.returncode, got[:200], r.stderr[-300:]))


def offlineimap():
    with open("oirc", "w") as f:
        f.write("[general]\naccounts = t\nmetadata = %s/oimeta\n\n[Account t]\nlocalrepository = L\nremoterepository = R\n\n"
                "[Repository L]\ntype = Maildir\nlocalfolders = %s/oimail\n\n"
                "[Repository R]\ntype = IMAP\nremotehost = 127.0.0.1\nremoteport = %d\nremoteuser = bob\n"
                "remotepass = bob-password\nssl = no\nstarttls = no\n" % (D, D, port))
    r = subprocess.run(["offlineimap", "-c", "oirc", "-o", "-u", "basic"], capture_output=True, text=True, timeout=120)
    n = len(glob.glob("oimail/Archive/cur/*") + glob.glob("oimail/Archive/new/*"))
    check(r.returncode == 0 and n == 2, "offlineimap copied Archive: rc=%d n=%d %s" % (r.returncode, n, (r.stdout + r.stderr)[-400:]))


try:
    for name, fn in (("mbsync", mbsync), ("curl", curl), ("fetchmail", fetchmail), ("offlineimap", offlineimap)):
        # make deps installs every client: a missing one is a failure, not a skip
        check(shutil.which(name) is not None, "%s is installed" % name)
        if shutil.which(name):
            fn()
finally:
    lis.send_signal(signal.SIGTERM)
    lis.wait(5)
common.terntest.report()

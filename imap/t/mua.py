# mua.py: what the tests through real mail clients share (mutt.py,
# junk-mutt.py: mutt in a terminal under script(1); clients.py,
# junk-mbsync.py: mbsync into Maildirs in mail/).
import glob, os, subprocess
import common

MUTTRC = """set folder="imap://bob@127.0.0.1:%d/"
set spoolfile="+INBOX"
set imap_pass="bob-password"
set ssl_starttls=no
set ssl_force_tls=no
set imap_authenticators="login"
set confirmcreate=no
set confirmappend=no
set quit=yes
set move=no
set sort=date
set wait_key=no
"""


def mutt(port, keys, extra=""):
    """mutt as bob through port, with keys typed ahead (push) and the
    settings extra, its screen in typescript: the CompletedProcess"""
    with open("muttrc", "w") as f:
        f.write(MUTTRC % port + extra)
    return subprocess.run(["script", "-qec", "mutt -n -F muttrc -e 'push \"%s\"'" % keys, "typescript"], env=dict(os.environ, TERM="xterm"),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def mbsync_start(**kw):
    """mail/INBOX, a listener (common.listener(**kw)) and its mbsyncrc: (listener, port)"""
    os.makedirs("mail/INBOX", exist_ok=True)
    lis, port = common.listener(**kw)
    common.mbsyncrc(port)
    return lis, port


def sync(rc="mbsyncrc"):
    """mbsync -c rc -a: its exit code (its output printed when not 0)"""
    r = subprocess.run(["mbsync", "-c", rc, "-a"], capture_output=True, text=True, timeout=60)
    if r.returncode:
        print(r.stdout + r.stderr)
    return r.returncode


def files(box, mail="mail"):
    """the local Maildir box's message files, sorted"""
    return sorted(glob.glob("%s/%s/cur/*" % (mail, box)) + glob.glob("%s/%s/new/*" % (mail, box)))

# terntest.py: what every python test of tern shares: check() counts,
# report() prints the "N passed, N failed" line that tests/run reads,
# freeport() finds a free port on 127.0.0.1, up() and waitport() tell
# whether one listens, waitfor() waits on a condition, dovecot_conf() writes the
# part of a private Dovecot's configuration that every peer test shares,
# postfix_conf() a private Postfix's, dkim_only() keeps one selector's
# signature, proc_ids() and proc_tree() read /proc, failtail() shows a
# peer's log after a failure.  With TERN_CHECKS=1
# in the environment (by hand: tests/run clears it) check() also prints
# each check that passed, its text up to the first ": " (a coverage map).
# Import with: sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import os, socket, time

npass = nfail = 0
failed = []     # the failed checks' names, said again by report()
LIST = os.environ.get("TERN_CHECKS") == "1"


def check(cond, what):
    global npass, nfail
    if cond:
        npass += 1
        if LIST:
            print("ok   " + what.split(": ")[0].split("\n")[0][:200])
    else:
        nfail += 1
        failed.append(what.split(": ")[0].split("\n")[0][:120])
        print("FAIL " + what)


def waitfor(f, t=60):
    """f() true within t seconds: True, or False"""
    end = time.time() + t
    while time.time() < end:
        if f():
            return True
        time.sleep(0.1)
    return False


def up(port, host="127.0.0.1"):
    """something accepts connections on host's TCP port"""
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


def waitport(port, t=30):
    """the port of 127.0.0.1 accepts connections within t seconds"""
    return waitfor(lambda: up(port), t)


def report():
    """Print the closing line (after the names of the failed checks again,
    so that they are in the tail tests/run shows after long logs); return
    the number of failures."""
    for w in failed[:10]:
        print("failed: " + w)
    print("%d passed, %d failed" % (npass, nfail))
    return nfail


def failtail(path, n=8):
    """After a failed check, print the last n lines of the log file path
    (a peer's: dovecot.log), named by its base name; nothing if all passed
    or it is missing."""
    if nfail and os.path.exists(path):
        print(os.path.basename(path) + ": " + "".join(open(path).readlines()[-n:]))


def freeport():
    """A TCP port of 127.0.0.1 free a moment ago (callers retry if taken)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def dovecot_conf(d, instance, protocols, rest):
    """A private Dovecot in directory d (run/, dovecot.log, users with
    {PLAIN} passwords, mail in home/USER/Maildir, running as nobody):
    the configuration text, rest (listeners, TLS, ...) appended."""
    return """base_dir = %(d)s/run
state_dir = %(d)s/run/state
instance_name = %(i)s
log_path = %(d)s/dovecot.log
listen = 127.0.0.1
protocols = %(p)s
disable_plaintext_auth = no
auth_failure_delay = 0
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%n %(d)s/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=%(d)s/home/%%n
}
""" % {"d": d, "i": instance, "p": protocols} + rest


def postfix_conf(d, port):
    """A private Postfix in directory d (etc/, spool/, data/) that takes
    mail for dst.test on 127.0.0.1:port into d/mail/Maildir (as nobody);
    start it with: postfix -c d/etc start-fg."""
    import os, subprocess
    for s in ("etc", "spool", "data", "mail"):
        os.makedirs(d + "/" + s)
    subprocess.run(["chown", "postfix", d + "/data"])
    subprocess.run(["chown", "nobody", d + "/mail"])
    open(d + "/etc/main.cf", "w").write("""compatibility_level = 3.6
queue_directory = %(d)s/spool
data_directory = %(d)s/data
maillog_file = /dev/stdout
myhostname = pf.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
smtpd_tls_security_level = none
smtpd_relay_restrictions = reject_unauth_destination
virtual_mailbox_domains = dst.test
virtual_mailbox_base = %(d)s/mail
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
""" % {"d": d})
    master = "127.0.0.1:%d inet n - n - - smtpd\n" % port
    for l in ("pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cleanup", "qmgr unix n - n 300 1 qmgr",
              "rewrite unix - - n - - trivial-rewrite", "bounce unix - - n - 0 bounce", "defer unix - - n - 0 bounce",
              "trace unix - - n - 0 bounce", "verify unix - - n - 1 verify", "flush unix n - n 1000? 0 flush",
              "proxymap unix - - n - - proxymap", "smtp unix - - n - - smtp", "relay unix - - n - - smtp",
              "showq unix n - n - - showq", "error unix - - n - - error", "retry unix - - n - - error",
              "discard unix - - n - - discard", "virtual unix - n n - - virtual", "anvil unix - - n - 1 anvil",
              "scache unix - - n - 1 scache", "postlog unix-dgram n - n - 1 postlogd"):
        master += l + "\n"
    open(d + "/etc/master.cf", "w").write(master)


def dkim_only(msg, sel):
    """msg (LF line ends) with the DKIM signatures of other selectors removed"""
    head, body = msg.split("\n\n", 1)
    out, skip = [], False
    for l in head.split("\n"):
        if l[:1] in (" ", "\t"):
            if not skip:
                out.append(l)
            continue
        skip = l.startswith("DKIM-Signature:") and (" s=%s;" % sel) not in l
        if not skip:
            out.append(l)
    return "\n".join(out) + "\n\n" + body


def proc_ids(pid):
    """uid, gid, supplementary groups of a process, or None if it is gone."""
    try:
        f = dict(l.split(":", 1) for l in open("/proc/%d/status" % pid).read().splitlines() if ":" in l)
    except OSError:
        return None
    return int(f["Uid"].split()[0]), int(f["Gid"].split()[0]), f["Groups"].split()


def proc_tree(pid):
    """(pid, depth, comm) of each descendant of pid."""
    import glob
    kids = {}
    for st in glob.glob("/proc/[0-9]*/stat"):
        try:
            s = open(st).read()
        except OSError:
            continue
        kids.setdefault(int(s[s.rindex(")") + 2:].split()[1]), []).append((int(s.split()[0]), s[s.index("(") + 1:s.rindex(")")]))
    out, todo = [], [(pid, 0)]
    while todo:
        q, d = todo.pop()
        for c, comm in kids.get(q, []):
            out.append((c, d + 1, comm))
            todo.append((c, d + 1))
    return out


def imap_wait(connect, marker, deadline=60):
    """Wait for a message with marker in the INBOX of the session connect()
    returns (an imaplib connection, logged in); its body and the live
    connection, or ("", None) after deadline seconds."""
    import time
    end = time.time() + deadline
    while True:
        m = connect()
        m.select("INBOX")
        typ, data = m.search(None, "BODY", marker)
        if typ == "OK" and data[0].split():
            typ, f = m.fetch(data[0].split()[-1], "(BODY.PEEK[])")
            return f[0][1].decode("utf-8", "replace"), m
        m.logout()
        if time.time() > end:
            return "", None
        time.sleep(0.3)

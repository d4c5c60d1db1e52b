# users_run.py: conf/t/users-run.test (see there).
import os, re, sys, subprocess, socket, time, smtplib, imaplib, ssl, shutil, tempfile, glob, pwd, grp
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terntest import check, report, freeport, proc_ids as status, proc_tree, imap_wait
import testusers
from testusers import ids, as_user

if os.getuid() != 0:
    print("users-run: skipped, needs root (CI runs as root)")
    print("0 passed, 0 failed")
    sys.exit(0)

BIN = os.environ["TERN_BIN"]
U, S, L, G = testusers.names("tt")
D = tempfile.mkdtemp(prefix="tern-usersrun.")
os.chmod(D, 0o711)
os.chdir(D)
C = D + "/c"
created = []
procs = []


def run(*a, **k):
    return subprocess.run(a, capture_output=True, text=True, **k)


def tree(pid):
    """The descendants of pid, each with its depth below it."""
    return [(c, d) for c, d, comm in proc_tree(pid)]


def waitport(port):
    end = time.time() + 60
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def setup():
    run("tern-conf", "-c", C, "init", "localhost", D + "/data")
    with open(C + "/tern.conf", "a") as f:
        f.write(testusers.conf(U, S, L, G) + "tls-cert tls/cert.pem\ntls-key tls/key.pem\n")
        f.write("junk-socket %s/data/door/socket\n" % D)
    r = run("tern-install-users", "-c", C)
    testusers.created(r, created)
    check(r.returncode == 0 and len(created) == 4, "install-users: %s" % r.stderr)
    os.mkdir(C + "/tls")
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
        "-subj", "/CN=localhost", "-keyout", C + "/tls/key.pem", "-out", C + "/tls/cert.pem")
    for a in (["add-domain", "localhost"], ["add-account", "bob", "bob@localhost"], ["compile"]):
        if a[0] == "compile":
            with open(C + "/accounts/bob", "a") as f:
                f.write("junk-reject temporary\n")
        r = run("tern-conf", "-c", C, *a)
        check(r.returncode == 0, "tern conf %s: %s" % (a[0], r.stdout + r.stderr))
    r = run("tern-junk", "train", "-c", C, "-a", "bob", "-ham", input="Subject: lunch\n\nshall we meet for lunch on friday\n")
    check(r.returncode == 0, "junk train: " + r.stderr)
    r = run("tern-passwd", "-c", C, "bob", input="pencil-pencil\n")
    check(r.returncode == 0, "passwd: " + r.stderr)
    r = run("tern-fixperms", "-c", C)
    check(r.returncode == 0, "fixperms: " + r.stderr[-300:])
    check("info: created %s/data/authfail" % D in r.stderr, "fixperms creates the authfail directory the SMTP user cannot")
    check("info: created %s/data/door" % D in r.stderr, "fixperms creates the junk door's directory")


def start(name, *cmd):
    log = open(D + "/" + name + ".log", "w")
    # started with a supplementary group, as root often is: none may keep it
    pr = subprocess.Popen(("setpriv", "--groups=4", "tern-runas", "-c", C) + cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    procs.append(pr)
    return pr


def checkids(what, pid, user, group=None):
    uid, gid = ids(user)
    if group is not None:
        gid = grp.getgrnam(group).gr_gid
    st = status(pid)
    check(st is not None and st[0] == uid and st[1] == gid and st[2] == [],
          "%s (pid %d): uid %d gid %d no groups, got %r" % (what, pid, uid, gid, st))


def treeids(what, pid, want):
    """Every descendant of pid runs as want[depth or kind], no groups."""
    for c, d in tree(pid):
        st = status(c)
        if st is None:
            continue
        try:
            comm = open("/proc/%d/comm" % c).read().strip()
        except OSError:
            continue
        u = want(d, comm)
        uid, gid = ids(u)
        check(st[0] == uid and st[1] == gid and st[2] == [], "%s: %s (pid %d, depth %d) runs as %s, no groups: got %r" % (what, comm, c, d, u, st))


def smtp_session(port, marker):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = smtplib.SMTP("127.0.0.1", port, timeout=60)
    s.ehlo("client.test")
    s.starttls(context=ctx)
    s.ehlo("client.test")
    return s


def imap_find(port, marker):
    """Log in over STARTTLS, wait for a message with marker, return its body and the live connection."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE

    def connect():
        m = imaplib.IMAP4("127.0.0.1", port, timeout=60)
        m.starttls(ssl_context=ctx)
        m.login("bob", "pencil-pencil")
        return m
    return imap_wait(connect, marker)


def main():
    setup()
    tu, tg = ids(U)
    smtp, imap, sub = freeport(), freeport(), freeport()
    key, cert = C + "/tls/key.pem", C + "/tls/cert.pem"
    ls = start("smtp", "smtp", "tern-tls", "-k", key, "-c", cert, "-Z", "-L", "127.0.0.1", str(smtp), "tern-smtp-in", "-c", C)
    start("submission", "smtp", "tern-tls", "-k", key, "-c", cert, "-Z", "-L", "127.0.0.1", str(sub), "tern-smtp-in", "-c", C, "-s")
    li = start("imap", "imap", "tern-listen", "127.0.0.1", str(imap), "tern-tls", "-k", key, "-c", cert, "tern-imap", "-c", C)
    lq = start("queue", "queue", "tern-queue-run", "-c", C)
    ld = start("door", "door", "s6-ipcserver", D + "/data/door/socket", "s6-sudod", "tern-door", "-c", C)
    check(waitport(smtp) and waitport(imap) and waitport(sub), "SMTP, submission and IMAP listen")
    end = time.time() + 60
    while not os.path.exists(D + "/data/door/socket") and time.time() < end:
        time.sleep(0.1)
    checkids("junk door", ld.pid, U)
    # the SMTP user cannot classify by itself: the door does it
    check(as_user(S, "tern-junk", "classify", "-c", C, "-a", "bob") != 0, "smtp-user cannot read bob's junk filter")
    # long-running processes
    check(status(ls.pid) == (0, 0, []) and status(li.pid) == (0, 0, []), "the listeners stay root (accept, fork, exec only), no groups: %r %r" % (status(ls.pid), status(li.pid)))
    checkids("queue runner", lq.pid, U)
    treeids("queue runner's children", lq.pid, lambda d, comm: U)
    zyg = [c for c, d in tree(ls.pid) if d == 1]
    check(len(zyg) == 1, "one SMTP zygote: %r" % zyg)
    for z in zyg:
        checkids("SMTP zygote", z, S)
    # submission: AUTH as tern-smtpd reads the hashes; a failed login on
    # SMTP and one on IMAP count in the same authfail file (shared by group)
    s = smtp_session(sub, "m3")
    try:
        s.login("bob", "wrong-password")
    except smtplib.SMTPAuthenticationError:
        pass
    s.close()
    af = glob.glob(D + "/data/authfail/ip-*")
    n1 = int(open(af[0]).read().split()[0]) if af else 0
    # an SMTP session over STARTTLS, open while /proc is read
    s = smtp_session(smtp, "m1")
    treeids("SMTP sessions", ls.pid, lambda d, comm: L if d == 1 and "tls" in comm else S)
    check(any(d == 2 for c, d in tree(ls.pid)), "an SMTP session seen: %r" % tree(ls.pid))
    check(any(d == 1 and status(c) and status(c)[0] == ids(L)[0] for c, d in tree(ls.pid)), "a TLS helper as tls-user seen")
    try:
        s.sendmail("alice@example.net", ["bob@localhost"], "From: alice@example.net\r\nTo: bob@localhost\r\nSubject: m1\r\n\r\nmarker-smtp-one\r\n")
    except smtplib.SMTPException as e:
        check(False, "SMTP DATA accepted: %r" % e)
    s.quit()
    body, m = imap_find(imap, "marker-smtp-one")
    check("marker-smtp-one" in body, "SMTP in -> Inbox -> IMAP FETCH")
    slog = open(D + "/smtp.log").read()
    check(re.search(r"junk .*account=bob .*action=accept", slog) and "op=classify" not in slog, "the session classified through the door: " + slog[-400:])
    if m:
        treeids("IMAP session", li.pid, lambda d, comm: L if d == 1 else U)
        check(any(d == 2 for c, d in tree(li.pid)), "an IMAP session seen: %r" % tree(li.pid))
        m.logout()
    # what the SMTP user may not read (and the store's owner may, so that the check can fail)
    msgs = glob.glob(D + "/data/accounts/bob/mail/*/cur/*")
    check(len(msgs) >= 1, "the message is in the store")
    if msgs:
        check(as_user(S, "cat", msgs[0]) != 0 and as_user(U, "cat", msgs[0]) == 0, "smtp-user cannot read a message, user can")
    check(as_user(S, "cat", D + "/data/accounts/bob/mailboxes") != 0, "smtp-user cannot read the mailbox list")
    check(as_user(S, "cat", key) != 0 and as_user(L, "cat", key) != 0, "neither smtp-user nor tls-user can read the TLS key")
    try:
        m = imaplib.IMAP4("127.0.0.1", imap, timeout=60)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        m.starttls(ssl_context=ctx)
        m.login("bob", "wrong-again")
    except imaplib.IMAP4.error:
        pass
    m.logout()
    af = glob.glob(D + "/data/authfail/ip-*")
    counts = [int(open(f).read().split()[0]) for f in af]
    check(n1 > 0 and len(af) == 1 and counts == [n1 + 1], "one authfail file for 127.0.0.1, SMTP's failures then IMAP's: %d, %r %r" % (n1, af, counts))
    s = smtp_session(sub, "m3")
    s.login("bob", "pencil-pencil")
    s.sendmail("bob@localhost", ["bob@localhost"], "From: bob@localhost\r\nTo: bob@localhost\r\nSubject: m3\r\n\r\nmarker-submit-three\r\n")
    s.quit()
    body, m = imap_find(imap, "marker-submit-three")
    check("marker-submit-three" in body, "submission with AUTH as smtp-user -> queue -> Inbox")
    if m:
        m.logout()
    # a local user's sendmail through a setgid tern-queue-inject
    os.mkdir(D + "/bin", 0o755)
    for b in ("tern-sendmail", "tern-queue-inject"):
        shutil.copy(BIN + "/" + b, D + "/bin/" + b)
    os.chown(D + "/bin/tern-queue-inject", 0, tg)
    os.chmod(D + "/bin/tern-queue-inject", 0o2755)
    env = dict(os.environ, TERN_CONF=C, HOME="/nonexistent")
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", D + "/bin/tern-sendmail", "bob@localhost"],
                       input="Subject: m2\n\nmarker-sendmail-two\n", capture_output=True, text=True, env=env)
    # under make check-asan, LeakSanitizer cannot stop a setgid process (not
    # dumpable, and its options cannot reach it: /proc/self/environ is root's):
    # there the injector's queueing line stands for its exit 0
    asan = b"__asan_init" in open(D + "/bin/tern-queue-inject", "rb").read()
    lsan = asan and "new id=" in r.stderr and "LeakSanitizer has encountered a fatal error" in r.stderr
    if lsan and os.path.exists("/var/tmp/dead.letter.65534"):
        os.unlink("/var/tmp/dead.letter.65534")
    check(r.returncode == 0 or lsan, "sendmail as nobody: exit 0 (%d: %s)" % (r.returncode, r.stderr))
    body, m = imap_find(imap, "marker-sendmail-two")
    check("marker-sendmail-two" in body, "local user's sendmail -> queue -> Inbox")
    if m:
        m.logout()
    # the setgid injector refuses a configuration the caller could have made
    shutil.copytree(C, D + "/evil")
    os.chown(D + "/evil", 65534, 65534)
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", D + "/bin/tern-queue-inject", "-c", D + "/evil",
                        "-f", "a@b.test", "bob@localhost"], input="x\n", capture_output=True, text=True, env=env)
    check(r.returncode == 100 and "not root's alone" in r.stderr, "setgid inject refuses a user's confdir (%d: %s)" % (r.returncode, r.stderr))
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", D + "/bin/tern-queue-inject", "-c", C,
                        "-a", "bob", "-f", "a@b.test", "bob@localhost"], input="x\n", capture_output=True, text=True, env=env)
    check(r.returncode == 100, "setgid inject refuses -a (%d: %s)" % (r.returncode, r.stderr))

    # root changes the password on the running system: AUTH works at once
    r = run("tern-passwd", "-c", C, "bob", input="other-pencil\n")
    cred = D + "/data/accounts/bob/credentials"
    st = os.stat(cred)
    check(r.returncode == 0 and st.st_uid == tu and st.st_gid == tg and st.st_mode & 0o777 == 0o640,
          "passwd as root writes credentials as the store's owner, 0640: %r %o" % (r.stderr, st.st_mode))
    s = smtp_session(sub, "m4")
    try:
        s.login("bob", "other-pencil")
        ok = True
    except smtplib.SMTPException:
        ok = False
    s.close()
    check(ok, "AUTH with the new password at once, without fixperms")


def stop():
    for pr in procs:
        if pr.poll() is None:
            pr.terminate()
    for pr in procs:
        try:
            pr.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pr.kill()
            pr.wait()
    # sessions of the test users that outlived their listener, by pid
    uids = set()
    for u in created:
        try:
            uids.add(pwd.getpwnam(u).pw_uid)
        except KeyError:
            pass
    end = time.time() + 30
    while True:
        left = []
        for s in glob.glob("/proc/[0-9]*/status"):
            st = status(int(s.split("/")[2]))
            if st and st[0] in uids:
                left.append(int(s.split("/")[2]))
        if not left or time.time() > end:
            break
        time.sleep(0.1)
    check(not left, "nothing of the test users left running: %r" % left)
    for c in left:
        try:
            os.kill(c, 9)
        except OSError:
            pass


try:
    main()
finally:
    try:
        stop()
    except Exception as e:
        check(False, "stop: %r" % e)
    testusers.remove(created, U, S, L, G)
    os.chdir("/")
    shutil.rmtree(D, ignore_errors=True)
sys.exit(1 if report() else 0)

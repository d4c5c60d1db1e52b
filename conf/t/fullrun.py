# fullrun.py: conf/t/fullrun.test (see there); runs inside its namespace.
import glob, imaplib, os, pwd, re, shutil, smtplib, ssl, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terntest import check, report, freeport, postfix_conf, dkim_only, proc_ids as status, proc_tree as tree, imap_wait, waitfor, up
import testusers
from testusers import ids, as_user

W = os.getcwd()
D = tempfile.mkdtemp(prefix="tern-fullrun.")  # the test users must reach it
os.chmod(D, 0o755)
U, S, L, G = testusers.names("tf")
ETC, DATA, SVC, LOG, PF = D + "/etc", D + "/data", D + "/svc", D + "/log", D + "/pf"
BIN = D + "/stage/usr/local/bin"
created, procs = [], []
svscan = None


def sh(*a, **k):
    return subprocess.run(list(a), capture_output=True, text=True, **k)


def install():
    r = sh("make", "-s", "-C", os.environ["TERN_SRC"], "-o", "all", "install", "BIN=" + os.environ["TERN_BIN"],
           "DESTDIR=" + D + "/stage", "PREFIX=/usr/local", "TERN_GROUP=" + U)
    check(r.returncode == 0 and os.access(BIN + "/tern", os.X_OK), "make install into a staging prefix: " + r.stderr[-300:])
    os.environ["PATH"] = BIN + ":" + os.environ["PATH"]
    for d in ("/stage", "/stage/usr", "/stage/usr/local", "/stage/usr/local/bin"):
        os.chmod(D + d, 0o755)


def quickstart():
    r = sh("tern", "quickstart", "-c", ETC, "-d", DATA, "-s", SVC, "-l", LOG, "admin@example.org", "mail.example.org")
    check(r.returncode == 0, "tern quickstart: " + r.stderr[-300:])
    m = re.search(r"account:  admin \(address admin@example.org\), password: (\S+)", r.stdout)
    recs = re.findall(r'^(\S+)\._domainkey\.example\.org\. TXT (.*)$', r.stdout, re.M)
    check(m and len(recs) == 2, "quickstart prints the password and two DKIM records")
    with open(ETC + "/tern.conf", "a") as f:
        f.write(testusers.conf(U, S, L, G))
    open(ETC + "/transports/pf", "w").write("smtp 127.0.0.1:%d\nno-starttls\n" % PFPORT)
    open(ETC + "/routes", "w").write("route pf to=dst.test\n")
    users()
    with open(ETC + "/accounts/admin", "a") as f:
        f.write("junk-reject temporary\n")  # so that the SMTP session asks the junk door
    r = sh("tern", "conf", "-c", ETC, "compile")
    check(r.returncode == 0, "compile with test users and a route to Postfix: " + r.stdout + r.stderr)
    r = sh("tern", "junk", "train", "-c", ETC, "-a", "admin", "-ham", input="Subject: lunch\n\nshall we meet for lunch on friday\n")
    check(r.returncode == 0, "junk train: " + r.stderr)
    r = sh("tern", "conf", "-c", ETC, "installservice", "-f", "-l", LOG, SVC)
    check(r.returncode == 0, "installservice -f: " + r.stderr)
    dns = "".join('txt-record=%s._domainkey.example.org,"%s"\n' % (s, v.replace('" "', "").strip('"')) for s, v in recs)
    return (m.group(1) if m else ""), dns, [s for s, v in recs]


def users():
    r = sh("tern", "install-users", "-c", ETC)
    testusers.created(r, created)
    check(r.returncode == 0 and sorted(created) == sorted([U, S, L, G]), "install-users: " + r.stderr)


def fixperms():
    r = sh("tern", "fixperms", "-c", ETC)
    check(r.returncode == 0 and os.path.isdir(DATA + "/door"), "fixperms: " + r.stderr[-300:])


def dnsmasq(recs):
    open("dns.conf", "w").write("port=53\nlisten-address=127.0.0.1\nbind-interfaces\nno-resolv\nno-hosts\nuser=root\n"
                                "local=/example.org/\nlocal=/test/\nlocal=/example/\nlog-facility=%s/dnsmasq.log\n" % W + recs)
    procs.append(subprocess.Popen(["dnsmasq", "-k", "-C", "dns.conf"], stderr=open("dnsmasq.err", "w")))
    check(waitfor(lambda: "started" in (open("dnsmasq.log").read() if os.path.exists("dnsmasq.log") else "")), "dnsmasq starts")


def postfix():
    postfix_conf(PF, PFPORT)
    procs.append(subprocess.Popen(["postfix", "-c", PF + "/etc", "start-fg"], stdout=open("postfix.log", "w"), stderr=subprocess.STDOUT))
    check(waitfor(lambda: up(PFPORT)), "postfix listens")


def start():
    global svscan
    svscan = subprocess.Popen(["setpriv", "--groups=4", "s6-svscan", SVC], stdout=open("svscan.log", "w"),
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    svs = [SVC + "/" + s for s in ("smtp", "submission", "submissions", "imap", "imaps", "junk")]
    logs = [s + "/log" for s in svs + [SVC + "/queue"]]
    check(waitfor(lambda: all(sh("s6-svok", s).returncode == 0 for s in svs + logs)), "s6-svscan supervises every service")
    r = sh("timeout", "90", "s6-svwait", "-U", "-t", "60000", *(svs + logs))
    check(r.returncode == 0, "every listener, the junk door and every logger ready (s6-svwait -U): " + r.stderr)
    # the queue has no readiness: until tern-runas has dropped to the
    # queue's user and run the runner, its process is still root
    check(waitfor(lambda: any(cm == "tern-queue-run" for _, _, cm in tree(svscan.pid)), 60),
          "the queue service runs tern-queue-run (tern-fixperms and tern-runas done)")


def ctx():
    c = ssl.create_default_context(cafile=ETC + "/tls/cert.pem")
    c.check_hostname = False
    return c


def imap_find(pw, marker):
    def connect():
        m = imaplib.IMAP4_SSL("127.0.0.1", 993, ssl_context=ctx(), timeout=60)
        m.login("admin", pw)
        return m
    return imap_wait(connect, marker)


def delivered(tag):
    new = PF + "/mail/Maildir/new"
    for f in os.listdir(new) if os.path.isdir(new) else []:
        m = open(os.path.join(new, f), "rb").read().decode("utf-8", "replace")
        if "Subject: %s\n" % tag in m:
            return m
    return None


def testmsg(msg):
    p = subprocess.run(["opendkim-testmsg"], input=msg.encode(), capture_output=True, timeout=60)
    return p.returncode, (p.stdout + p.stderr).decode().strip()


def mail(pw, sels):
    s = smtplib.SMTP("127.0.0.1", 25, timeout=60)
    s.sendmail("alice@remote.example", ["admin@example.org"], "From: alice@remote.example\r\nTo: admin@example.org\r\n"
               "Subject: in\r\nMessage-ID: <in@remote.example>\r\n\r\nmarker-smtp-in\r\n")
    s.quit()
    body, m = imap_find(pw, "marker-smtp-in")
    check("marker-smtp-in" in body, "SMTP on 25 -> Inbox -> IMAPS on 993")
    slog = open(LOG + "/smtp/current").read() if os.path.exists(LOG + "/smtp/current") else ""
    check(re.search(r" junk .*account=admin .*action=accept", slog) and "op=classify" not in slog,
          "the SMTP session classified through the junk door: " + slog[-600:])
    if m:
        sessions(m)
        m.logout()
    msgs = glob.glob(DATA + "/accounts/admin/mail/*/cur/*")
    check(msgs and as_user(S, "cat", msgs[0]) != 0 and as_user(U, "cat", msgs[0]) == 0,
          "after fixperms, the smtp-user cannot read a stored message, the user can: %r" % msgs)
    try:
        s = smtplib.SMTP_SSL("127.0.0.1", 465, context=ctx(), timeout=60)
        s.login("admin", pw)
        s.quit()
        m = imaplib.IMAP4("127.0.0.1", 143, timeout=60)
        m.starttls(ssl_context=ctx())
        m.login("admin", pw)
        m.logout()
        ok = True
    except (OSError, smtplib.SMTPException, imaplib.IMAP4.error) as e:
        ok = e
    check(ok is True, "AUTH over implicit TLS on 465, LOGIN after STARTTLS on 143: %r" % ok)
    key = ETC + "/tls/key.pem"
    check(as_user(S, "cat", key) != 0 and as_user(L, "cat", key) != 0 and as_user(U, "cat", key) != 0 and sh("cat", key).returncode == 0,
          "the TLS key: root's alone")
    s = smtplib.SMTP("127.0.0.1", 587, timeout=60)
    s.starttls(context=ctx())
    s.login("admin", pw)
    seen = procs_ok("with a submission session open")
    check(seen.get("submission", 0) >= 4, "the submission listener, zygote, session and its TLS helper seen: %r" % seen)
    s.sendmail("admin@example.org", ["x@dst.test"], "From: Admin <admin@example.org>\r\nTo: x@dst.test\r\nSubject: out\r\n"
               "Date: Fri, 04 Dec 2026 01:00:00 +0000\r\nMessage-ID: <out@example.org>\r\n\r\nhello  there\r\n")
    s.quit()
    check(waitfor(lambda: delivered("out")), "submission on 587 with AUTH -> queue -> Postfix: " + open("postfix.log").read()[-600:])
    m = delivered("out") or ""
    check(m.count("DKIM-Signature:") == 2, "Postfix got it with two DKIM signatures (selectors %s)" % sels)
    for sel in sels:
        rc, out = testmsg(dkim_only(m, sel))
        check(rc == 0 and out == "", "opendkim-testmsg verifies selector %s of the delivered message (%d %s)" % (sel, rc, out))
    rc, out = testmsg(m.replace("hello  there", "hello there!"))
    check(rc != 0 and "Bad signature" in out, "the same with its body changed fails (%d %s)" % (rc, out))


def want(svc, depth, comm):
    """The user of tern-users(7) for a process of the tree; None: root."""
    if svc == "log":
        return G
    if svc in ("queue", "junk"):
        return U
    if depth == 0:
        return None  # the listener: root, for the port and the key
    if svc in ("imap", "imaps"):
        return L if depth == 1 else U
    return L if "tls" in comm else S  # the TLS helpers, the zygote and the sessions


def procs_ok(stage):
    """Every process below each s6-supervise: its uid, gid and no groups."""
    seen = {}
    for sup, d, comm in tree(svscan.pid):
        if comm != "s6-supervise":
            continue
        try:
            where = os.readlink("/proc/%d/cwd" % sup)
        except OSError:
            continue
        svc = "log" if where.endswith("/log") else os.path.basename(where)
        for c, dd, cm in tree(sup):
            st = status(c)
            if st is None:
                continue
            u = want(svc, dd - 1, cm)
            w = (0, 0, []) if u is None else ids(u) + ([],)
            if svc == "queue" and cm.startswith("tern-fixperms"):
                continue
            seen[svc] = seen.get(svc, 0) + 1
            check(st == w, "%s: %s %s (pid %d, depth %d) uid gid groups %r, want %r (%s)" % (stage, svc, cm, c, dd - 1, st, w, u or "root"))
    return seen


def sessions(m):
    seen = procs_ok("with an IMAPS session open")
    check(seen.get("imaps", 0) >= 3, "the IMAPS listener, its TLS helper and tern-imap seen: %r" % seen)


def stop():
    if svscan is not None:
        sh("s6-svscanctl", "-t", SVC)
        try:
            svscan.wait(timeout=60)
        except subprocess.TimeoutExpired:
            svscan.kill()
            svscan.wait()
        check(svscan.returncode is not None, "s6-svscanctl -t stops s6-svscan")
    uids = set(pwd.getpwnam(u).pw_uid for u in created)
    left = []

    def mine(pid):
        """a process of the test users or of s6-svscan's session"""
        st = status(pid)
        try:
            s = open("/proc/%d/stat" % pid).read()
            f = s[s.rindex(")") + 2:].split()
        except (OSError, ValueError):
            return False
        return (st is not None and st[0] in uids) or (svscan is not None and int(f[3]) == svscan.pid and f[0] != "Z")

    def gone():
        left[:] = [int(p.split("/")[2]) for p in glob.glob("/proc/[0-9]*/stat") if mine(int(p.split("/")[2]))]
        return not left
    check(waitfor(gone, 30), "nothing of the test users or of the tree left running: %r" % left)
    for c in left:
        try:
            os.kill(c, 9)
        except OSError:
            pass


def main():
    install()
    pw, recs, sels = quickstart()
    fixperms()
    dnsmasq(recs)
    postfix()
    start()
    seen = procs_ok("running")
    check(all(seen.get(s, 0) >= 1 for s in ("smtp", "submission", "submissions", "imap", "imaps", "queue", "junk", "log")),
          "every service's processes seen: %r" % seen)
    mail(pw, sels)
    qlog = open(LOG + "/queue/current").read() if os.path.exists(LOG + "/queue/current") else ""
    slog = open(LOG + "/smtp/current").read() if os.path.exists(LOG + "/smtp/current") else ""
    qid = re.search(r" tern-smtp-in: info: accept session=\S+ id=(\S+) from=<alice@remote.example>", slog)
    check(qid and re.search(r" tern-queue-run: info: delivery id=%s rcpt=admin@example.org account=admin result=ok" % re.escape(qid.group(1)), qlog),
          "the SMTP accept line's id= is the queue's delivery line's")
    lu = ids(G)
    bad = [d for d in glob.glob(LOG + "/*") if (os.stat(d).st_uid, os.stat(d).st_gid, os.stat(d).st_mode & 0o777) != (lu[0], lu[1], 0o750)]
    check(len(glob.glob(LOG + "/*")) == 7 and not bad, "seven log directories, each the log-user's, 0750: %r" % bad)
    check(re.match(r"@[0-9a-f]{24} ", qlog) and re.search(r" tern-queue-run: info: dkim id=\S+ domain=example.org selectors=%s\n" % ",".join(sels), qlog),
          "log/queue/current: TAI64N-stamped, the signing logged: " + qlog[-300:])


PFPORT = freeport()
finished = False
try:
    main()
    finished = True
finally:
    try:
        stop()
    except Exception as e:
        check(False, "stop: %r" % e)
    sh("postfix", "-c", PF + "/etc", "stop")
    for pr in procs:
        if pr.poll() is None:
            pr.terminate()
            try:
                pr.wait(10)
            except subprocess.TimeoutExpired:
                pr.kill()
    testusers.remove(created, U, S, L, G)
    shutil.rmtree(D, ignore_errors=True)
check(finished, "the test ran to its end")
sys.exit(1 if report() else 0)

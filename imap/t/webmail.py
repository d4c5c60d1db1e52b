# webmail.py: imap/t/webmail.test, and the set-up webmail-cache.py imports.
# A tern localserve on free loopback ports, five seeded messages, Debian's
# Roundcube configured in this dir (ROUNDCUBE_CONFIG_DIR, SQLite) under
# php -S; webmail_ui.py drives it in headless Chromium; Roundcube's
# imap_debug log shows what it sent to tern.
import ctypes, imaplib, os, random, re, signal, smtplib, ssl, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terntest import check, report, freeport, proc_tree, waitfor, up

D = os.getcwd()
PW = "wm-%06d-pass" % random.randrange(10 ** 6)
USER = "local@localhost"
NEEDS = ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/bin/php", "/var/lib/roundcube/public_html/index.php",
         "/etc/roundcube/defaults.inc.php", "/usr/share/roundcube/SQL/sqlite.initial.sql"]
# (subject, from, date, body line, message-id, in-reply-to): delivered in this order
SEEDS = [("Mango notes", "carol@example.org", "Fri, 01 Mar 2024 10:00:00 +0000", "Mangoes ripen in March.", "<wm1@example.org>", None),
         ("Zebra report", "alice@example.org", "Mon, 01 Jan 2024 10:00:00 +0000", "Zebras were counted.", "<wm2@example.org>", None),
         ("Apple pie", "bob@example.org", "Thu, 01 Feb 2024 10:00:00 +0000", "Apples and cinnamon.", "<wm3@example.org>", None),
         ("Re: Zebra report", "dave@example.org", "Mon, 01 Apr 2024 10:00:00 +0000", "A reply about zebras.", "<wm4@example.org>", "<wm2@example.org>"),
         ("Kiwi crate", "erin@example.org", "Wed, 01 May 2024 10:00:00 +0000", "Kiwis to be moved.", "<wm5@example.org>", None)]
procs = {}


def missing():
    m = [f for f in NEEDS if not os.path.exists(f)]
    if subprocess.run(["python3", "-c", "import selenium"], capture_output=True).returncode:
        m.append("python3-selenium")
    r = subprocess.run(["php", "-m"], capture_output=True, text=True) if os.path.exists("/usr/bin/php") else None
    if not r or "pdo_sqlite" not in r.stdout.split():
        m.append("php-sqlite3")
    return m


def ports(b):
    return ["smtp:%d" % (b + 25), "submission:%d" % (b + 587), "submissions:%d" % (b + 465), "imap:%d" % (b + 143), "imaps:%d" % (b + 993)]


def launch(name, tries, pick, argv, log, ready, env=None):
    """Up to tries times: x = pick() (None: the next try), argv(x) started
    in a session of its own, its output appended to log, until it exits
    or ready(x).  The first x whose process runs on (procs[name]), or None."""
    for i in range(tries):
        x = pick()
        if x is None:
            continue
        p = subprocess.Popen(argv(x), env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        waitfor(lambda: p.poll() is not None or ready(x))
        if p.poll() is None:
            procs[name] = p
            return x
    return None


def localserve():
    """tern localserve -P BASE in ls/ (a session of its own), the five ports free before it starts."""
    def pick():
        base = 10000 + random.randrange(20000)
        taken = subprocess.run(["tern-localserve-bind", "127.0.0.1"] + ports(base), capture_output=True).returncode
        return None if taken else base
    return launch("localserve", 20, pick, lambda b: ["tern", "localserve", "-d", "ls", "-P", str(b), "-p", PW], "ls.out",
                  lambda b: "running in" in open("ls.out").read())


def conn():
    m = imaplib.IMAP4("127.0.0.1", BASE + 143, timeout=30)
    m.login(USER, PW)
    return m


def subjects_in(box):
    """The subjects in box over imaplib (tern's own answer), in UID order."""
    m = conn()
    typ, d = m.select('"%s"' % box, readonly=True)
    out = []
    if typ == "OK" and int(d[0]):
        typ, d = m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        out = [x[1].decode().split(":", 1)[1].strip() for x in d if isinstance(x, tuple)]
    m.logout()
    return out


def seed():
    ctx = ssl.create_default_context(cafile="ls/tls/cert.pem")
    ctx.check_hostname = False
    for n, (subj, frm, date, body, mid, parent) in enumerate(SEEDS):
        msg = "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\n" % (frm, USER, subj, date, mid)
        if parent:
            msg += "In-Reply-To: %s\r\nReferences: %s\r\n" % (parent, parent)
        msg += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n" % body
        with smtplib.SMTP("127.0.0.1", BASE + 25, timeout=60) as s:
            s.starttls(context=ctx)
            s.sendmail(frm, [USER], msg)
        # one at a time, so that the UIDs follow this order (the SORT tie-break)
        if not waitfor(lambda: len(subjects_in("INBOX")) == n + 1, 60):
            return False
    return subjects_in("INBOX") == [s[0] for s in SEEDS]


# no automatic refresh: the test asks for new mail itself (checkmail) when it waits for one
RCCONF = """<?php
$config = [];
$config['db_dsnw'] = 'sqlite:///%(d)s/rc/roundcube.db?mode=0640';
$config['imap_host'] = 'tls://127.0.0.1:%(imap)d';
$config['smtp_host'] = 'tls://127.0.0.1:%(sub)d';
$config['smtp_user'] = '%%u';
$config['smtp_pass'] = '%%p';
$config['imap_conn_options'] = ['ssl' => ['verify_peer' => false, 'verify_peer_name' => false, 'allow_self_signed' => true]];
$config['smtp_conn_options'] = ['ssl' => ['verify_peer' => false, 'verify_peer_name' => false, 'allow_self_signed' => true]];
$config['des_key'] = '%(key)s';
$config['log_driver'] = 'file';
$config['log_dir'] = '%(d)s/rc/logs/';
$config['temp_dir'] = '%(d)s/rc/temp/';
$config['imap_debug'] = true;
$config['smtp_debug'] = true;
$config['debug_level'] = 1;
$config['plugins'] = [];
$config['skin'] = 'elastic';
$config['layout'] = 'widescreen';
$config['enable_installer'] = false;
$config['enable_spellcheck'] = false;
$config['support_url'] = '';
$config['language'] = 'en_US';
$config['timezone'] = 'UTC';
$config['autoexpand_threads'] = 1;
$config['refresh_interval'] = 0;
"""


def roundcube(extra):
    """Roundcube's config dir (RCCONF, then extra) and database under rc/, php -S on a free port: the port, or None."""
    for s in ("rc/config", "rc/logs", "rc/temp"):
        os.makedirs(s)
    for f in ("defaults.inc.php", "mimetypes.php"):
        os.symlink("/etc/roundcube/" + f, "rc/config/" + f)
    key = "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for i in range(24))
    open("rc/config/config.inc.php", "w").write(RCCONF % {"d": D, "imap": BASE + 143, "sub": BASE + 587, "key": key} + extra)
    r = subprocess.run(["php", "-r", '$db = new PDO("sqlite:" . $argv[1]); $db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);'
                        '$db->exec(file_get_contents("/usr/share/roundcube/SQL/sqlite.initial.sql"));', D + "/rc/roundcube.db"],
                       capture_output=True, text=True)
    check(r.returncode == 0, "Roundcube's SQLite schema: " + r.stdout + r.stderr)
    env = dict(os.environ, ROUNDCUBE_CONFIG_DIR=D + "/rc/config", PHP_CLI_SERVER_WORKERS="4")
    return launch("php", 5, freeport, lambda port: ["php", "-S", "127.0.0.1:%d" % port, "-t", "/var/lib/roundcube/public_html"],
                  "php.log", up, env)


def imap_commands():
    """(command counts, each command line in order) from Roundcube's imap_debug log."""
    try:
        text = open("rc/logs/imap.log", errors="replace").read()
    except OSError:
        return {}, []
    seq = [m.group(1).strip()[:120] for m in re.finditer(r" C: [A-Za-z0-9]+ ((?:UID )?[A-Z]+[^\n]*)", text)]
    counts = {}
    for c in seq:
        k = " ".join(c.split()[:2]) if c.startswith("UID ") else c.split()[0]
        counts[k] = counts.get(k, 0) + 1
    return counts, seq


def ours():
    """Processes of the test still running: descendants, orphans included (this process is their subreaper)."""
    while True:   # reap the orphans that ended
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    left = []
    for q, depth, comm in proc_tree(os.getpid()):
        try:
            if open("/proc/%d/stat" % q).read().rsplit(")", 1)[1].split()[0] != "Z":
                left.append((q, comm))
        except OSError:
            pass
    return left


def stop():
    """Every process this test started, by PID: php's group, then localserve (which waits for its tree)."""
    p = procs.get("php")
    if p and p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    p = procs.get("localserve")
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return p


def main(browse, extra):
    global BASE
    BASE = localserve()
    check(BASE is not None and waitfor(lambda: all(up(BASE + o) for o in (25, 587, 143))),
          "tern localserve up on 127.0.0.1 (SMTP, submission, IMAP): %s" % open("ls.out").read()[-400:])
    if BASE is None:
        return
    # an address of the account in a domain with a dot (Roundcube refuses local@localhost as a recipient)
    r = subprocess.run("tern-conf -c ls/conf add-domain tern.test && tern-conf -c ls/conf add-address local local@tern.test",
                       shell=True, capture_output=True, text=True)
    check(r.returncode == 0, "local@tern.test added to the account: " + r.stderr)
    # as a client makes a folder: CREATE, then SUBSCRIBE (Roundcube lists the subscribed ones)
    c = conn()
    check(c.create("Projects")[0] == "OK" and c.subscribe("Projects")[0] == "OK", "the test's folder Projects created and subscribed over IMAP")
    c.logout()
    check(seed(), "5 messages delivered through SMTP and the queue, in order: %r" % subjects_in("INBOX"))
    webport = roundcube(extra)
    check(webport is not None, "php -S serves Roundcube: " + (open("php.log").read()[-300:] if os.path.exists("php.log") else ""))
    if webport:
        import webmail_ui
        webmail_ui.configure(webport, USER, PW, SEEDS, subjects_in, imap_commands, "local@tern.test")
        browse(webmail_ui)


def run(browse, extra=""):
    """The whole test: tern and Roundcube (with extra config lines) up, browse(webmail_ui), everything
    stopped; the exit status."""
    # PR_SET_CHILD_SUBREAPER: what Chromium, php or localserve leave behind stays ours to find and stop
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    m = missing()
    if m:
        # make deps (DEBS_TEST) installs them all: on CI and here the test runs
        print("skipped: no chromium/roundcube here (missing: %s); make deps installs them" % " ".join(m))
        print("0 passed, 0 failed")
        return 0
    try:
        main(browse, extra)
    finally:
        ls = stop()
        check(ls is None or ls.returncode == 0, "localserve stopped (status 0 after TERM): %r" % (ls and ls.returncode))
        gone = waitfor(lambda: not ours(), 30)
        check(gone, "no process of the test left: %r" % ours())
        for q, comm in ours():
            os.kill(q, signal.SIGKILL)
        waitfor(lambda: not ours(), 10)
    counts, seq = imap_commands()
    print("info: IMAP commands from Roundcube: " + " ".join("%s=%d" % kv for kv in sorted(counts.items())))
    return report() and 1


BASE = None
if __name__ == "__main__":
    sys.exit(run(lambda ui: ui.run()))

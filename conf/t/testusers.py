# testusers.py: the test-only users of tern-users(7) that fullrun.py and
# users_run.py (both as root) have tern install-users make, and remove at
# the end: four names of the run's own, the ones install-users said it
# created, their ids, a command run as one of them.
import pwd, random, subprocess


def names(prefix):
    """user, smtp-user, tls-user and log-user names no other run uses"""
    p = "%s%dr" % (prefix, random.randrange(10 ** 6))
    return p, p + "smtpd", p + "tls", p + "log"


def conf(u, s, l, g):
    """tern.conf's lines that name them"""
    return "user %s\nsmtp-user %s\ntls-user %s\nlog-user %s\n" % (u, s, l, g)


def created(r, into):
    """the users install-users' run r said it created, added to into"""
    for line in r.stderr.splitlines():
        if "info: created user " in line:
            into.append(line.split("info: created user ")[1].split()[0])


def ids(u):
    pw = pwd.getpwnam(u)
    return pw.pw_uid, pw.pw_gid


def as_user(u, *cmd):
    """cmd's exit code, run as u with u's group and no other"""
    uid, gid = ids(u)
    return subprocess.run(["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid, "--clear-groups"] + list(cmd),
                          capture_output=True, text=True).returncode


def remove(made, u, s, l, g):
    """the users and groups of names() that are in made, deleted"""
    run = lambda *a: subprocess.run(a, capture_output=True, text=True)
    for x in (s, u, l, g):
        if x in made:
            run("userdel", x)
    for x in (u, l, g):
        if x in made and run("getent", "group", x).returncode == 0:
            run("groupdel", x)

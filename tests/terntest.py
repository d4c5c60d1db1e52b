# terntest.py: what every python test of tern shares: check() counts,
# report() prints the "N passed, N failed" line that tests/run reads,
# freeport() finds a free port on 127.0.0.1, dovecot_conf() writes the
# part of a private Dovecot's configuration that every peer test shares.
# Import with: sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import socket

npass = nfail = 0


def check(cond, what):
    global npass, nfail
    if cond:
        npass += 1
    else:
        nfail += 1
        print("FAIL " + what)


def report():
    """Print the closing line; return the number of failures."""
    print("%d passed, %d failed" % (npass, nfail))
    return nfail


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

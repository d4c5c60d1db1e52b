# smtpout.inc.py: helpers for tern-smtp-out's scripted tests: peers started
# in the test's own network namespace (port 25 is ours), killed by PID.
import os, socket, subprocess, tempfile, threading, time

procs = []
D = tempfile.mkdtemp(prefix="tern-smtpout.")   # smtp-sink runs as nobody: it
os.chmod(D, 0o777)                               # cannot reach the test dir


import sys as _sys
_sys.path.insert(0, os.path.join(os.environ["TERN_SRC"], "tests"))
import terntest
from terntest import check


def wait_port(host, port, up=True, t=30):
    """host's TCP port accepts connections (up) or refuses them within t
    seconds (a deadline, not a count of tries: a starved test's tries are
    far apart)"""
    end = time.time() + t
    while True:
        try:
            socket.create_connection((host, port), timeout=1).close()
            if up: return True
        except OSError:
            if not up: return True
        if time.time() > end: return False
        time.sleep(0.05)


def scripted(obj, host="127.0.0.1", port=2525):
    """a scripted server: obj.ls listening on host:port, obj.run (one
    session) in a thread obj.t"""
    obj.ls = socket.socket()
    obj.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    obj.ls.bind((host, port))
    obj.ls.listen(1)
    obj.t = threading.Thread(target=obj.run, daemon=True)
    obj.t.start()


def start(argv, host, port, **kw):
    p = subprocess.Popen(argv, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL, **kw)
    procs.append(p)
    assert wait_port(host, port), "%s did not start" % argv[0]
    return p


def stop(p):
    p.kill()
    p.wait()


def sink(host, port, *opts, dump="dump"):
    """smtp-sink on host:port appending to dump; returns (process, dump path)."""
    path = os.path.join(D, dump)
    open(path, "w").close()
    os.chmod(path, 0o666)
    return start(["smtp-sink", "-u", "nobody", "-D", path] + list(opts) + ["%s:%d" % (host, port), "10"], host, port), path


def smtpout(args, msg=b"Subject: t\r\n\r\nhello\r\n"):
    p = subprocess.run(["tern-smtp-out", "-e", "me.test"] + args, input=msg, capture_output=True, timeout=60)
    return p.stdout.decode(), p.returncode, p.stderr.decode()


def smtpout_at(args, head, msg):
    """the same with fd 0 a file holding head then msg, at msg (as a queue
    file after its envelope)"""
    with open(D + "/q", "wb") as q: q.write(head + msg)
    fd = os.open(D + "/q", os.O_RDONLY)
    os.lseek(fd, len(head), os.SEEK_SET)
    p = subprocess.run(["tern-smtp-out", "-e", "me.test"] + args, stdin=fd, capture_output=True, timeout=60)
    os.close(fd)
    return p.stdout.decode(), p.returncode, p.stderr.decode()


def lines(out):
    """[(class, rcpt-or-'msg', code)] of a report"""
    r = []
    for l in out.splitlines():
        w = l.split(" ")
        r.append((w[0], w[1], w[2]) if w[0] != "msg" else ("msg", w[1], w[2]))
    return r


def finish():
    for p in procs:
        if p.poll() is None:
            stop(p)
    terntest.failtail(D + "/dovecot.log")
    subprocess.run(["rm", "-rf", D])
    terntest.report()


DOVECOT_SMARTHOST = """ssl = yes
ssl_cert = <%(d)s/cert.pem
ssl_key = <%(d)s/key.pem
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
service submission-login {
  inet_listener submission {
    port = 12587
  }
  inet_listener submissions {
    port = 12465
    ssl = yes
  }
}
submission_relay_host = 127.0.0.1
submission_relay_port = 12526
submission_relay_ssl = no
"""


def dovecot_smarthost(instance):
    """Writes a self-signed cert (D/cert.pem), the user alice (password in
    D/pw, a wrong one in D/badpw) and D/dovecot.conf: Dovecot submission on
    12587 (STARTTLS) and 12465 (TLS) relaying to 127.0.0.1:12526 (PEERS.md
    section 2).  The caller starts the relay and dovecot."""
    r = subprocess.run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s/key.pem"
                       " -out %s/cert.pem -days 30 -subj /CN=127.0.0.1 -addext subjectAltName=DNS:127.0.0.1" % (D, D),
                       shell=True, capture_output=True)
    assert r.returncode == 0, r.stderr
    os.chmod(D + "/key.pem", 0o644)
    os.makedirs(D + "/run", 0o755)
    open(D + "/users", "w").write("alice:{PLAIN}alicepw\n")
    open(D + "/pw", "w").write("alicepw\n")
    open(D + "/badpw", "w").write("wrong\n")
    open(D + "/dovecot.conf", "w").write(terntest.dovecot_conf(D, instance, "submission", DOVECOT_SMARTHOST % {"d": D}))
    os.makedirs(D + "/home", 0o755)


def dnsmasq(records):
    """dnsmasq on 127.0.0.53:53 (this test's network namespace) serving the
    .test zone: the dnsmasq.conf lines records (host-record=, mx-host=, ...);
    DNSCACHEIP set for tern-dns; returns once it answers."""
    open(D + "/dns.conf", "w").write("port=53\nlisten-address=127.0.0.53\nbind-interfaces\nno-resolv\nno-hosts\n"
                                     "no-poll\nuser=root\nlocal=/test/\n" + records)
    p = subprocess.Popen(["dnsmasq", "-k", "-C", D + "/dns.conf"], stderr=subprocess.DEVNULL)
    procs.append(p)
    os.environ["DNSCACHEIP"] = "127.0.0.53"
    for _ in range(100):
        if subprocess.run(["tern-dns", "-t", "1", "txt", "nosuch.test"], capture_output=True).returncode in (0, 100):
            break
        time.sleep(0.05)
    return p

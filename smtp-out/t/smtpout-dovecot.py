# smtpout-dovecot.py: tern-smtp-out through Dovecot submission as a SASL
# smarthost (../shared/PEERS.md section 2) relaying into smtp-sink: PLAIN
# over STARTTLS, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, a wrong password.
import os, subprocess, sys
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

dovecot_smarthost("tern-smtpout-test")
p, dump = sink("127.0.0.1", 12526)
dv = start(["dovecot", "-F", "-c", D + "/dovecot.conf"], "127.0.0.1", 12587)
start_ok = dv.poll() is None


def via(mech, pwfile="pw", tls=(), port="12587", method="submission"):
    args = ["-a", D + "/cert.pem", "-f", "alice@a.test", method, "127.0.0.1", port, "smarthost"] + list(tls) + \
           ["auth-user=alice", "auth-password-file=" + D + "/" + pwfile, "mechanisms=" + mech, "--", "r@dst.test"]
    return smtpout(args)


check(start_ok, "dovecot started")
for mech in ("SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN"):
    out, rc, err = via(mech)
    check(rc == 0 and lines(out)[-1][:2] == ("msg", "ok"), "%s: %s %s" % (mech, out, err))
time.sleep(1)   # the log process writes behind
log = open(D + "/dovecot.log").read()
for m in ("scram-sha-256", "scram-sha-1", "cram-md5", "plain"):
    check(("METHOD=" + m.upper()) in log.upper(), "dovecot logged " + m)
check(open(dump).read().count("X-Rcpt-Args: <r@dst.test>") == 4, "4 messages relayed")
# without TLS, CRAM-MD5 and SCRAM work; PLAIN is refused by us
out, rc, err = via("CRAM-MD5", tls=["starttls=none"])
check(lines(out)[-1][:2] == ("msg", "ok"), "cram without tls: " + out)
out, rc, err = via("PLAIN", tls=["starttls=none"])
check(lines(out)[-1][:2] == ("msg", "temp") and "without TLS" in out, "plain without tls: " + out)
# implicit TLS
out, rc, err = via("SCRAM-SHA-256", port="12465", method="submissions")
check(lines(out)[-1][:2] == ("msg", "ok"), "submissions: " + out + err)
# wrong password: temporary
for mech in ("SCRAM-SHA-256", "CRAM-MD5", "PLAIN"):
    out, rc, err = via(mech, pwfile="badpw")
    check(rc == 0 and lines(out) == [("temp", "r@dst.test", "535"), ("msg", "temp", "535")],
          "wrong password %s: %s" % (mech, out))
# an untrusted certificate with starttls=verify fails, skip-verify passes
out, rc, err = smtpout(["-a", "/dev/null", "-f", "alice@a.test", "submission", "127.0.0.1", "12587", "s",
                        "auth-user=alice", "auth-password-file=" + D + "/pw", "--", "r@dst.test"])
check(lines(out)[-1][:2] == ("msg", "temp"), "unverified: " + out)
out, rc, err = smtpout(["-f", "alice@a.test", "submission", "127.0.0.1", "12587", "s", "starttls=skip-verify",
                        "auth-user=alice", "auth-password-file=" + D + "/pw", "--", "r@dst.test"])
check(lines(out)[-1][:2] == ("msg", "ok"), "skip-verify: " + out)
# a mechanism the server does not offer
out, rc, err = via("XOAUTH2")
check(lines(out)[-1][:2] == ("msg", "temp") and "no configured SASL mechanism" in out, "no mechanism: " + out)
finish()

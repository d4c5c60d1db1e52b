# bounce.py: see bounce.test.
import email, email.policy, glob, os, subprocess, time
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

dnsmasq("host-record=mx.perm.test,127.0.0.33\nmx-host=perm.test,mx.perm.test,10\n")
run = lambda *a, **kw: subprocess.run(list(a), capture_output=True, **kw)
run("tern-conf", "-c", "c", "init", "mail.example.org", "data")
run("tern-conf", "-c", "c", "add-domain", "example.org")
run("tern-conf", "-c", "c", "add-account", "bob", "bob@example.org")
check(run("tern-conf", "-c", "c", "compile").returncode == 0, "config compiled")
sink("127.0.0.33", 25, "-f", "rcpt")
p = run("tern-queue-inject", "-c", "c", "-a", "bob", "-f", "bob@example.org", "p@perm.test",
        input=b"Subject: lunch\r\nMessage-ID: <m1@example.org>\r\n\r\nhello\r\n")
check(p.returncode == 0, "injected")
qid = p.stdout.decode().strip()
rq = subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run.log", "w"))
procs.append(rq)
inbox = lambda: glob.glob("c/data/accounts/bob/mail/*/cur/*")
# up to 120 s: the notice and the removal of the message come at load's pace
for _ in range(2400):
    if inbox() and not os.path.exists("c/data/queue/mess/" + qid): break
    time.sleep(0.05)
check(len(inbox()) == 1, "one notice in bob's Inbox: %r" % inbox())
check(not os.path.exists("c/data/queue/mess/" + qid) and not os.path.exists("c/data/queue/state/" + qid),
      "the failed message left the queue")
if inbox():
    m = email.message_from_bytes(open(inbox()[0], "rb").read(), policy=email.policy.default)
    check(m.get_content_type() == "multipart/report" and m.get_param("report-type") == "delivery-status",
          "multipart/report; report-type=delivery-status")
    check(m["To"] is not None and "bob@example.org" in str(m["To"]), "to the sender")
    parts = list(m.iter_parts())
    check([x.get_content_type() for x in parts][:2] == ["text/plain", "message/delivery-status"], "text, then status")
    st = parts[1].as_string() if len(parts) > 1 else ""
    check("Final-Recipient: rfc822; p@perm.test" in st and "Action: failed" in st and "Status: 5." in st,
          "per-recipient fields: " + st[-300:])
    check("Diagnostic-Code: smtp; 5" in st, "the remote reply is quoted")
    check(len(parts) == 3 and "Subject: lunch" in parts[2].as_string(), "the original is attached")
rq.terminate()
rq.wait()
check("tern-queue-run" in open("run.log").read() and "result=failed" in open("run.log").read(), "the runner logged the failure")
finish()

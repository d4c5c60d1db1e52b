# smtpout-queue.py: the way the issue found it: tern-queue-inject takes a
# body line of 3,000 bytes and 8-bit text (tern-smtp-in would refuse the
# first), tern-queue-run hands it to tern-smtp-out, and smtp-sink (no
# 8BITMIME) gets it with no line over 998 bytes and no 8-bit byte, the text
# the same once decoded.
import email, os, subprocess, time
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

W = os.getcwd()
Q = W + "/c/data/queue"


def sh(*a):
    return subprocess.run(list(a), capture_output=True, text=True)


sh("tern-conf", "-c", "c", "init", "mail.example.org", "data")
sh("tern-conf", "-c", "c", "add-domain", "example.org")
open("c/transports/relay", "w").write("smtp 127.0.0.1:12525\nno-starttls\n")
open("c/routes", "w").write("route relay to=relay.test\n")
r = sh("tern-conf", "-c", "c", "compile")
check(r.returncode == 0, "compile: " + r.stdout + r.stderr)
sk, dump = sink("127.0.0.1", 12525, "-8")
body = ("Subject: long\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfirst\r\n" + "w\u00e9rd " * 500 + "\r\nlast\r\n").encode()
p = subprocess.run(["tern-queue-inject", "-c", "c", "-f", "a@example.org", "x@relay.test"], input=body, capture_output=True)
qid = p.stdout.decode().strip()
check(p.returncode == 0 and qid, "inject took the long line: %r" % p.stderr)
run = subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run.log", "a"))
procs.append(run)
for _ in range(600):
    if "X-Rcpt-Args" in open(dump).read() or "result=" in open("run.log").read(): break
    time.sleep(0.05)
d = open(dump, "rb").read()
check(b"X-Rcpt-Args: <x@relay.test>" in d, "smtp-sink got it: " + open("run.log").read()[-600:])
msg = d[d.find(b"Subject: long"):] if b"Subject: long" in d else b""
check(msg and max(len(l) for l in msg.split(b"\n")) <= 998 and all(c < 128 for c in msg), "no line over 998, no 8-bit byte")
got = email.message_from_bytes(msg.replace(b"\n", b"\r\n")).get_payload(decode=True) if msg else b""
check(got.replace(b"\r\n", b"\n").rstrip() == body.split(b"\r\n\r\n", 1)[1].replace(b"\r\n", b"\n").rstrip(), "the same text once decoded")
finish()

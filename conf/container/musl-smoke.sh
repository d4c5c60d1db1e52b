#!/bin/sh
# musl-smoke.sh: tern localserve from BINDIR (the musl build), one message
# in over SMTP, read back over IMAPS, then stopped.
# usage: musl-smoke.sh BINDIR WORKDIR ; exit 0 passed, 1 failed.
bin=$1 w=$2
rm -rf "$w" && mkdir -p "$w" && cd "$w" || exit 1
base=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
setsid "$bin/tern-localserve" -d ls -P $base -p 'musl smoke 1' > out 2>&1 < /dev/null & pid=$!
python3 - $base <<'PY' ; rc=$?
import imaplib, smtplib, socket, ssl, sys, time
b = int(sys.argv[1])
end = time.time() + 120
while True:
    try: socket.create_connection(("127.0.0.1", b + 993), timeout=2).close() ; break
    except OSError:
        if time.time() > end: sys.exit("never listening")
        time.sleep(0.2)
s = smtplib.SMTP("127.0.0.1", b + 25, timeout=30)
s.sendmail("x@remote.example", ["local@localhost"], "Subject: musl smoke\r\n\r\nbody\r\n") ; s.quit()
ctx = ssl.create_default_context(cafile="ls/tls/cert.pem")
while time.time() < end:
    m = imaplib.IMAP4_SSL("localhost", b + 993, ssl_context=ctx, timeout=30)
    m.login("local", "musl smoke 1") ; typ, n = m.select("INBOX")
    # message 1 of an empty mailbox is BAD (RFC 3501 9), which imaplib raises
    typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])") if int(n[0]) else ("OK", [])
    m.logout()
    if any(isinstance(x, tuple) and b"musl smoke" in x[1] for x in data):
        print("musl smoke: delivered over SMTP, fetched over IMAPS") ; sys.exit(0)
    time.sleep(0.2)
sys.exit("not in the Inbox")
PY
kill -TERM $pid ; wait $pid
[ $rc = 0 ] || { tail -n 20 out ; exit 1 ; }

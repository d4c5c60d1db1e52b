# batch.py: tern-queue-run forming batches (one tern-smtp-out -m for several
# messages to one domain) and keeping queue-domain-concurrency 1, with 300
# messages deferred in memory for a dead domain.  A scripted SMTP server
# records, for each connection, the domains and messages it carried, and
# the most connections open at once for each domain.
import os, signal, socket, subprocess, threading, time
exec(open(os.path.join(os.environ["TERN_SRC"], "smtp-out/t/smtpout.inc.py")).read())

W = os.getcwd()
Q = W + "/c/data/queue"
PORT = 12525
lock = threading.Lock()
conns = []          # [set of rcpt domains, number of messages] per connection
openby = {}         # domain: connections open now
maxopen = {}        # domain: most connections open at once
got = {}            # rcpt: times received
slow = [0.0]        # seconds before each 250 to DATA


def serve(c):
    f = c.makefile("rb")
    me = [set(), 0]
    doms = set()
    with lock: conns.append(me)

    def say(s): c.sendall(s.encode() + b"\r\n")

    def enter(d):
        if d in doms: return
        doms.add(d)
        with lock:
            me[0].add(d)
            openby[d] = openby.get(d, 0) + 1
            maxopen[d] = max(maxopen.get(d, 0), openby[d])

    rcpts = []
    try:
        say("220 batch.test ESMTP")
        while True:
            l = f.readline()
            if not l: break
            u = l.decode().strip()
            v = u.upper()
            if v.startswith("EHLO") or v.startswith("HELO"): say("250-batch.test\r\n250 PIPELINING")
            elif v.startswith("MAIL"): rcpts = [] ; say("250 ok")
            elif v.startswith("RCPT"):
                a = u[u.index("<") + 1:u.index(">")]
                enter(a.split("@")[-1].lower())
                rcpts.append(a)
                say("250 ok")
            elif v == "DATA":
                say("354 go")
                while f.readline() not in (b".\r\n", b""): pass
                time.sleep(slow[0])
                with lock:
                    me[1] += 1
                    for a in rcpts: got[a.lower()] = got.get(a.lower(), 0) + 1
                say("250 queued")
            elif v == "RSET" or v == "NOOP": say("250 ok")
            elif v == "QUIT": say("221 bye") ; break
            else: say("502 no")
    except OSError:
        pass
    finally:
        with lock:
            for d in doms: openby[d] -= 1
        c.close()


def listen():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", PORT))
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


threading.Thread(target=listen, daemon=True).start()
assert wait_port("127.0.0.1", PORT)


def sh(*a):
    return subprocess.run(list(a), capture_output=True, text=True)


sh("tern-conf", "-c", "c", "init", "mail.example.org", "data")
open("c/transports/relay", "w").write("smtp 127.0.0.1:%d\nno-starttls\n" % PORT)
open("c/transports/down", "w").write("smtp 127.0.0.1:1\nno-starttls\n")
open("c/routes", "w").write("route down to=dead.test\nroute relay\n")
open("c/tern.conf", "a").write("queue-concurrency 4\nqueue-domain-concurrency 1\n")
r = sh("tern-conf", "-c", "c", "compile")
check(r.returncode == 0, "compile: " + r.stdout + r.stderr)


def inject(frm, *rcpts):
    p = subprocess.run(["tern-queue-inject", "-c", "c", "-f", frm] + list(rcpts),
                       input=b"Subject: t\r\n\r\nhello\r\n", capture_output=True)
    return p.stdout.decode().strip()


def log():
    try: return open("run.log").read()
    except OSError: return ""


def waitfor(f, t=30):
    for _ in range(int(t * 20)):
        if f(): return True
        time.sleep(0.05)
    return False


def queued():
    n = len(os.listdir(Q + "/todo"))   # todo/ first: messages move to mess/, never back
    return n + len(os.listdir(Q + "/mess"))


# 300 messages for a dead domain: one attempt each, then an hour's wait in memory
for i in range(300): inject("a@src.example", "x%d@dead.test" % i)
run = subprocess.Popen(["tern-queue-run", "-c", "c"], env=dict(os.environ, TERN_QUEUE_BASE_DELAY="3600"),
                       stderr=open("run.log", "a"))
procs.append(run)
check(waitfor(lambda: log().count("result=temp") >= 300, 60), "300 deferred: %d" % log().count("result=temp"))

# phase A: with the runner stopped, 120 messages for one.test, 60 for
# two.test, 3 for three.test and one for one.test and two.test, all due at once
run.send_signal(signal.SIGSTOP)
want = []
for i in range(120): inject("a@src.example", "o%d@one.test" % i) ; want.append("o%d@one.test" % i)
for i in range(60): inject("a@src.example", "t%d@Two.Test" % i) ; want.append("t%d@Two.Test" % i)
for i in range(3): inject("a@src.example", "h%d@three.test" % i) ; want.append("h%d@three.test" % i)
inject("a@src.example", "both@one.test", "both@two.test") ; want += ["both@one.test", "both@two.test"]
slow[0] = 0.02
run.send_signal(signal.SIGCONT)
check(waitfor(lambda: queued() == 300, 60), "phase A: all delivered (%d left)" % (queued() - 300))
with lock:
    miss = [a for a in want if got.get(a.lower()) != 1]
    byd = {d: [m for ds, m in conns if d in ds] for d in ("one.test", "two.test", "three.test")}
check(not miss, "each recipient once: %r" % miss[:5])
check(all(maxopen.get(d) == 1 for d in byd), "one connection per domain at a time: %r" % maxopen)
check(max(m for ds, m in conns) <= 50, "at most 50 messages a connection: %r" % [m for ds, m in conns])
check(3 <= len(byd["one.test"]) <= 5, "one.test's 121 messages in 3 to 5 connections: %r" % byd["one.test"])
check(2 <= len(byd["two.test"]) <= 4, "two.test's 61 messages in 2 to 4 connections: %r" % byd["two.test"])
check(len(byd["three.test"]) == 1, "three.test's 3 in one connection: %r" % byd["three.test"])
check(not any("dead.test" in ds for ds, m in conns) and log().count("result=temp") == 300,
      "the deferred ones were not taken into batches")

# phase B: while one.test's connection is slow, more for one.test wait for it
# (the domain's queue) and two.test goes on beside it
n0 = len(conns)
slow[0] = 0.5
inject("a@src.example", "s0@one.test")
check(waitfor(lambda: any("one.test" in ds for ds, m in conns[n0:]), 10), "phase B: one.test connected")
more = ["s%d@one.test" % i for i in range(1, 6)] + ["u%d@two.test" % i for i in range(3)]
for a in more: inject("a@src.example", a)
check(waitfor(lambda: queued() == 300, 60), "phase B: all delivered (%d left)" % (queued() - 300))
with lock: missb = [a for a in ["s0@one.test"] + more if got.get(a) != 1]
check(not missb, "phase B: each recipient once: %r" % missb)
check(maxopen.get("one.test") == 1 and maxopen.get("two.test") == 1, "phase B: one connection per domain: %r" % maxopen)
check(len([1 for ds, m in conns[n0:] if "one.test" in ds]) <= 3, "phase B: waiters of one.test batched: %r" % conns[n0:])
run.send_signal(signal.SIGTERM)
check(run.wait(20) == 0, "SIGTERM: exit 0")
if terntest.nfail: print(log()[-3000:])
finish()

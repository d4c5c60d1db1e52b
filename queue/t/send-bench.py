# send-bench.py, run by send.bench inside its own network and mount
# namespaces: N queued messages delivered directly (MX from dnsmasq) to
# smtp-sink, by tern-queue-run and by Postfix in the same run.
# tern: queue-concurrency 10, queue-domain-concurrency C (TERN_SEND_C,
# default 10).  Postfix: its own instance (config and queue in a temp
# dir), default_destination_concurrency_limit 10, then its default (20).
# Both start with all N messages queued (Postfix: injected on hold, then
# released) and are timed until their queue is empty.  RSS: the peak sum,
# sampled every 50 ms, of tern-queue-run and all its descendants; of
# Postfix's qmgr and smtp processes.  For measuring: TERN_SEND_ONLY=tern
# skips Postfix, TERN_SEND_WRAP is a command prefix for tern-queue-run
# (e.g. "strace -c -f -o FILE").
import os, smtplib, subprocess, sys, tempfile, time

N = int(os.environ.get("TERN_SEND_N", "10000"))
C = int(os.environ.get("TERN_SEND_C", "10"))
D = tempfile.mkdtemp(prefix="tern-sendbench.")
os.chmod(D, 0o755)
MSG = b"Subject: bench\r\nFrom: a@src.example\r\n\r\n" + b"x" * 1000 + b"\r\n"
procs = []

def start(*a):
    p = subprocess.Popen(list(a), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(p)
    return p

def status(pid, key):
    try:
        for l in open("/proc/%d/status" % pid):
            if l.startswith(key): return l.split()[1]
    except OSError: pass
    return None

def children(pid):
    try: return [int(x) for x in open("/proc/%d/task/%d/children" % (pid, pid)).read().split()]
    except OSError: return []

def rss_tree(pid):
    tot, todo = 0, [pid]
    while todo:
        p = todo.pop()
        tot += int(status(p, "VmRSS:") or 0)
        todo += children(p)
    return tot

def rss_postfix(master):
    return sum(int(status(p, "VmRSS:") or 0) for p in children(master) if status(p, "Name:") in ("qmgr", "smtp"))

def nfiles(*dirs):
    return sum(len(f) for d in dirs for _, _, f in os.walk(d))

def wait(t, empty, rss, rss1=lambda: 0):
    peak = peak1 = 0
    while not empty():
        peak = max(peak, rss())
        peak1 = max(peak1, rss1())
        time.sleep(0.05)
    wait.peak1 = peak1
    return time.time() - t, peak

# the peers: DNS at 127.0.0.53 (also the namespace's resolv.conf), the MX at 127.0.0.31
open(D + "/dns.conf", "w").write("port=53\nlisten-address=127.0.0.53\nbind-interfaces\nno-resolv\nno-hosts\nno-poll\n"
  "user=root\nlocal=/test/\nhost-record=mx.dst.test,127.0.0.31\nmx-host=dst.test,mx.dst.test,10\n")
start("dnsmasq", "-k", "-C", D + "/dns.conf")
start("smtp-sink", "-u", "nobody", "127.0.0.31:25", "256")
os.environ["DNSCACHEIP"] = "127.0.0.53"
time.sleep(0.5)
results = {}

def tern():
    run = lambda *a: subprocess.run(list(a), capture_output=True)
    run("tern-conf", "-c", "c", "init", "mail.example.org", "data")
    with open("c/tern.conf", "a") as f: f.write("queue-concurrency 10\nqueue-domain-concurrency %d\n" % C)
    run("tern-conf", "-c", "c", "compile")
    t = time.time()
    for i in range(N):
        subprocess.run(["tern-queue-inject", "-c", "c", "-f", "a@src.example", "b%d@dst.test" % i], input=MSG, capture_output=True)
    print("tern: injected %d in %.1f s" % (N, time.time() - t), flush=True)
    log = open(D + "/tern.log", "wb")
    t = time.time()
    r = subprocess.Popen(os.environ.get("TERN_SEND_WRAP", "").split() + ["tern-queue-run", "-c", "c"], stderr=log)
    q = "c/data/queue/"
    dt, peak = wait(t, lambda: not os.listdir(q + "todo") and not os.listdir(q + "mess"), lambda: rss_tree(r.pid), lambda: int(status(r.pid, "VmRSS:") or 0))
    r.terminate(); r.wait()
    log.close()
    bad = sum(1 for l in open(D + "/tern.log") if "result=ok" not in l and "delivery" in l)
    results["tern"] = (dt, peak)
    print("tern: %d messages in %.2f s: %.0f msg/s, peak RSS %.1f MiB (tern-queue-run alone %.1f MiB; domain concurrency %d)%s"
      % (N, dt, N / dt, peak / 1024, wait.peak1 / 1024, C, ", %d failed attempts" % bad if bad else ""), flush=True)

PF = D + "/pf"
MASTER_CF = """127.0.0.1:10025 inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

def postfix_up():
    for d in ("etc", "spool", "data"): os.makedirs(PF + "/" + d)
    os.chown(PF + "/data", int(subprocess.check_output(["id", "-u", "postfix"])), -1)
    open(PF + "/etc/main.cf", "w").write("""compatibility_level = 3.6
queue_directory = %s/spool
data_directory = %s/data
maillog_file = /dev/stdout
myhostname = pf.src.example
mydomain = src.example
myorigin = src.example
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_client_restrictions = check_client_access static:HOLD
in_flow_delay = 0
smtp_tls_security_level = none
""" % (PF, PF))
    open(PF + "/etc/master.cf", "w").write(MASTER_CF)
    subprocess.run(["postfix", "-c", PF + "/etc", "check"], check=True)
    start("sh", "-c", "exec postfix -c %s/etc start-fg >%s/log 2>&1" % (PF, PF))
    for _ in range(200):
        try:
            smtplib.SMTP("127.0.0.1", 10025, timeout=1).quit()
            return int(open(PF + "/spool/pid/master.pid").read())
        except (OSError, ValueError): time.sleep(0.05)
    sys.exit("postfix did not start: " + open(PF + "/log").read())

def postfix(master, conc):
    subprocess.run(["postconf", "-c", PF + "/etc", "-e", "default_destination_concurrency_limit = %d" % conc], check=True)
    subprocess.run(["postfix", "-c", PF + "/etc", "reload"], capture_output=True, check=True)
    t = time.time()
    s = smtplib.SMTP("127.0.0.1", 10025)
    for i in range(N): s.sendmail("a@src.example", ["b%d@dst.test" % i], MSG)
    s.quit()
    sent = open(PF + "/log").read().count("status=sent")
    q = PF + "/spool/"
    while nfiles(q + "hold") < N: time.sleep(0.1)
    print("postfix: injected %d on hold in %.1f s" % (N, time.time() - t), flush=True)
    queues = [q + d for d in ("hold", "incoming", "active", "deferred")]
    t = time.time()
    subprocess.run(["postsuper", "-c", PF + "/etc", "-H", "ALL"], capture_output=True, check=True)
    subprocess.run(["postqueue", "-c", PF + "/etc", "-f"], check=True)
    dt, peak = wait(t, lambda: not nfiles(*queues), lambda: rss_postfix(master))
    results["postfix%d" % conc] = (dt, peak)
    time.sleep(0.5)
    sent = open(PF + "/log").read().count("status=sent") - sent
    print("postfix: %d messages in %.2f s: %.0f msg/s, peak RSS (qmgr + smtp) %.1f MiB (destination concurrency %d%s)%s"
      % (N, dt, N / dt, peak / 1024, conc, ", its default" if conc == 20 else "",
         "" if sent == N else ", but %d sent" % sent), flush=True)

try:
    tern()
    if os.environ.get("TERN_SEND_ONLY") == "tern": sys.exit(0)
    master = postfix_up()
    postfix(master, 10)
    postfix(master, 20)
    (tt, tr), (pt, pr) = results["tern"], results["postfix10"]
    print("tern/postfix (both concurrency 10): rate %.2f, RSS %.2f; against Postfix's default 20: rate %.2f"
      % (pt / tt, tr / pr, results["postfix20"][0] / tt))
    print("goal: rate >= 1 and tern RSS <= 20 MiB: %s" % ("met" if pt >= tt and tr <= 20 * 1024 else "NOT met"))
finally:
    subprocess.run(["postfix", "-c", PF + "/etc", "stop"], capture_output=True)
    for p in procs: p.kill()
    subprocess.run(["rm", "-rf", D])

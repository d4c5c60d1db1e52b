# queue.inc.py: exec'd by queue/t scripts after smtp-out/t/smtpout.inc.py
# (its procs) and after setting Q (the queue directory): a runner on c/
# logging to run.log, the log, a condition awaited, a message gone.


def runner(base=1):
    env = dict(os.environ, TERN_QUEUE_BASE_DELAY=str(base))
    p = subprocess.Popen(["tern-queue-run", "-c", "c"], env=env, stderr=open("run.log", "a"))
    procs.append(p)
    return p


def log():
    return open("run.log").read()


def waitfor(f, t=60):
    for _ in range(int(t * 20)):
        if f(): return True
        time.sleep(0.05)
    return False


def gone(i):
    # todo/ first: a message moves from todo/ to mess/, never back; the other
    # order can miss one that moves between the two looks
    return not os.path.exists(Q + "/todo/" + i) and not os.path.exists(Q + "/mess/" + i)

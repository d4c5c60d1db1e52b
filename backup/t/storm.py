# storm.py: backups taken during a storm: SMTP-side deliveries
# (tern-queue-inject, delivered by a running tern-queue-run), IMAP flag
# changes, moves between three mailboxes and expunges (of half the storm
# messages only, subject "doomed"), by several clients of two accounts, a
# few thousand operations.
# Each backup: exit 0, complete; every message of the accounts before the
# first backup started (2,000 + 1,000 from imap-gen, each moved around
# but never expunged), and every storm message read in the live store
# just before it started and not picked for an expunge, is in it; no index
# names a missing file; tern verify (or the store check) is clean.  Prints
# the operation counts.
import os, random, re, subprocess, threading, time
from bkcommon import *

BOXES = ["Inbox", "Archive", "Trash"]
stop = threading.Event()
ops = {"inject": 0, "flags": 0, "move": 0, "expunge": 0}
errors = []
expunged = set()   # Message-IDs the storm may have expunged
lock = threading.Lock()


def count(k, n=1):
    with lock:
        ops[k] += n


def uidnext(r):
    for l in r[0]:
        m = re.search(rb"UIDNEXT (\d+)", l)
        if m:
            return int(m.group(1))
    return 1


def client(acct, seed, kinds):
    rnd = random.Random(seed)
    s = Imap()
    r = s.cmd("LOGIN %s %s-password" % (acct, acct))
    if not r[1].startswith(b"t1 OK"):
        errors.append("%s login: %r" % (acct, r))
        return
    while not stop.is_set():
        box = rnd.choice(BOXES)
        r = s.cmd("SELECT " + box)
        if b" OK" not in r[1]:
            errors.append("%s SELECT %s: %r" % (acct, box, r[1]))
            break
        top = uidnext(r)
        for _ in range(10):
            u = rnd.randrange(1, top + 1)
            k = rnd.choice(kinds)
            if k == "flags":
                f = rnd.choice(["+FLAGS (\\Seen)", "-FLAGS (\\Seen)", "+FLAGS ($label%d)" % rnd.randrange(5), "FLAGS (\\Flagged)"])
                r = s.cmd("UID STORE %d:%d %s" % (u, u + 3, f))
            elif k == "move":
                r = s.cmd("UID MOVE %d:%d %s" % (u, u + 2, rnd.choice([b for b in BOXES if b != box])))
            else:
                r = s.cmd('UID SEARCH SUBJECT "doomed"')
                uids = [int(x) for l in r[0] if l.startswith(b"* SEARCH") for x in l.split()[2:]]
                if uids:
                    pick = ",".join(str(x) for x in rnd.sample(uids, min(3, len(uids))))
                    f = s.cmd("UID FETCH %s (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])" % pick)
                    with lock:
                        expunged.update(re.findall(rb"Message-ID: (<[^>]*>)", b"".join(f[0])))
                    s.cmd("UID STORE %s +FLAGS (\\Deleted)" % pick)
                    r = s.cmd("UID EXPUNGE " + pick)
            if b" OK" not in r[1] and b" NO" not in r[1]:
                errors.append("%s %s: %r" % (acct, k, r[1]))
                stop.set()
            count(k)
    s.close()


def injector(seed):
    rnd = random.Random(seed)
    n = 0
    while not stop.is_set():
        to = rnd.choice(["bob", "eve"])
        m = b"Subject: storm %d %d%s\r\nMessage-ID: <storm.%d.%d@x>\r\n\r\nwind\r\n" % (seed, n, b" doomed" if n % 2 else b"", seed, n)
        r = subprocess.run(["tern-queue-inject", "-c", "c", "-f", "a@example.org", to + "@example.com"], input=m, capture_output=True)
        if r.returncode:
            errors.append("inject: %r" % r.stderr)
        n += 1
        count("inject")


def ids(acctdir, live=False):
    """Message-IDs of the live records of every mailbox of a backup's account;
    files missing.  live: of the running account (a file gone meanwhile is skipped)"""
    out, missing = set(), []
    for l in dump(acctdir).decode().splitlines():
        if l.startswith("mailbox "):
            mid = l.split()[1]
        elif l.startswith("  uid ") and l.endswith(" file"):
            uid = l.split()[1]
            try:
                h = open("%s/mail/%s/cur/%s" % (acctdir, mid, uid), "rb").read(4096)
            except FileNotFoundError:
                if not live:
                    raise
                continue
            m = re.search(rb"Message-ID: (<[^>]*>)", h)
            if m:
                out.add(m.group(1))
        elif l.startswith("  uid ") and not l.endswith(" -"):
            missing.append(l)
    return out, missing


def main():
    setup()
    for a, n in [("bob", 2000), ("eve", 1000)]:
        r = sh("%s/t/imap-gen %s/data/accounts/%s md %d && rm -rf md" % (BIN, D, a, n))
        assert r.returncode == 0, r.stderr
    before = {a: ids("data/accounts/" + a)[0] for a in ["bob", "eve"]}
    check(len(before["bob"]) == 2000 and len(before["eve"]) == 1000, "3,000 messages before: %d %d" % (len(before["bob"]), len(before["eve"])))
    run = subprocess.Popen(["tern-queue-run", "-c", "c"], stderr=open("run.log", "w"))
    ts = [threading.Thread(target=injector, args=(i,)) for i in range(2)]
    ts += [threading.Thread(target=client, args=(a, i, k)) for i, (a, k) in
           enumerate([("bob", ["flags", "move"]), ("bob", ["move", "expunge"]), ("eve", ["flags", "move", "expunge"]), ("eve", ["move"])])]
    for t in ts:
        t.start()
    t0 = time.monotonic()
    results = []
    try:
        while sum(ops.values()) < 300 and time.monotonic() - t0 < 60 and not stop.is_set():
            time.sleep(0.05)
        for i in range(4):
            live = {a: ids("data/accounts/" + a, True)[0] for a in ["bob", "eve"]}
            r = subprocess.run(["tern-backup", "data", "b%d" % i], capture_output=True)
            results.append((r.returncode, r.stderr, dict(ops), live))
        while sum(ops.values()) < 2000 and time.monotonic() - t0 < 45 and not stop.is_set():
            time.sleep(0.05)
    finally:
        stop.set()
        for t in ts:
            t.join(120)
        run.terminate()
        run.wait(30)
    print("storm: %s in %.1f s, 4 backups taken during it" % (ops, time.monotonic() - t0))
    for i in range(len(results)):
        v = dict(l.split(" ", 1) for l in open("b%d/version" % i).read().splitlines() if " " in l)
        print("backup %d: expunged %s, added %s, rounds %s, ops at its end %r" % (i, v.get("expunged"), v.get("added"), v.get("rounds"), results[i][2]))
    check(not errors, "the storm ran without errors: %r" % errors[:5])
    check(sum(ops.values()) >= 2000 and ops["move"] > 100 and ops["expunge"] > 20 and ops["inject"] > 20,
          "a few thousand operations of every kind: %r" % ops)
    storm = 0
    for i, (rc, err, at, live) in enumerate(results):
        check(rc == 0 and lastline("b%d/version" % i) == b"complete", "backup %d during the storm (%r): exit 0, complete: %d %r" % (i, at, rc, err))
        for a in ["bob", "eve"]:
            got, missing = ids("b%d/accounts/%s" % (i, a))
            lost = before[a] - got
            check(not lost, "backup %d: every message of %s before the backup is in it: %d lost, e.g. %r" % (i, a, len(lost), sorted(lost)[:3]))
            want = live[a] - expunged
            lost = want - got
            storm += len(want - before[a])
            check(not lost, "backup %d: and every storm message of %s there just before it (%d) and not expunged since: %d lost, e.g. %r"
                  % (i, a, len(want - before[a]), len(lost), sorted(lost)[:3]))
            check(not missing, "backup %d: %s: no index names a missing file: %r" % (i, a, missing[:3]))
        if os.path.exists(BIN + "/tern-verify"):
            r = sh("tern-verify b%d" % i)
            bad = [l for l in (r.stdout + r.stderr).decode().splitlines() if not re.search(r": ok: ", l)]
            check(r.returncode == 0 and not bad, "backup %d: tern verify is clean: %d %r" % (i, r.returncode, bad[:5]))
        else:
            for a in ["bob", "eve"]:
                rc2, out = storecheck("b%d/accounts/%s" % (i, a))
                check(rc2 == 0, "backup %d: %s passes the store check: %r" % (i, a, out[:300]))
    check(storm > 0, "the backups were required to hold storm messages too: %d in all" % storm)
    return report()


raise SystemExit(1 if main() else 0)

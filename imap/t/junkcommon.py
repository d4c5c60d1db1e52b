# junkcommon.py: what the junk*.test scripts share: messages with words of
# their own, and the filter's counts and each message's training state as
# bin/t/junkstate reads them from the account (the db and index APIs).
import subprocess
import common

NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
         "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"]


def word(i):
    """a word of message i alone: letters only (digits are not words)"""
    s = ""
    while True:
        s = NAMES[i % len(NAMES)] + s
        i //= len(NAMES)
        if not i:
            return s


def jmsg(i):
    w = word(i)
    return (b"From: Sender <sender@example.org>\r\nTo: bob@example.com\r\nSubject: about %s things\r\n"
            b"Message-ID: <j%d@example.org>\r\n\r\nthe %s word is here, with more %s text\r\n" % (w.encode(), i, w.encode(), w.encode()))


def state(acct, *boxes):
    """(nham, nspam, words, {(box, uid): "FLAGS TRAIN"}) of an account;
    the counts None when the filter's database cannot be read"""
    r = subprocess.run(["%s/t/junkstate" % common.BIN, "data/accounts/%s" % acct] + list(boxes), capture_output=True)
    lines = r.stdout.decode().splitlines()
    if not lines:
        return None, None, None, {"error": r.stderr}
    c = dict(kv.split("=") for kv in lines[0].split())
    c = {k: None if v == "?" else int(v) for k, v in c.items()}
    msgs = {}
    for l in lines[1:]:
        box, uid, flags, train = l.rsplit(" ", 3)
        msgs[(box, int(uid))] = flags + " " + train
    return c["nham"], c["nspam"], c["words"], msgs


def counts(acct, *words):
    """{word: (ham, spam)} of the filter's database"""
    args = []
    for w in words:
        args += ["-w", w]
    r = subprocess.run(["%s/t/junkstate" % common.BIN, "data/accounts/%s" % acct] + args, capture_output=True)
    out = {}
    for l in r.stdout.decode().splitlines()[1:]:
        w, h, s = l.rsplit(" ", 2)
        out[w] = (int(h.split("=")[1]), int(s.split("=")[1]))
    return out

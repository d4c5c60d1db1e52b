# junk.py: tern-imap keeps $Junk/$NotJunk and the junk filter's training in
# step (tern-imap(8) JUNK FILTER), through python's imaplib.  bob has the
# defaults of add-account (junk-filter, junk-flags yes, junk ^(junk|spam),
# neutral ^(inbox|...)); eve has a filter and junk-flags no.  After each
# step: nham, nspam, the number of words with a count, and each message's
# flags and training state, read from the account by bin/t/junkstate.
# Prints "N passed, N failed".
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, deliver, sh, T
from junkcommon import jmsg, state, counts

BOXES = ["Inbox", "Junk", "Archive", "Sent", "Trash"]
words = {}      # words counted, as measured for a set of trained messages


def expect(what, nham, nspam, msgs, trained, a0, acct="bob", boxes=BOXES):
    """trained: the messages (numbers of jmsg) trained, for the words count;
    a0: (ham, spam) counts of the words of jmsg(0) alone"""
    h, s, w, got = state(acct, *boxes)
    c = counts(acct, "alpha", "Subject:alpha")
    check(c == {"alpha": a0, "Subject:alpha": a0}, "%s: counts of jmsg(0)'s words %r, want %r" % (what, c, a0))
    check((h, s) == (nham, nspam), "%s: nham=%s nspam=%s, want %d %d" % (what, h, s, nham, nspam))
    check(got == msgs, "%s: states %r, want %r" % (what, got, msgs))
    key = frozenset(trained)
    if not trained:
        check(w == 0, "%s: no word has a count: %s" % (what, w))
    elif key in words:
        check(w == words[key], "%s: %s words, as before with the same messages trained (%d)" % (what, w, words[key]))
    else:
        check(w and w > max([words[k] for k in words if k < key] + [0]), "%s: words %s grew" % (what, w))
        words[key] = w


def ok(r, what):
    check(r[0] == "OK", "%s: %r" % (what, r))
    return r


setup()
with open("c/accounts/eve") as f:
    t = f.read()
with open("c/accounts/eve", "w") as f:
    f.write(t.replace("junk-flags yes", "junk-flags no"))
r = sh("tern-conf -c c compile")
check(r.returncode == 0 and b"junk-flags yes" in open("c/accounts/bob", "rb").read(), "eve: junk-flags no; bob: the defaults: %r" % r.stderr)
for i in range(3):
    deliver("bob", "Inbox", jmsg(i))
expect("delivered to Inbox", 0, 0, {("Inbox", 1): "- none", ("Inbox", 2): "- none", ("Inbox", 3): "- none"}, [], (0, 0))
m = T()
m.login("bob", "bob-password")
m.select("Inbox")
ok(m._simple_command("MOVE", "1", "Junk"), "MOVE 1 Junk")
expect("moved to Junk", 0, 1, {("Junk", 1): "J spam", ("Inbox", 2): "- none", ("Inbox", 3): "- none"}, [0], (0, 1))
m.select("Junk")
ok(m._simple_command("MOVE", "1", "Archive"), "MOVE 1 Archive")
expect("moved back to Archive", 1, 0, {("Archive", 1): "N ham", ("Inbox", 2): "- none", ("Inbox", 3): "- none"}, [0], (1, 0))
m.select("Archive")
ok(m.copy("1", "Sent"), "COPY 1 Sent")
ok(m.copy("1", "Inbox"), "COPY 1 Inbox")
base = {("Archive", 1): "N ham", ("Sent", 1): "N ham", ("Inbox", 2): "- none", ("Inbox", 3): "- none", ("Inbox", 4): "- none"}
expect("copied to Sent (trained) and Inbox (neutral)", 2, 0, base, [0], (2, 0))
ok(m.append("Junk", "($NotJunk \\Seen)", None, jmsg(5)), "APPEND Junk ($NotJunk)")
ok(m.append("Inbox", "($Junk)", None, jmsg(6)), "APPEND Inbox ($Junk)")
base.update({("Junk", 2): "J spam", ("Inbox", 5): "- none"})
expect("appended into Junk (client's $NotJunk overridden) and Inbox ($Junk cleared)", 2, 1, base, [0, 5], (2, 0))
ok(m.copy("1", "Junk"), "COPY 1 Junk")
base[("Junk", 3)] = "J spam"
expect("a copy of a ham message into Junk: trained on its own", 2, 2, base, [0, 5], (2, 1))

# STORE: the client's flags as given, no automatic flags (by UID: Inbox has
# UIDs 2 3 4 5, jmsg 1 2 0 6)
m.select("Inbox")
ok(m.uid("STORE", "2", "+FLAGS", "($Junk)"), "STORE 2 +FLAGS ($Junk)")
base[("Inbox", 2)] = "J spam"
expect("+$Junk in Inbox", 2, 3, base, [0, 5, 1], (2, 1))
ok(m.uid("STORE", "2", "+FLAGS", "($NotJunk)"), "STORE 2 +FLAGS ($NotJunk)")
base[("Inbox", 2)] = "JN none"
expect("both flags: not trained", 2, 2, base, [0, 5], (2, 1))
ok(m.uid("STORE", "2", "-FLAGS", "($Junk $NotJunk)"), "STORE 2 -FLAGS ($Junk $NotJunk)")
base[("Inbox", 2)] = "- none"
expect("neither flag", 2, 2, base, [0, 5], (2, 1))
ok(m.uid("STORE", "2:3", "FLAGS", "(\\Seen $NotJunk)"), "STORE 2:3 FLAGS ($NotJunk)")
base[("Inbox", 2)] = base[("Inbox", 3)] = "N ham"
expect("FLAGS ($NotJunk) on two", 4, 2, base, [0, 5, 1, 2], (2, 1))
ok(m.uid("STORE", "3", "FLAGS.SILENT", "($Junk)"), "STORE 3 FLAGS.SILENT ($Junk)")
base[("Inbox", 3)] = "J spam"
expect("ham to spam", 3, 3, base, [0, 5, 1, 2], (2, 1))
ok(m.uid("STORE", "2", "+FLAGS", "(\\Flagged)"), "STORE 2 +FLAGS (\\Flagged)")
expect("a flag that is not a junk flag", 3, 3, base, [0, 5, 1, 2], (2, 1))

# EXPUNGE, UID EXPUNGE, CLOSE untrain what goes
ok(m.uid("STORE", "2:3", "+FLAGS", "(\\Deleted)"), "STORE 2:3 +FLAGS (\\Deleted)")
ok(m.uid("EXPUNGE", "3"), "UID EXPUNGE 3")
del base[("Inbox", 3)]
expect("UID EXPUNGE of a spam message", 3, 2, base, [0, 5, 1], (2, 1))
ok(m.expunge(), "EXPUNGE")
del base[("Inbox", 2)]
expect("EXPUNGE of a ham message", 2, 2, base, [0, 5], (2, 1))
m.select("Sent")
ok(m.store("1", "+FLAGS", "(\\Deleted)"), "STORE Sent 1 \\Deleted")
ok(m.close(), "CLOSE")
del base[("Sent", 1)]
expect("CLOSE expunged a ham message", 1, 2, base, [0, 5], (1, 1))

# DELETE: a mailbox's trained messages are untrained first
ok(m.create("Lists/x"), "CREATE Lists/x")
m.select("Junk")
ok(m.copy("1:2", "Lists/x"), "COPY Junk 1:2 Lists/x")
h, s, w, got = state("bob", "Lists/x")
check((h, s) == (3, 2) and got == {("Lists/x", 1): "N ham", ("Lists/x", 2): "N ham"},
      "copies into Lists/x (not-junk by the fallback rule) trained as ham: %r" % ((h, s, got),))
ok(m.delete("Lists/x"), "DELETE Lists/x")
expect("DELETE untrained its two messages", 1, 2, base, [0, 5], (1, 1))

# RENAME INBOX moves its messages: their training moves with them
m.select("Inbox")
ok(m.uid("STORE", "4", "+FLAGS", "($Junk)"), "STORE Inbox UID 4 +FLAGS ($Junk)")
m.select("Archive")
ok(m.rename("INBOX", "Old"), "RENAME INBOX Old")
del base[("Inbox", 4)], base[("Inbox", 5)]
base.update({("Old", 1): "J spam", ("Old", 2): "- none"})
expect("RENAME INBOX Old: the spam message still trained once", 1, 3, base, [0, 5], (1, 2), boxes=BOXES + ["Old"])

# MOVE of several, then everything expunged: back to an empty filter
m.select("Junk")
ok(m._simple_command("MOVE", "1:*", "Trash"), "MOVE Junk 1:* Trash")
h, s, w, got = state("bob", "Trash", "Junk")
check((h, s) == (3, 1) and got == {("Trash", 1): "N ham", ("Trash", 2): "N ham"}, "moved to Trash: ham: %r" % ((h, s, got),))
for box in ["Trash", "Archive", "Old"]:
    m.select(box)
    m.store("1:*", "+FLAGS", "(\\Deleted)")
    ok(m.expunge(), "EXPUNGE " + box)
expect("all expunged", 0, 0, {}, [], (0, 0))
m.logout()

# eve: junk-filter without junk-flags: client flags kept, \Junk still junk
e = T()
e.login("eve", "eve-password")
ok(e.append("Archive", "($Junk)", None, jmsg(7)), "eve: APPEND Archive ($Junk)")
ok(e.append("Junk", "($NotJunk)", None, jmsg(8)), "eve: APPEND Junk ($NotJunk)")
ok(e.append("Sent", "", None, jmsg(9)), "eve: APPEND Sent")
h, s, w, got = state("eve", "Archive", "Junk", "Sent")
check((h, s) == (0, 2) and got == {("Archive", 1): "J spam", ("Junk", 1): "J spam", ("Sent", 1): "- none"},
      "eve: client's $Junk kept, \\Junk special use forces $Junk, no flag in Sent: %r" % ((h, s, got),))
# a running session follows a config change
with open("c/accounts/eve", "w") as f:
    f.write(t)
check(sh("tern-conf -c c compile").returncode == 0, "eve: junk-flags yes again")
ok(e.append("Archive", "", None, jmsg(10)), "eve: APPEND Archive")
h, s, w, got = state("eve", "Archive")
check((h, s) == (1, 2) and got == {("Archive", 1): "J spam", ("Archive", 2): "N ham"},
      "eve: the session sees junk-flags yes, Archive is not-junk: %r" % ((h, s, got),))
# junk-flags without a filter: flags, no training
with open("c/accounts/eve", "w") as f:
    f.write("".join(l for l in t.splitlines(True) if not l.startswith("junk-filter")))
check(sh("tern-conf -c c compile").returncode == 0, "eve: no junk-filter")
ok(e.append("Junk", "", None, jmsg(12)), "eve: APPEND Junk without a filter")
e.select("Junk")
ok(e.store("1", "+FLAGS", "($NotJunk)"), "eve: STORE $NotJunk without a filter")
h, s, w, got = state("eve", "Archive", "Junk")
check((h, s) == (1, 2) and got == {("Archive", 1): "J spam", ("Archive", 2): "N ham", ("Junk", 1): "JN spam", ("Junk", 2): "J none"},
      "eve: $Junk set by the Junk mailbox, nothing trained or untrained: %r" % ((h, s, got),))
e.logout()

# a damaged filter: the flag change is still made and answered OK, the
# message stays untrained (for tern-retrain), and the log says why
deliver("bob", "Inbox", jmsg(11))
with open("data/accounts/bob/junk/words", "r+b") as f:
    f.write(b"damaged " * 8)
log = open("imap.log", "w+b")
c = common.Raw(stderr=log)
c.cmd("LOGIN bob bob-password")
c.cmd("SELECT Inbox")
out, tagged = c.cmd("STORE 1 +FLAGS ($Junk)")
check(b" OK " in tagged and b"$Junk" in b"".join(out), "STORE +$Junk answered OK with a damaged filter: %r" % ((out, tagged),))
c.cmd("LOGOUT")
c.proc.wait(10)
log.seek(0)
text = log.read()
check(b"warning: junk-train pid=" in text and b" account=bob" in text and b"action=skipped" in text, "the training error is logged: %r" % text)
h, s, w, got = state("bob", "Inbox")
check(h is None and list(got.values()) == ["J none"], "$Junk stored, not trained: %r" % ((h, s, got),))
# tern-retrain rebuilds the filter from the flags (over the damaged words
# file): states and flags agree again
r = sh("tern-retrain -c c bob")
check(r.returncode == 0, "tern-retrain bob: %r" % r.stderr)
h, s, w, got = state("bob", "Inbox")
check((h, s) == (0, 1) and list(got.values()) == ["J spam"], "after tern-retrain: trained as spam: %r" % ((h, s, got),))
r = sh("tern-junk stats -c c -a bob")
check(r.returncode == 0 and r.stdout.startswith(b"ham 0\nspam 1\nwords %d\n" % w), "tern-junk stats agrees: %r" % ((r.stdout, r.stderr),))

# MULTIAPPEND: each message gets the automatic flags and is trained
c = common.Raw()
c.cmd("LOGIN bob bob-password")
a, b = jmsg(13), jmsg(14)
out, tagged = c.cmd(b"APPEND Junk ($NotJunk) {%d+}\r\n%s (\\Seen) {%d+}\r\n%s" % (len(a), a, len(b), b))
check(b" OK [APPENDUID " in tagged, "MULTIAPPEND of two into Junk: %r" % tagged)
c.cmd("LOGOUT")
c.proc.wait(10)
h, s, w, got = state("bob", "Junk")
check((h, s) == (0, 3) and sorted(got.values()) == ["J spam", "J spam"], "both trained as spam: %r" % ((h, s, got),))
common.terntest.report()

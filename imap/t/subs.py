# subs.py: subscriptions are a set of names (issue 18, RFC 3501 6.3.6 and
# 6.3.9, RFC 5258 3.4): a name without a mailbox can be subscribed, DELETE
# and RENAME leave subscriptions alone (as Dovecot does), LIST (SUBSCRIBED)
# says \NonExistent, LSUB lists such names, an account of the older format
# (the field in mailboxes only) keeps its subscriptions, damage is
# reported, the set is bounded.  Prints "N passed, N failed".
import os, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from common import check, setup, sh, Raw, ok

ACCT = "data/accounts/bob"


def login(user="bob"):
    c = Raw()
    c.cmd("LOGIN %s %s-password" % (user, user))
    return c


def nonexistent():
    c = login()
    c.ok("SUBSCRIBE Ghost", "SUBSCRIBE of a name with no mailbox is OK")
    c.expect('LIST (SUBSCRIBED) "" Gh*', [b'* LIST (\\NonExistent \\Subscribed) "/" "Ghost"\r\n'], "LIST (SUBSCRIBED): \\NonExistent \\Subscribed")
    r = c.cmd('LSUB "" *')
    check(b'* LSUB () "/" "Ghost"\r\n' in r[0], "LSUB lists it: %r" % (r,))
    r = c.cmd('LIST "" *')
    check(ok(r) and not [l for l in r[0] if b"Ghost" in l], "LIST does not: %r" % (r,))
    c.expect('LIST "" Gh* RETURN (SUBSCRIBED)', [], "nor LIST ... RETURN (SUBSCRIBED)")
    r = c.cmd("SELECT Ghost")
    check(r[1].startswith(b"t%d NO [NONEXISTENT]" % c.n), "SELECT of it is NO [NONEXISTENT]: %r" % (r,))
    c.cmd("LOGOUT")
    c = login()
    c.expect('LSUB "" Ghost', [b'* LSUB () "/" "Ghost"\r\n'], "kept for the next session")
    r = c.cmd("UNSUBSCRIBE Ghost")
    r2 = c.cmd('LSUB "" Ghost')
    check(ok(r) and r2[0] == [], "UNSUBSCRIBE removes it: %r" % ((r, r2),))
    c.ok("UNSUBSCRIBE Nothere", "UNSUBSCRIBE of a name not subscribed is OK, as Dovecot's")
    r = c.cmd('SUBSCRIBE "a//b"')
    check(r[1].startswith(b"t%d NO" % c.n), "SUBSCRIBE of an invalid name is NO: %r" % (r,))
    c.cmd("LOGOUT")


def delete():
    c = login()
    r = c.cmd("CREATE Doomed")
    r2 = c.cmd('LSUB "" Doomed')
    check(ok(r) and r2[0] == [b'* LSUB () "/" "Doomed"\r\n'], "CREATE subscribes, as before: %r" % ((r, r2),))
    c.ok("DELETE Doomed", "DELETE")
    c.expect('LSUB "" Doomed', [b'* LSUB () "/" "Doomed"\r\n'], "the subscription outlives DELETE (RFC 3501 6.3.9)")
    c.expect('LIST (SUBSCRIBED) "" Doomed', [b'* LIST (\\NonExistent \\Subscribed) "/" "Doomed"\r\n'], "\\NonExistent after DELETE")
    r = c.cmd("SELECT Doomed")
    check(r[1].startswith(b"t%d NO [NONEXISTENT]" % c.n), "SELECT after DELETE: NO [NONEXISTENT]: %r" % (r,))
    c.expect('LIST (SUBSCRIBED) "" Doomed RETURN (CHILDREN)', [b'* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" "Doomed"\r\n'], "RETURN (CHILDREN): \\HasNoChildren too, as Dovecot's")
    r = c.cmd("CREATE Doomed")
    r2 = c.cmd('LIST (SUBSCRIBED) "" Doomed')
    check(ok(r) and r2[0] == [b'* LIST (\\HasNoChildren \\Subscribed) "/" "Doomed"\r\n'], "created again: exists and subscribed once: %r" % ((r, r2),))
    c.expect('LSUB "" Doomed', [b'* LSUB () "/" "Doomed"\r\n'], "listed once")
    c.cmd("LOGOUT")


def rename():
    c = login()
    c.cmd("CREATE Ren")
    c.cmd("CREATE Ren/Kid")
    c.ok("RENAME Ren Moved", "RENAME")
    c.expect('LSUB "" Ren*', [b'* LSUB () "/" "Ren"\r\n', b'* LSUB () "/" "Ren/Kid"\r\n'], "the old names stay subscribed, as Dovecot's", sort=True)
    c.expect('LIST "" Moved* RETURN (SUBSCRIBED)', [b'* LIST (\\HasChildren) "/" "Moved"\r\n', b'* LIST (\\HasNoChildren) "/" "Moved/Kid"\r\n'], "the new names are not", sort=True)
    c.expect('LIST (SUBSCRIBED) "" Ren*', [b'* LIST (\\NonExistent \\Subscribed) "/" "Ren"\r\n', b'* LIST (\\NonExistent \\Subscribed) "/" "Ren/Kid"\r\n'], "the old names are \\NonExistent", sort=True)
    c.cmd("LOGOUT")


def recursive():
    c = login()
    c.ok("SUBSCRIBE Far/Kid", "SUBSCRIBE Far/Kid (no Far, no Far/Kid)")
    c.expect('LIST (SUBSCRIBED RECURSIVEMATCH) "" F%', [b'* LIST (\\NonExistent) "/" "Far" ("CHILDINFO" ("SUBSCRIBED"))\r\n'], "CHILDINFO for a parent that does not exist (RFC 5258 5)")
    c.expect('LIST (SUBSCRIBED RECURSIVEMATCH) "" F*', [b'* LIST (\\NonExistent \\Subscribed) "/" "Far/Kid"\r\n'], "the child itself when it matches")
    c.expect('LIST (SUBSCRIBED) "" F%', [], "without RECURSIVEMATCH no parent")
    c.expect('LSUB "" F%', [b'* LSUB (\\Noselect) "/" "Far"\r\n'], "LSUB % gives the \\Noselect parent (RFC 3501 6.3.9)")
    c.cmd("SUBSCRIBE Far")
    c.expect('LIST (SUBSCRIBED RECURSIVEMATCH) "" F%', [b'* LIST (\\NonExistent \\Subscribed) "/" "Far" ("CHILDINFO" ("SUBSCRIBED"))\r\n'], "a subscribed parent: both")
    c.expect('LSUB "" F%', [b'* LSUB () "/" "Far"\r\n'], "LSUB: the subscribed parent, selectable")
    r = c.cmd('LIST (SUBSCRIBED SPECIAL-USE) "" *')
    check(ok(r) and not [l for l in r[0] if b"NonExistent" in l], "SPECIAL-USE selection has no \\NonExistent name: %r" % (r,))
    c.cmd("UNSUBSCRIBE Far")
    c.cmd("UNSUBSCRIBE Far/Kid")
    c.expect('LSUB "" F%', [], "all gone after UNSUBSCRIBE")
    c.cmd("LOGOUT")


def subsfile(acct):
    try:
        return open("data/accounts/%s/subscriptions" % acct).read().split("\n")
    except FileNotFoundError:
        return None


def oldformat():
    """eve's account as an older tern left it: no subscriptions file, the
    field of mailboxes says Sent is not subscribed"""
    c = login("eve")
    c.cmd("LOGOUT")
    a = "data/accounts/eve"
    if os.path.exists(a + "/subscriptions"):
        os.unlink(a + "/subscriptions")
    lines = open(a + "/mailboxes").read().split("\n")
    for i, l in enumerate(lines):
        f = l.split(" ", 4)
        if len(f) == 5 and f[4] == "Sent":
            f[2] = "0"
            lines[i] = " ".join(f)
    open(a + "/mailboxes", "w").write("\n".join(lines))
    c = login("eve")
    r = c.cmd('LSUB "" *')
    got = sorted(l.split(b'"/" ')[1].strip() for l in r[0])
    check(got == [b'"Archive"', b'"Drafts"', b'"INBOX"', b'"Junk"', b'"Trash"'], "without the file, the field says: %r" % (r,))
    c.ok("DELETE Junk", "DELETE Junk")
    r = c.cmd('LSUB "" Junk')
    check(r[0] == [b'* LSUB () "/" "Junk"\r\n'], "a field's subscription outlives DELETE too: %r" % (r,))
    s = subsfile("eve")
    check(s is not None and s[0] == "tern-subscriptions 1" and "Junk" in s and "Sent" not in s,
          "the first change wrote the file from the field (migration): %r" % (s,))
    c.cmd("LOGOUT")
    r = sh("tern-verify -c c data")
    check(r.returncode == 0, "tern verify accepts the file: %r" % (r,))


def damage():
    s = open(ACCT + "/subscriptions").read() if os.path.exists(ACCT + "/subscriptions") else "tern-subscriptions 1\n"
    open(ACCT + "/subscriptions", "w").write(s + "bad//name\n")
    c = login()
    r = c.cmd('LSUB "" *')
    check(r[0] == [] and r[1].startswith(b"t%d NO [UNAVAILABLE]" % c.n), "a damaged file: LSUB is a temporary NO, not a shorter list: %r" % (r,))
    r = c.cmd("SUBSCRIBE Other")
    check(r[1].startswith(b"t%d NO [UNAVAILABLE]" % c.n), "and SUBSCRIBE does not overwrite it: %r" % (r,))
    r = c.cmd('LIST "" Inbox')
    check(ok(r) and r[0] == [b'* LIST (\\HasNoChildren) "/" "INBOX"\r\n'], "a LIST that needs no subscription does not read it: %r" % (r,))
    c.cmd("LOGOUT")
    r = sh("tern-verify -c c data")
    check(r.returncode != 0 and b"subscriptions" in r.stdout + r.stderr and b"bad mailbox name" in r.stdout + r.stderr,
          "tern verify reports it: %r" % (r,))
    open(ACCT + "/subscriptions", "w").write(s + "Dup\nDup\n")
    r = sh("tern-verify -c c data")
    check(r.returncode != 0 and b"a name twice" in r.stdout + r.stderr, "and a name twice: %r" % (r,))
    open(ACCT + "/subscriptions", "w").write(s)


def bounded():
    """at most 10000 names: the file past it is damage, a SUBSCRIBE past it
    is NO [LIMIT]"""
    s = open(ACCT + "/subscriptions").read() if os.path.exists(ACCT + "/subscriptions") else "tern-subscriptions 1\n"
    n = len([l for l in s.split("\n")[1:] if l])
    open(ACCT + "/subscriptions", "w").write(s + "".join("n%d\n" % i for i in range(10000 - n)))
    c = login()
    r = c.cmd("SUBSCRIBE Onemore")
    check(r[1].startswith(b"t%d NO [LIMIT]" % c.n), "the 10001st name: NO [LIMIT]: %r" % (r,))
    r = c.cmd('LSUB "" *')
    check(ok(r) and len(r[0]) == 10000, "LSUB of 10000 names: %d lines %r" % (len(r[0]), r[1]))
    r = c.cmd("CREATE Fullset")
    r2 = c.cmd('LIST "" Fullset RETURN (SUBSCRIBED)')
    check(ok(r) and r2[0] == [b'* LIST (\\HasNoChildren) "/" "Fullset"\r\n'], "CREATE with a full set: made, not subscribed: %r" % ((r, r2),))
    r = c.cmd("UNSUBSCRIBE n0")
    r2 = c.cmd("SUBSCRIBE Onemore")
    check(ok(r) and ok(r2), "room again after an UNSUBSCRIBE: %r" % ((r, r2),))
    c.cmd("LOGOUT")
    open(ACCT + "/subscriptions", "a").write("n10001\n")
    c = login()
    r = c.cmd('LSUB "" *')
    check(r[1].startswith(b"t%d NO [UNAVAILABLE]" % c.n), "a file of 10001 names is damage: %r" % (r[1],))
    c.cmd("LOGOUT")
    open(ACCT + "/subscriptions", "w").write(s)


def backup():
    """a subscription to a name with no mailbox survives tern backup and a
    restore (tern-backup(8): a copy of the data directory)"""
    c = login()
    c.cmd("SUBSCRIBE Kept/Ghost")
    c.cmd("LOGOUT")
    r = sh("tern-backup -q -c c data bk")
    check(r.returncode == 0, "tern backup: %r" % (r,))
    b = open("bk/accounts/bob/subscriptions").read() if os.path.exists("bk/accounts/bob/subscriptions") else ""
    check("Kept/Ghost\n" in b and b == open(ACCT + "/subscriptions").read(), "the backup has the file as it was: %r" % (b[:200],))
    os.rename("data", "data.orig")
    os.rename("bk", "data")
    c = login()
    c.expect('LIST (SUBSCRIBED) "" Kept/*', [b'* LIST (\\NonExistent \\Subscribed) "/" "Kept/Ghost"\r\n'], "restored: still subscribed")
    c.cmd("LOGOUT")
    os.rename("data", "bk")
    os.rename("data.orig", "data")


setup()
nonexistent()
delete()
rename()
recursive()
oldformat()
damage()
bounded()
backup()
common.terntest.report()

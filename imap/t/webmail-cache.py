# webmail-cache.py: imap/t/webmail-cache.test.  The set-up of webmail.py
# with Roundcube's caches on: Roundcube lists the INBOX (and caches it),
# another client flags one message and expunges another, the list shown
# again must have both changes, learnt through QRESYNC.
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webmail

CACHE = """$config['imap_cache'] = 'db';
$config['messages_cache'] = true;
"""


def uids(sequence_set):
    out = set()
    for r in sequence_set.split(","):
        a, b = (r.split(":") + [r])[:2]
        out.update(range(min(int(a), int(b)), max(int(a), int(b)) + 1))
    return out


def answer(text, word):
    """The untagged lines that answered the first command with word in Roundcube's imap_debug log
    (lines are marked with their connection: [ID] C: or [ID] S:)."""
    m = re.search(r"\[(\w+)\] C: (A\d+) [^\n]*%s" % word, text)
    out = []
    for line in text[m.end():].splitlines() if m else []:
        if "[%s] S: " % m.group(1) in line:
            line = line.split("[%s] S: " % m.group(1), 1)[1]
            if line.startswith(m.group(2) + " "):
                break
            out.append(line)
    return out


def browse(ui):
    S = webmail.SEEDS
    flagged, gone = S[2][0], S[4][0]

    def changes():
        log, before = len(ui.IMAPCMDS()[1]), len(open("rc/logs/imap.log", errors="replace").read())
        c = webmail.conn()
        c.select("INBOX")
        uid = lambda subj: c.uid("SEARCH", None, "HEADER", "Subject", '"%s"' % subj)[1][0].split()
        a, k = uid(flagged), uid(gone)
        assert len(a) == 1 and len(k) == 1, "UIDs %r %r" % (a, k)
        c.uid("STORE", a[0], "+FLAGS", "(\\Flagged)")
        c.uid("STORE", k[0], "+FLAGS", "(\\Deleted)")
        c.expunge()
        c.logout()
        # the user opens the Inbox again
        ui.drv.find_element(ui.By.CSS_SELECTOR, "#mailboxlist a[rel=INBOX]").click()
        ui.until(lambda: ui.idle() and gone not in ui.subjects(), what=gone + " gone from the list")
        fl = ui.drv.execute_script("return $('#messagelist tbody tr.message.flagged').map(function() {"
                                   " return $(this).find('span.subject a, td.subject a').first().text().trim() }).get()")
        assert fl == [flagged], "rows shown flagged: %r (expected %r)" % (fl, [flagged])
        cmds = ui.new_imap(log)
        text = open("rc/logs/imap.log", errors="replace").read()[before:]
        assert "ENABLE QRESYNC" in cmds, "no ENABLE QRESYNC: %r" % cmds
        fetch = [x for x in cmds if "CHANGEDSINCE" in x and "VANISHED" in x]
        assert fetch, "no UID FETCH (CHANGEDSINCE n VANISHED): %r" % cmds
        ans = answer(text, "CHANGEDSINCE")
        sets = [uids(x) for x in re.findall(r"^\* VANISHED \(EARLIER\) ([0-9:,]+)$", "\n".join(ans), re.M)]
        changed = [x for x in ans if re.match(r"\* \d+ FETCH ", x)]
        assert any(int(k[0]) in x for x in sets), "no * VANISHED (EARLIER) with UID %s in tern's answer: %r" % (k[0].decode(), ans)
        assert len(changed) == 1 and re.match(r"\* \d+ FETCH \(UID %s FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$" % a[0].decode(), changed[0]), \
            "tern's FETCH answers to CHANGEDSINCE are not the one flag change: %r" % ans
        return "another client's \\Flagged and expunge shown; Roundcube sent %s" % fetch

    ui.session([("the list shows another client's flag and expunge (QRESYNC)", changes),
                ("log out", ui.logout)])


sys.exit(webmail.run(browse, CACHE))

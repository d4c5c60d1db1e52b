# webmail_ui.py: the browser half of imap/t/webmail.test: selenium drives
# headless Chromium (a fresh profile here) through Roundcube; each step is
# checked in the page, and what tern did through imaplib and the IMAP log.
import os, re, shutil, tempfile, time, traceback
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait, Select
from terntest import check

D = os.getcwd()
LONG = 60
drv = None
keep = None   # where the evidence of a failure is copied (the test dir goes away)
# rows are keyed by UID in rcmail.message_list.rows; their ids carry it encoded (html_identifier)
ROWS_JS = """var by = {};
$.each(rcmail.message_list.rows, function(k, r) { if (r.obj) by[r.obj.id] = r; });
return $('#messagelist tbody tr.message').map(function() {
  var r = by[this.id] || {};
  return [[this.id, $(this).find('span.subject a, td.subject a').first().text().trim(), $(this).is(':visible'),
           r.depth || 0, String(r.parent_uid || ''), String(r.uid || '')]] }).get()"""


def rows():
    """(row id, subject, visible, depth, parent's UID, UID) of each visible row of the message list, in page order
    (a moved message's row is hidden until the list is built again)."""
    return [tuple(r) for r in drv.execute_script(ROWS_JS) if r[2]]


def subjects():
    return [r[1] for r in rows()]


def idle():
    return drv.execute_script("return !!(window.rcmail && rcmail.message_list && !rcmail.busy)")


def until(f, t=LONG, what=""):
    return WebDriverWait(drv, t, poll_frequency=0.2).until(lambda d: f(), what)


def evidence(name, trace):
    """A screenshot, the page source and the traceback of a failed step: in the test dir and in a kept copy."""
    global keep
    name = re.sub("[^a-z0-9]+", "-", name.lower())[:30].strip("-")
    p = os.path.join(D, "fail-%s" % name)
    open(p + ".trace", "w").write(trace)
    paths = [p + ".trace"]
    try:
        drv.switch_to.default_content()
        drv.save_screenshot(p + ".png")
        open(p + ".html", "w").write(drv.page_source)
        paths += [p + ".png", p + ".html"]
    except Exception as e:
        print("info: no screenshot for %s: %s" % (name, e))
    if keep is None:
        keep = tempfile.mkdtemp(prefix="tern-webmail-fail.")
    for p in paths + [os.path.join(D, "rc/logs/imap.log"), os.path.join(D, "rc/logs/errors.log"), os.path.join(D, "ls.out")]:
        if os.path.exists(p):
            shutil.copy(p, keep)
    print("info: %s failed: traceback, screenshot and page source %s, copied with the logs to %s" % (name, " ".join(paths), keep))


def step(name, fn):
    t = time.time()
    try:
        d = fn()
        check(True, name)
        print("ok %s: %s (%.1fs)" % (name, d or "", time.time() - t))
        return True
    except Exception as e:
        check(False, "%s: %s: %s" % (name, type(e).__name__, (str(e).strip().splitlines() or [""])[0]))
        evidence(name, traceback.format_exc())
        return False


def new_imap(before):
    """The IMAP commands Roundcube sent since the log had `before` of them."""
    return IMAPCMDS()[1][before:]


def start():
    global drv
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,900",
              "--user-data-dir=" + os.path.join(D, "chrome-profile"), "--no-first-run", "--disable-extensions",
              "--disable-background-networking", "--disable-sync", "--disable-component-update", "--disable-default-apps"):
        opts.add_argument(a)
    if os.geteuid() == 0:
        opts.add_argument("--no-sandbox")   # Chromium refuses to run as root with its sandbox
    svc = Service("/usr/bin/chromedriver", log_path=os.path.join(D, "chromedriver.log"))
    drv = webdriver.Chrome(service=svc, options=opts)
    drv.set_page_load_timeout(LONG)
    drv.set_script_timeout(LONG)


def login():
    drv.get(URL)
    until(lambda: drv.find_elements(By.ID, "rcmloginuser"), what="login form")
    drv.find_element(By.ID, "rcmloginuser").send_keys(USER)
    drv.find_element(By.ID, "rcmloginpwd").send_keys(PW)
    drv.find_element(By.ID, "rcmloginsubmit").click()
    until(lambda: drv.find_elements(By.ID, "mailboxlist") and idle() and len(rows()) == len(SEEDS), what="the Inbox listed")
    return "%d messages listed" % len(rows())


def folders():
    rel = drv.execute_script("return $('#mailboxlist li a').map(function() { return $(this).attr('rel') }).get()")
    shown = drv.execute_script("return $('#mailboxlist li a[rel=Projects] .name, #mailboxlist li a[rel=Projects]').first().text().trim()")
    want = ["INBOX", "Drafts", "Sent", "Junk", "Trash", "Archive", "Projects"]
    assert all(w in rel for w in want) and shown.startswith("Projects"), "folders %r, Projects shown as %r" % (rel, shown)
    return "folders %s" % rel


SHOWN_JS = """var want = arguments[1], a = $(arguments[0]).filter(function() { return $(this).text().trim() == want })[0],
  r = a && a.getBoundingClientRect();
return r && r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth ? a : null"""


def shown(sel, text):
    """The element of sel whose text is text, once it is laid out inside the window (else None)."""
    return drv.execute_script(SHOWN_JS, sel, text)


def row_of(subj):
    r = [x for x in rows() if x[1] == subj]
    assert r, "no row %r in %r" % (subj, subjects())
    return drv.find_element(By.ID, r[0][0])


def preview():
    """[body text, subject line] of the message in the preview frame, or None."""
    return drv.execute_script("var f = document.getElementById('messagecontframe'), d = f && f.contentDocument,"
                              " b = d && d.getElementById('messagebody');"
                              "return b ? [b.textContent, (d.querySelector('h2.subject') || {}).textContent || ''] : null")


def open_message():
    subj, body = SEEDS[0][0], SEEDS[0][3]
    row_of(subj).click()   # widescreen: the message opens in the preview frame
    got = until(lambda: (lambda p: p if p and body in p[0] else None)(preview()), what="the preview of " + subj)
    assert body in got[0] and subj in got[1], "preview shows %r / %r" % (got[1][:80], got[0][:120])
    return "%r shows %r" % (subj, body)


def list_options(col=None, mode=None):
    """Roundcube's list options dialog (elastic clones it into a jQuery UI dialog): sort column ASC, list mode."""
    drv.execute_script("$('#messagelist tbody tr.message').attr('data-old', '1')")
    drv.find_element(By.ID, "listmenulink").click()
    dlg = lambda sel: [e for e in drv.find_elements(By.CSS_SELECTOR, ".ui-dialog " + sel) if e.is_displayed()]
    until(lambda: dlg("select[name=sort_col]"), what="the list options dialog")
    if col:
        Select(dlg("select[name=sort_col]")[0]).select_by_value(col)
        Select(dlg("select[name=sort_ord]")[0]).select_by_value("ASC")
    if mode:
        assert dlg("select[name=mode]"), "no list mode 'threads' offered (rcmail.env.threads %r)" % drv.execute_script("return rcmail.env.threads")
        Select(dlg("select[name=mode]")[0]).select_by_value(mode)
    dlg(".ui-dialog-buttonpane button.mainaction")[0].click()
    # the list is built anew: no row left from before, and no request in flight
    until(lambda: idle() and not drv.find_elements(By.CSS_SELECTOR, "#messagelist tr[data-old]") and rows(), what="the list again")


def basesubj(s):
    return s[4:] if s.startswith("Re: ") else s


def sort_by(col, key):
    def fn():
        n = len(IMAPCMDS()[1])
        list_options(col=col)
        want = [s[0] for s in sorted(SEEDS, key=key)]
        got = subjects()
        assert got == want, "order shown %r, expected %r" % (got, want)
        cmds = new_imap(n)
        assert any(("SORT " in c and "(%s)" % col.upper() in c) for c in cmds), "no SORT (%s) sent: %r" % (col.upper(), cmds)
        return "%s ASC: %s; Roundcube sent %s" % (col, got, [c for c in cmds if "SORT" in c])
    return fn


def threads():
    n = len(IMAPCMDS()[1])
    list_options(mode="threads")
    rs = rows()
    par = [r for r in rs if r[1] == "Zebra report"]
    kid = [r for r in rs if r[1] == "Re: Zebra report"]
    assert par and kid, "rows %r" % rs
    i, j = rs.index(par[0]), rs.index(kid[0])
    assert kid[0][3] == 1 and kid[0][4] == par[0][5] and j == i + 1, \
        "the reply is not shown under its parent: %r" % rs
    cmds = new_imap(n)
    assert any("THREAD" in c for c in cmds), "no THREAD sent: %r" % cmds
    return "reply at depth 1 under its parent; Roundcube sent %s" % [c for c in cmds if "THREAD" in c]


def move():
    subj = SEEDS[4][0]
    n = len(IMAPCMDS()[1])
    row_of(subj).click()
    until(lambda: idle() and drv.execute_script("return rcmail.message_list.get_selection().length == 1") and
          SEEDS[4][3] in (preview() or [""])[0], what="%s selected and in the preview" % subj)
    drv.find_element(By.ID, "messagemenulink").click()   # More
    until(lambda: shown("#message-menu a.move.active", "Move to..."), what="Move to... in the More menu").click()
    # the selector is built at -1000px, -1000px, then placed by the popup code: click once it is on screen
    until(lambda: shown("#folder-selector li a.active", "Projects"), what="Projects in the folder selector").click()
    until(lambda: idle() and subj not in subjects(), what=subj + " gone from the list")
    inbox, proj = SUBJECTS_IN("INBOX"), SUBJECTS_IN("Projects")
    assert subj not in inbox and proj == [subj], "tern has INBOX %r, Projects %r" % (inbox, proj)
    cmds = new_imap(n)
    drv.find_element(By.CSS_SELECTOR, "#mailboxlist a[rel=Projects]").click()
    until(lambda: idle() and drv.execute_script("return rcmail.env.mailbox") == "Projects" and subjects() == [subj], what="Projects listed")
    drv.find_element(By.CSS_SELECTOR, "#mailboxlist a[rel=INBOX]").click()
    until(lambda: idle() and drv.execute_script("return rcmail.env.mailbox") == "INBOX" and rows(), what="INBOX listed again")
    return "tern: INBOX %d messages, Projects %r; Roundcube sent %s" % (len(inbox), proj, [c for c in cmds if "MOVE" in c or "COPY" in c])


SENT = "Sent from Roundcube"


def submitted(frm, to):
    """(session, queue id) when tern's log has the message from frm to to accepted in a session that
    authenticated as local and delivered to the account (the delivery line may come after imaplib sees it)."""
    log = open(os.path.join(D, "ls.out"), errors="replace").read()
    acc = re.findall(r"tern-smtp-in: info: accept session=(\S+) id=(\S+) from=<%s> .*rcpt=<%s>" % (re.escape(frm), re.escape(to)), log)
    if len(acc) == 1 and re.search(r"tern-smtp-in: info: auth session=%s result=ok mech=\S+ account=local\n" % re.escape(acc[0][0]), log) \
            and "delivery id=%s rcpt=%s account=local result=ok" % (acc[0][1], to) in log:
        return acc[0]
    return None


def send():
    drv.find_element(By.CSS_SELECTOR, "a.compose").click()
    subj = until(lambda: drv.find_elements(By.ID, "compose-subject"), what="the compose form")[0]
    until(lambda: drv.execute_script("return !!(window.rcmail && rcmail.env.action == 'compose' && !rcmail.busy)"), what="compose ready")
    # elastic replaces the To textarea with a recipient widget: type into its input
    to = [e for e in drv.find_elements(By.CSS_SELECTOR, ".recipient-input input") if e.is_displayed()][0]
    to.send_keys(TO + ", ")
    subj.click()
    subj.send_keys(SENT)
    drv.find_element(By.ID, "composebody").send_keys("Hello from headless Chromium via Roundcube.\n")
    tov = drv.execute_script("return $('[name=_to]').val()")
    assert TO in tov, "To field holds %r" % tov
    [b for b in drv.find_elements(By.CSS_SELECTOR, "button.send, a.send") if b.is_displayed()][0].click()
    until(lambda: drv.execute_script("return !!(window.rcmail && rcmail.env.task == 'mail' && rcmail.env.action === '' && rcmail.message_list)"),
          what="back in the list after sending")
    # tern: through submission and the queue into the INBOX, and Roundcube's copy APPENDed to Sent
    until(lambda: SENT in SUBJECTS_IN("INBOX") and SENT in SUBJECTS_IN("Sent"), what="the message in INBOX and Sent (imaplib)")
    # tern's log: an authenticated submission session accepted it, the queue delivered it to the account
    acc = until(lambda: submitted(USER, TO), what="AUTH, accept and delivery lines in tern's log")

    def listed():
        if not idle():
            return False
        if SENT in subjects():
            return True
        drv.execute_script("rcmail.command('checkmail')")
        return False
    WebDriverWait(drv, LONG, poll_frequency=1).until(lambda d: listed(), "the message in the web INBOX")
    return "to %s: submission (AUTH) and the queue (id %s), in INBOX and Sent" % (TO, acc[1])


def logout():
    drv.find_element(By.CSS_SELECTOR, "a.logout").click()
    until(lambda: drv.find_elements(By.ID, "rcmloginuser"), what="the login form")
    return "login form shown"


def configure(port, user, pw, seeds, subjects_in, imap_commands, to):
    global URL, USER, PW, SEEDS, SUBJECTS_IN, IMAPCMDS, TO
    URL, USER, PW, SEEDS, SUBJECTS_IN, IMAPCMDS, TO = "http://127.0.0.1:%d/" % port, user, pw, seeds, subjects_in, imap_commands, to


def session(steps):
    """Chromium started, each (name, function) of steps checked in turn
    after the log in, Chromium stopped."""
    t = time.time()
    ok = step("chromium starts (chromedriver, headless, fresh profile)", start)
    try:
        if ok and step("log in", login):
            for name, fn in steps:
                step(name, fn)
    finally:
        if drv:
            drv.quit()
    print("info: browser part %.1fs" % (time.time() - t))


def run():
    session([("folder list: INBOX Drafts Sent Junk Trash Archive and the test's Projects", folders),
             ("open a delivered message: subject and body line", open_message),
             ("sort by date (SORT)", sort_by("date", lambda s: time.strptime(s[2][5:25], "%d %b %Y %H:%M:%S"))),
             ("sort by subject (SORT)", sort_by("subject", lambda s: (basesubj(s[0]), SEEDS.index(s)))),
             ("thread view (THREAD): the reply under its parent", threads),
             ("move a message to Projects (gone from INBOX, in Projects)", move),
             ("compose and send to the account (submission, queue, Sent copy)", send),
             ("log out", logout)])

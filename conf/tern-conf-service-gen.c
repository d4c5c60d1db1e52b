/* tern-conf-service-gen: the text of the s6 service directories and of the
   systemd unit that tern conf printservice prints and installservice
   writes (see tern-conf(8), SERVICE TREE).  Each file is one record of
   g->files: PATH \0 MODE \0 CONTENT \0. */
#include <string.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include "tern-conf.h"

static void add (stralloc *sa, char const *s)
{
  if (!stralloc_cats(sa, s)) strerr_diefusys(111, "stralloc") ;
}

/* s as one /bin/sh word: 'it'\''s' */
static void quote (stralloc *sa, char const *s)
{
  add(sa, "'") ;
  for (; *s ; s++)
    if (*s == '\'') add(sa, "'\\''") ;
    else if (!stralloc_catb(sa, s, 1)) strerr_diefusys(111, "stralloc") ;
  add(sa, "'") ;
}

static void record (svcgen *g, char const *path, char const *mode, stralloc const *text)
{
  if (!stralloc_cats(&g->files, path) || !stralloc_0(&g->files)
   || !stralloc_cats(&g->files, mode) || !stralloc_0(&g->files)
   || !stralloc_catb(&g->files, text->s, text->len) || !stralloc_0(&g->files))
    strerr_diefusys(111, "stralloc") ;
}

static void file (svcgen *g, char const *name, char const *rel, char const *mode, char const *text)
{
  stralloc p = STRALLOC_ZERO, t = STRALLOC_ZERO ;
  add(&p, name) ; add(&p, "/") ; add(&p, rel) ; if (!stralloc_0(&p)) strerr_diefusys(111, "stralloc") ;
  add(&t, text) ;
  record(g, p.s, mode, &t) ;
  stralloc_free(&p) ;
  stralloc_free(&t) ;
}

static void head (stralloc *sa, svcgen const *g, char const *name, char const *what, int log)
{
  add(sa, log ? "#!/bin/sh\n# log of tern service " : "#!/bin/sh\n# tern service ") ; add(sa, name) ;
  add(sa, " (written by tern conf installservice): ") ; add(sa, what) ;
  add(sa, log ? "\nPATH=" : "\nexec 2>&1\nPATH=") ; quote(sa, g->bin) ; add(sa, ":$PATH\n") ;
}

/* "exec tern-runas -c CONF JOB " */
static void runas (stralloc *sa, svcgen const *g, char const *job)
{
  add(sa, "exec tern-runas -c ") ; quote(sa, g->conf) ; add(sa, " ") ; add(sa, job) ; add(sa, " ") ;
}

/* The log directory is made by log/run, owned by the log-user (a name:
   its login group; a number: both ids) when started as root. */
static void logrun (svcgen *g, char const *name)
{
  stralloc t = STRALLOC_ZERO, d = STRALLOC_ZERO ;
  svcuser const *u = &g->user[SVC_LOG] ;
  add(&d, g->logdir) ; add(&d, "/") ; add(&d, name) ; if (!stralloc_0(&d)) strerr_diefusys(111, "stralloc") ;
  head(&t, g, name, "s6-log as the log-user: TAI64N stamps, 20 files of 1 MB", 1) ;
  add(&t, "d=") ; quote(&t, d.s) ;
  add(&t, "\nmkdir -p \"$d\" && chmod 750 \"$d\" || exit 111\n[ \"$(id -u)\" != 0 ] || chown ") ;
  add(&t, u->name) ; add(&t, ":") ; if (u->numeric) add(&t, u->name) ;
  add(&t, " \"$d\" || exit 111\n") ;
  runas(&t, g, "log") ;
  add(&t, "s6-log -d3 t s1000000 n20 \"$d\"\n") ;
  if (!stralloc_0(&t)) strerr_diefusys(111, "stralloc") ;
  file(g, name, "log/run", "0755", t.s) ;
  file(g, name, "log/notification-fd", "0644", "3\n") ;
  stralloc_free(&t) ;
  stralloc_free(&d) ;
}

static void keys (stralloc *sa, svcgen const *g)
{
  for (unsigned int i = 0 ; i < g->ntls ; i++)
  {
    add(sa, " -k ") ; quote(sa, g->tlskey[i]) ;
    add(sa, " -c ") ; quote(sa, g->tlscert[i]) ;
  }
}

/* The listener of one listen line: the chains of tern-localserve(8), with
   the users of the table in tern-conf(8). */
static void listener (stralloc *t, svcgen const *g, svclisten const *l)
{
  int imap = l->kind >= SVC_IMAP, tls = l->kind == SVC_SUBMISSIONS || l->kind == SVC_IMAPS ;
  if (!g->ntls) add(t, "u=-U ; [ \"$(id -u)\" = 0 ] || u=\n") ;
  runas(t, g, imap ? "imap" : "smtp") ;
  if (!g->ntls) add(t, "tern-listen $u -N 3 ") ;
  else if (imap) add(t, "tern-listen -N 3 ") ;
  else
  {
    add(t, "tern-tls") ; keys(t, g) ;
    add(t, tls ? " -S -L -N 3 " : " -Z -L -N 3 ") ;
  }
  add(t, l->ip) ; add(t, " ") ; add(t, l->port) ;
  if (imap && g->ntls) { add(t, " tern-tls") ; keys(t, g) ; if (tls) add(t, " -S") ; }
  add(t, imap ? " tern-imap -c " : " tern-smtp-in -c ") ; quote(t, g->conf) ;
  if (l->kind == SVC_SUBMISSION || l->kind == SVC_SUBMISSIONS) add(t, " -s") ;
  if (tls) add(t, " -S") ;
  add(t, "\n") ;
}

static char const *const what[] =
{
  "SMTP (port 25): the listener is root, for the port and the TLS key; sessions run as the smtp-user, TLS helpers as the tls-user",
  "submission (port 587): the listener is root, for the port and the TLS key; sessions run as the smtp-user, TLS helpers as the tls-user",
  "submissions (port 465, implicit TLS): the listener is root, for the port and the TLS key; sessions run as the smtp-user, TLS helpers as the tls-user",
  "IMAP (port 143): the listener is root, for the port; each connection's tern-tls reads the key as root, then runs tern-imap as the user and drops to the tls-user",
  "IMAPS (port 993, implicit TLS): the listener is root, for the port; each connection's tern-tls reads the key as root, then runs tern-imap as the user and drops to the tls-user",
} ;

void svc_listen (svcgen *g, svclisten const *l)
{
  stralloc t = STRALLOC_ZERO ;
  head(&t, g, l->name, what[l->kind], 0) ;
  listener(&t, g, l) ;
  if (!stralloc_0(&t)) strerr_diefusys(111, "stralloc") ;
  file(g, l->name, "run", "0755", t.s) ;
  file(g, l->name, "notification-fd", "0644", "3\n") ;
  file(g, l->name, "timeout-kill", "0644", "10000\n") ;
  logrun(g, l->name) ;
  stralloc_free(&t) ;
}

/* tern fixperms first, each time the queue starts (a failure is a
   restart a second later); then the runner as the user. */
void svc_queue (svcgen *g)
{
  stralloc t = STRALLOC_ZERO ;
  head(&t, g, "queue", "tern fixperms, then the queue runner and all it starts, as the user (no root)", 0) ;
  add(&t, "tern-fixperms -c ") ; quote(&t, g->conf) ; add(&t, " || exit 111\n") ;
  runas(&t, g, "queue") ;
  add(&t, "tern-queue-run -c ") ; quote(&t, g->conf) ;
  add(&t, "\n") ;
  if (!stralloc_0(&t)) strerr_diefusys(111, "stralloc") ;
  file(g, "queue", "run", "0755", t.s) ;
  file(g, "queue", "timeout-kill", "0644", "10000\n") ;
  logrun(g, "queue") ;
  stralloc_free(&t) ;
}

/* The junk door of tern-door(8) on junk-socket, as the user; ready (fd 3)
   once s6-ipcserver listens. */
void svc_junk (svcgen *g)
{
  stralloc t = STRALLOC_ZERO ;
  head(&t, g, "junk", "the junk door (s6-ipcserver, s6-sudod, tern-door) on junk-socket, as the user (no root)", 0) ;
  runas(&t, g, "door") ;
  add(&t, "s6-ipcserver -1 ") ; quote(&t, g->junksock) ;
  add(&t, " s6-sudod tern-door -c ") ; quote(&t, g->conf) ;
  add(&t, " 1>&3 3>&-\n") ;
  if (!stralloc_0(&t)) strerr_diefusys(111, "stralloc") ;
  file(g, "junk", "run", "0755", t.s) ;
  file(g, "junk", "notification-fd", "0644", "3\n") ;
  file(g, "junk", "timeout-kill", "0644", "10000\n") ;
  logrun(g, "junk") ;
  stralloc_free(&t) ;
}

void svc_unit (svcgen *g)
{
  stralloc t = STRALLOC_ZERO ;
  add(&t, "# tern.service: the tern service tree under s6-svscan (written by tern conf\n"
    "# installservice); install with: systemctl link ") ;
  add(&t, g->svcdir) ; add(&t, "/tern.service\n"
    "[Unit]\nDescription=tern mail system (s6-svscan ") ; add(&t, g->svcdir) ;
  add(&t, ")\nAfter=network-online.target\nWants=network-online.target\n\n"
    "[Service]\nType=simple\nExecStart=") ; add(&t, g->svscan) ; add(&t, " ") ; add(&t, g->svcdir) ;
  add(&t, "\nKillMode=mixed\nTimeoutStopSec=30s\nRestart=always\nRestartSec=5s\nUMask=007\nLimitNOFILE=65535\n"
    "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_KILL\n"
    "AmbientCapabilities=\nNoNewPrivileges=yes\nPrivateTmp=yes\nPrivateDevices=yes\n"
    "ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectControlGroups=yes\n"
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK\n\n"
    "[Install]\nWantedBy=multi-user.target\n") ;
  if (!stralloc_0(&t)) strerr_diefusys(111, "stralloc") ;
  if (!stralloc_cats(&g->files, "tern.service") || !stralloc_0(&g->files)
   || !stralloc_cats(&g->files, "0644") || !stralloc_0(&g->files)
   || !stralloc_catb(&g->files, t.s, t.len)) strerr_diefusys(111, "stralloc") ;
  stralloc_free(&t) ;
}

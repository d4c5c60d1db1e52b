/* gen: tests only: N realistic small messages (varied From, Subject, Date;
   one in 1000 has "zebra" in its Subject) written at once into ACCT's Inbox
   (message files in cur/, then one index rewrite: no fsync per message)
   and, byte for byte the same, into the Maildir MAILDIR (for Dovecot).
   usage: imap-gen ACCT MAILDIR N (MAILDIR "-": none)   exit: 0, 100 usage, 111 error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "tern.h"
#include "tern_store.h"

static char const *const first[] = { "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoe" } ;
static char const *const last[] = { "Smith", "Jones", "Martin", "Bernard", "Dubois", "Garcia", "Muller", "Rossi", "Novak", "Tanaka", "Kowalski", "Silva", "Olsen" } ;
static char const *const dom[] = { "example.org", "example.net", "lists.example.com", "mail.example.de", "corp.example", "uni.example.edu" } ;
static char const *const words[] = { "meeting", "report", "invoice", "lunch", "release", "question", "update", "review", "budget", "travel", "draft", "notes", "schedule", "patch", "build", "holiday", "contract", "plan", "feedback", "status" } ;
static char const *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" } ;
static char const *const wday[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" } ;
#define NEL(a) (sizeof (a) / sizeof *(a))

static int msg (char *buf, size_t max, unsigned long i, int64_t t)
{
  unsigned long h = i * 2654435761u ;
  char const *f = first[h % NEL(first)], *l = last[(h >> 8) % NEL(last)], *d = dom[(h >> 16) % NEL(dom)] ;
  time_t tt = (time_t)t ;
  struct tm tm ;
  int n ;
  gmtime_r(&tt, &tm) ;
  n = snprintf(buf, max,
    "Return-Path: <%s.%s@%s>\r\nReceived: from mx.%s by mail.example.com; %s, %d %s %d %02d:%02d:%02d +0000\r\n"
    "From: %s %s <%s.%s@%s>\r\nTo: Bob <bob@example.com>\r\nSubject: %s %s %s #%lu\r\n"
    "Date: %s, %d %s %d %02d:%02d:%02d +0000\r\nMessage-ID: <%lu.%lx@%s>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "Hello Bob,\r\n\r\nabout the %s: see the notes below, number %lu.\r\n",
    f, l, d, d, wday[(t / 86400) % 7], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
    f, l, f, l, d, i % 1000 ? words[(h >> 4) % NEL(words)] : "zebra", words[(h >> 12) % NEL(words)], words[(h >> 20) % NEL(words)], i,
    wday[(t / 86400) % 7], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, i, h, d,
    words[(h >> 24) % NEL(words)], i) ;
  for (unsigned long k = 0 ; k < 3 + h % 12 && n < (int)max - 80 ; k++)
    n += snprintf(buf + n, max - (size_t)n, "Line %lu of the text, which says nothing much at all.\r\n", k) ;
  n += snprintf(buf + n, max - (size_t)n, "\r\n-- \r\n%s\r\n", f) ;
  return n ;
}

static void put (char const *path, char const *s, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) ;
  if (fd < 0 || write(fd, s, len) != (ssize_t)len || close(fd) < 0) { perror(path) ; exit(111) ; }
}

int main (int argc, char **argv)
{
  tern_mboxent e ;
  tern_mbox m = TERN_MBOX_ZERO ;
  genalloc recs = GENALLOC_ZERO ;
  stralloc p = STRALLOC_ZERO ;
  char buf[4096], path[4096] ;
  unsigned long n ;
  if (argc != 4) return 100 ;
  n = strtoul(argv[3], 0, 10) ;
  if (tern_store_create(argv[1]) || tern_store_mbox_lookup(argv[1], "Inbox", &e)
   || tern_mbox_open(&m, argv[1], e.id) || tern_mbox_lock(&m, LOCK_EX)) { perror("open the store") ; return 111 ; }
  for (char const *sub = "tmp" ; sub && strcmp(argv[2], "-") ; sub = !strcmp(sub, "tmp") ? "new" : !strcmp(sub, "new") ? "cur" : 0)
  {
    snprintf(path, sizeof path, "%s/%s", argv[2], sub) ;
    if (!tern_mkdirp(path, 0700)) { perror(path) ; return 111 ; }
  }
  for (unsigned long i = 0 ; i < n ; i++)
  {
    int64_t t = 1600000000 + (int64_t)i * 1500 + (int64_t)(i * 7919 % 1200) ;
    int len = msg(buf, sizeof buf, i + 1, t) ;
    tern_rec r = { .uid = (uint32_t)(i + 1), .flags = i % 3 ? TERN_F_SEEN : 0, .modseq = i + 1, .size = (uint64_t)len, .internaldate = t } ;
    if (!tern_mbox_path(&p, &m, "cur", r.uid)) return 111 ;
    put(p.s, buf, (size_t)len) ;
    snprintf(path, sizeof path, "%s/cur/%lu.M%luP1.bench,S=%d,W=%d:2,%s", argv[2], (unsigned long)t, i, len, len, i % 3 ? "S" : "") ;
    if (strcmp(argv[2], "-")) put(path, buf, (size_t)len) ;
    if (!genalloc_catb(tern_rec, &recs, &r, 1)) return 111 ;
  }
  if (tern_mbox_rewrite(&m, genalloc_s(tern_rec, &recs), n, (uint32_t)n + 1, m.hdr.uidvalidity)) { perror("write the index") ; return 111 ; }
  tern_mbox_close(&m) ;
  genalloc_free(tern_rec, &recs) ;
  stralloc_free(&p) ;
  return 0 ;
}

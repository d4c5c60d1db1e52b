/* tern-tls-load.c: reads one key pair for tern-tls from its PEM files;
   any problem is fatal (111) and says which file. */
#include <skalibs/djbunix.h>
#include <skalibs/bytestr.h>
#include <skalibs/strerr.h>
#include "tern-tls.h"

static unsigned char filebuf[TLS_FILE_MAX] ;

static size_t readfile (char const *what, char const *path)
{
  ssize_t n = openreadnclose(path, (char *)filebuf, sizeof filebuf) ;
  if (n < 0) strerr_diefusys(111, "read ", what, " ", path) ;
  if ((size_t)n == sizeof filebuf) strerr_diefu(111, "read ", what, " ", path, ": file too large") ;
  return n ;
}

void tls_load (tlspair *p, char const *key, char const *cert)
{
  size_t n = readfile("key", key) ;
  char const *r = tls_pem_key(p, filebuf, n) ;
  byte_zzero((char *)filebuf, n) ;
  if (r) strerr_diefu(111, "read key ", key, ": ", r) ;
  n = readfile("certificate", cert) ;
  r = tls_pem_chain(p, filebuf, n) ;
  if (r) strerr_diefu(111, "read certificate ", cert, ": ", r) ;
  if (!tls_pair_match(p)) strerr_dief(111, "key ", key, " does not match certificate ", cert) ;
}


/* tern-tlsc-err.c: names of BearSSL errors for tern-tlsc's log lines:
   tern-tls's names, plus the X.509 ones (32 to 63). */
#include <string.h>
#include "tern-tlsc.h"
#include "../smtp-in/tern-tls.h"

static char const *const x509names[] =
{
  "OK", "INVALID_VALUE", "TRUNCATED", "EMPTY_CHAIN", "INNER_TRUNC",
  "BAD_TAG_CLASS", "BAD_TAG_VALUE", "INDEFINITE_LENGTH", "EXTRA_ELEMENT",
  "UNEXPECTED", "NOT_CONSTRUCTED", "NOT_PRIMITIVE", "PARTIAL_BYTE",
  "BAD_BOOLEAN", "OVERFLOW", "BAD_DN", "BAD_TIME", "UNSUPPORTED",
  "LIMIT_EXCEEDED", "WRONG_KEY_TYPE", "BAD_SIGNATURE", "TIME_UNKNOWN",
  "EXPIRED", "DN_MISMATCH", "BAD_SERVER_NAME", "CRITICAL_EXTENSION",
  "NOT_CA", "FORBIDDEN_KEY_USAGE", "WEAK_PUBLIC_KEY", "61", "NOT_TRUSTED", "63"
} ;

char const *tlsc_err_name (int err, char *buf)
{
  if (err >= BR_ERR_X509_OK && err < BR_ERR_X509_OK + 32)
  {
    char const *s = x509names[err - BR_ERR_X509_OK] ;
    memcpy(buf, "BR_ERR_X509_", 12) ;
    memcpy(buf + 12, s, strlen(s) + 1) ;
    return buf ;
  }
  return tls_err_name(err, buf) ;
}
